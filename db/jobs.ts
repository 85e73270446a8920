import type { Knex } from 'knex';
import { OPEN_INVOICE_STATUSES } from '../domain/aging';
import type { LienRuleOverride } from '../domain/lien-deadlines';
import { recordAudit } from './audit';
import type { Db } from './connection';
import { pageOf, type PageRequest } from './list-query';

type Executor = Db | Knex.Transaction;

/**
 * Jobs as the console's lien-deadline views read them: the job, its account's state (the
 * fallback for a job without its own), its delivery dates and what is still owed on it; and
 * the dealer's overrides of the default lien rules (domain/lien-deadlines.ts).
 */

export interface JobRow {
  id: string;
  erp_job_id: string;
  name: string;
  status: string;
  customer_account_id: string;
  customer_name: string;
  job_state: string | null;
  account_state: string | null;
  first_delivery_date: string | null;
  last_delivery_date: string | null;
  open_cents: number;
  open_invoice_count: number;
}

export interface JobFilter {
  customerAccountId?: string;
  ids?: string[];
}

const OPEN = OPEN_INVOICE_STATUSES.map((status) => `'${status}'`).join(', ');

const JOB_SORTABLE: Record<string, string> = {
  name: 'lower(j.name)',
  erp_job_id: 'j.erp_job_id',
  first_delivery_date: 'j.first_delivery_date',
  last_delivery_date: 'j.last_delivery_date',
  open_cents: 'o.open_cents',
};

function jobsOf(db: Executor, dealerId: string, filter: JobFilter): Knex.QueryBuilder {
  const query = db('jobs as j')
    .join('customer_accounts as ca', (join) => join.on('ca.id', 'j.customer_account_id').andOn('ca.dealer_id', 'j.dealer_id'))
    .joinRaw(`cross join lateral (
      select coalesce(sum(i.balance_cents), 0)::int8 as open_cents, count(*)::int4 as open_invoice_count
      from invoices i where i.dealer_id = j.dealer_id and i.job_id = j.id and i.status in (${OPEN}) and i.balance_cents > 0) o`)
    .where('j.dealer_id', dealerId)
    .whereNull('ca.deleted_at');
  if (filter.customerAccountId) query.where('j.customer_account_id', filter.customerAccountId);
  if (filter.ids) query.whereIn('j.id', filter.ids);
  return query;
}

const JOB_COLUMNS = [
  'j.id', 'j.erp_job_id', 'j.name', 'j.status', 'j.customer_account_id', 'ca.name as customer_name', 'j.state as job_state', 'ca.state as account_state',
  'j.first_delivery_date', 'j.last_delivery_date', 'o.open_cents', 'o.open_invoice_count',
];

export function listJobs(db: Db, dealerId: string, filter: JobFilter, page: PageRequest): Promise<{ rows: JobRow[]; total: number }> {
  return pageOf<JobRow>(jobsOf(db, dealerId, filter), JOB_COLUMNS, page, JOB_SORTABLE, 'j.id');
}

export async function jobById(db: Db, dealerId: string, id: string): Promise<JobRow | undefined> {
  return jobsOf(db, dealerId, { ids: [id] }).first(JOB_COLUMNS);
}

export async function lienDeadlineOverrides(db: Executor, dealerId: string): Promise<LienRuleOverride[]> {
  const rows = await db('lien_deadline_overrides').where({ dealer_id: dealerId }).orderBy('state').select('state', 'preliminary_notice_days', 'lien_filing_days');
  return rows.map((row) => ({ state: row.state, preliminaryNoticeDays: row.preliminary_notice_days, lienFilingDays: row.lien_filing_days }));
}

/**
 * Replaces the dealer's overrides, audited with before and after. The caller rescores the
 * dealer's accounts afterwards: the nearest lien deadline is part of the Collection Priority.
 */
export async function replaceLienDeadlineOverrides(db: Db, actor: { dealerId: string; operatorId: string }, overrides: LienRuleOverride[]): Promise<LienRuleOverride[]> {
  return db.transaction(async (trx) => {
    await trx.raw('select id from dealers where id = ? for update', [actor.dealerId]);
    const before = await lienDeadlineOverrides(trx, actor.dealerId);
    await trx('lien_deadline_overrides').where({ dealer_id: actor.dealerId }).delete();
    if (overrides.length) {
      await trx('lien_deadline_overrides').insert(overrides.map((entry) => ({
        dealer_id: actor.dealerId, state: entry.state, preliminary_notice_days: entry.preliminaryNoticeDays, lien_filing_days: entry.lienFilingDays,
      })));
    }
    const after = await lienDeadlineOverrides(trx, actor.dealerId);
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'settings.lien_deadlines_changed', entityType: 'dealer', entityId: actor.dealerId,
      data: { before, after },
    });
    return after;
  });
}
