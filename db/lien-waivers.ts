import type { Knex } from 'knex';
import { localDate } from '../domain/dates';
import {
  amountsByJob, DEFAULT_LIEN_WAIVER_FORM, type LienWaiverForm, type LienWaiverKind, type LienWaiverStatus,
} from '../domain/lien-waivers';
import type { PaymentStatus } from '../domain/payment-status';
import { recordAudit, type AuditEvent } from './audit';
import { withinJobs, type PortalScope } from './portal-scope';
import { pageOf, type PageRequest } from './list-query';
import type { ApplicationItemType } from '../domain/payment-quote';

/**
 * Lien waivers in the store: issued, replaced and voided in the transaction of the payment
 * change that causes them (db/payments.ts), listed per payment or job inside a dealer or a
 * customer's linked accounts, and every download recorded in the audit log.
 */
type Executor = Knex | Knex.Transaction;

export interface LienWaiverRow {
  id: string;
  dealer_id: string;
  dealer_name: string;
  payment_id: string;
  payment_number: string;
  payment_status: PaymentStatus;
  customer_account_id: string;
  job_id: string;
  kind: LienWaiverKind;
  form: LienWaiverForm;
  state: string | null;
  amount_cents: number;
  through_date: string;
  status: LienWaiverStatus;
  job_name: string;
  erp_job_id: string;
  customer_name: string;
  customer_address: string | null;
  void_reason: string | null;
  status_changed_at: Date | null;
  created_at: Date;
}

export interface LienWaiverFilter {
  paymentId?: string;
  jobId?: string;
  customerAccountId?: string;
  kind?: LienWaiverKind;
  status?: LienWaiverStatus;
}

const columns = (db: Executor) => [
  'w.id', 'w.dealer_id', 'd.name as dealer_name', 'w.payment_id', 'p.number as payment_number', 'p.status as payment_status', 'w.customer_account_id', 'w.job_id',
  'w.kind', 'w.form', 'w.state', 'w.amount_cents', db.raw('w.through_date::text as through_date'), 'w.status', 'w.job_name', 'w.erp_job_id', 'w.customer_name',
  'w.customer_address', 'w.void_reason', 'w.status_changed_at', 'w.created_at',
];
// The through-date is read as text: no time zone can move it a day.


export const LIEN_WAIVER_SORTABLE = { created_at: 'w.created_at', through_date: 'w.through_date', amount_cents: 'w.amount_cents', job_name: 'lower(w.job_name)', kind: 'w.kind', status: 'w.status' };

/** Payment statuses after which the money is not the dealer's: a waiver for it must not stand. */
const VOIDING: Partial<Record<PaymentStatus, string>> = {
  returned: 'The payment was returned by the bank.',
  charged_back: 'The payment was charged back by the card issuer.',
  refunded: 'The payment was refunded in full.',
  failed: 'The payment failed; no money was received.',
  terminated: 'The payment was cancelled or its money sent back.',
};

function scoped(db: Executor): Knex.QueryBuilder {
  return db('lien_waivers as w').join('payments as p', 'p.id', 'w.payment_id').join('dealers as d', 'd.id', 'w.dealer_id');
}

function filtered(query: Knex.QueryBuilder, filter: LienWaiverFilter): Knex.QueryBuilder {
  if (filter.paymentId) query.where('w.payment_id', filter.paymentId);
  if (filter.jobId) query.where('w.job_id', filter.jobId);
  if (filter.customerAccountId) query.where('w.customer_account_id', filter.customerAccountId);
  if (filter.kind) query.where('w.kind', filter.kind);
  if (filter.status) query.where('w.status', filter.status);
  return query;
}

/** The dealer's chosen form for a state; progress where it chose none. */
async function formFor(trx: Executor, dealerId: string, state: string | null): Promise<LienWaiverForm> {
  if (!state) return DEFAULT_LIEN_WAIVER_FORM;
  const row = await trx('lien_waiver_forms').where({ dealer_id: dealerId, state }).first('form');
  return (row?.form as LienWaiverForm | undefined) ?? DEFAULT_LIEN_WAIVER_FORM;
}

interface JobApplication {
  job_id: string | null;
  item_type: ApplicationItemType;
  amount_cents: number;
  reversed_cents: number;
}

/** Each application of the payment with the job of the item it paid (a credit's own job). */
function jobApplications(trx: Executor, paymentId: string): Promise<JobApplication[]> {
  return trx('payment_applications as pa')
    .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
    .leftJoin('adjustments as ad', 'ad.id', 'pa.adjustment_id')
    .where('pa.payment_id', paymentId)
    .select(trx.raw('coalesce(i.job_id, ad.job_id) as job_id'), 'pa.item_type', 'pa.amount_cents', 'pa.reversed_cents');
}

/**
 * The conditional waivers of a payment just submitted: one per job its items belong to, for
 * what it pays on that job, through the day it was submitted in the dealer's office.
 */
export async function issueConditionalWaivers(trx: Knex.Transaction, paymentId: string): Promise<number> {
  // Most payments pay no job's items: they learn that from one statement.
  const amounts = amountsByJob((await jobApplications(trx, paymentId)).map((a) => ({ jobId: a.job_id, itemType: a.item_type, amountCents: Number(a.amount_cents) })));
  if (amounts.size === 0) return 0;
  const payment = await trx('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').join('customer_accounts as ca', 'ca.id', 'p.customer_account_id')
    .where('p.id', paymentId)
    .first('p.id', 'p.number', 'p.dealer_id', 'p.customer_account_id', 'p.submitted_at', 'd.time_zone', 'ca.name as customer_name', 'ca.state', 'ca.address_line1', 'ca.city', 'ca.postal_code');
  const jobs = await trx('jobs').where({ dealer_id: payment.dealer_id }).whereIn('id', [...amounts.keys()]).select('id', 'name', 'erp_job_id');
  const state = (payment.state as string | null)?.trim().toUpperCase() || null;
  const form = await formFor(trx, payment.dealer_id, state);
  const address = [payment.address_line1, [payment.city, [state, payment.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ')].filter(Boolean).join(', ') || null;
  const throughDate = localDate(new Date(payment.submitted_at), payment.time_zone);
  const rows = jobs.map((job) => ({
    dealer_id: payment.dealer_id, payment_id: paymentId, customer_account_id: payment.customer_account_id, job_id: job.id, kind: 'conditional', form,
    state: state && /^[A-Z]{2}$/.test(state) ? state : null, amount_cents: amounts.get(job.id)!, through_date: throughDate,
    job_name: job.name, erp_job_id: job.erp_job_id, customer_name: payment.customer_name, customer_address: address,
  }));
  const inserted = await trx('lien_waivers').insert(rows).onConflict(['payment_id', 'job_id', 'kind']).ignore().returning(['id', 'job_id', 'amount_cents']);
  for (const waiver of inserted) {
    await recordAudit(trx, {
      dealerId: payment.dealer_id, actorKind: 'system', action: 'lien_waiver.issued', entityType: 'lien_waiver', entityId: waiver.id,
      data: { kind: 'conditional', form, paymentId, paymentNumber: payment.number, jobId: waiver.job_id, amountCents: Number(waiver.amount_cents), customer_account_id: payment.customer_account_id },
    });
  }
  return inserted.length;
}

/** Every waiver still standing on a payment whose money is gone (or never came) becomes void. */
export async function voidWaiversForStatus(trx: Knex.Transaction, paymentId: string, status: PaymentStatus): Promise<number> {
  const reason = VOIDING[status];
  if (!reason) return 0;
  const voided = await trx('lien_waivers').where({ payment_id: paymentId }).whereIn('status', ['active', 'replaced'])
    .update({ status: 'void', void_reason: reason, status_changed_at: trx.fn.now() }).returning(['id', 'dealer_id', 'kind']);
  for (const waiver of voided) {
    await recordAudit(trx, {
      dealerId: waiver.dealer_id, actorKind: 'system', action: 'lien_waiver.voided', entityType: 'lien_waiver', entityId: waiver.id,
      data: { kind: waiver.kind, paymentId, paymentStatus: status, reason },
    });
  }
  return voided.length;
}

export interface ReleaseCandidate {
  id: string;
  method: 'ach' | 'card';
  settled_at: Date;
  time_zone: string;
}

/**
 * Settled payments that still hold only conditional waivers and settled before `settledBefore`
 * (no payment settled later can be final yet), in id order after `afterId`.
 */
export function releaseCandidates(db: Executor, options: { afterId: string | null; limit: number; settledBefore: Date; dealerId: string | null }): Promise<ReleaseCandidate[]> {
  const query = db('payments as p').join('dealers as d', 'd.id', 'p.dealer_id')
    .where('p.status', 'settled').where('p.settled_at', '<', options.settledBefore)
    .whereExists((q) => q.select(db.raw('1')).from('lien_waivers as w').where('w.payment_id', db.ref('p.id')).where({ 'w.kind': 'conditional', 'w.status': 'active' }))
    .orderBy('p.id').limit(options.limit)
    .select('p.id', 'p.method', 'p.settled_at', 'd.time_zone');
  if (options.afterId) query.where('p.id', '>', options.afterId);
  if (options.dealerId) query.where('p.dealer_id', options.dealerId);
  return query;
}

/**
 * Replaces a final payment's conditional waivers with unconditional ones, for what stayed
 * with the dealer on each job (a partial refund or chargeback lowers it; nothing left, and the
 * waiver is void instead). Re-checks the payment under its lock: a return booked meanwhile wins.
 */
export async function releaseUnconditionalWaivers(trx: Knex.Transaction, paymentId: string): Promise<number> {
  const payment = await trx('payments').where({ id: paymentId }).forUpdate().first('id', 'number', 'status', 'dealer_id');
  if (payment?.status !== 'settled') return 0;
  const conditional = await trx('lien_waivers').where({ payment_id: paymentId, kind: 'conditional', status: 'active' }).forUpdate();
  if (conditional.length === 0) return 0;
  const kept = amountsByJob((await jobApplications(trx, paymentId)).map((a) => ({ jobId: a.job_id, itemType: a.item_type, amountCents: Number(a.amount_cents) - Number(a.reversed_cents) })));
  let released = 0;
  for (const waiver of conditional) {
    const amount = Math.min(kept.get(waiver.job_id) ?? 0, Number(waiver.amount_cents));
    const audit = (entityId: string, action: string, data: AuditEvent['data']) => recordAudit(trx, { dealerId: payment.dealer_id, actorKind: 'system', action, entityType: 'lien_waiver', entityId, data });
    if (amount <= 0) {
      const reason = 'Everything the payment paid on this job was sent back.';
      await trx('lien_waivers').where({ id: waiver.id }).update({ status: 'void', void_reason: reason, status_changed_at: trx.fn.now() });
      await audit(waiver.id, 'lien_waiver.voided', { kind: 'conditional', paymentId, reason });
      continue;
    }
    const { id: _id, created_at: _created, status: _status, status_changed_at: _changed, void_reason: _void, ...document } = waiver;
    const [unconditional] = await trx('lien_waivers').insert({ ...document, kind: 'unconditional', amount_cents: amount }).onConflict(['payment_id', 'job_id', 'kind']).ignore().returning('id');
    await trx('lien_waivers').where({ id: waiver.id }).update({ status: 'replaced', status_changed_at: trx.fn.now() });
    if (unconditional) {
      await audit(unconditional.id, 'lien_waiver.released', { kind: 'unconditional', form: waiver.form, paymentId, paymentNumber: payment.number, jobId: waiver.job_id, amountCents: amount, replaces: waiver.id });
      released += 1;
    }
  }
  return released;
}

/** A dealer's waivers, one page. */
export function operatorLienWaivers(db: Executor, dealerId: string, filter: LienWaiverFilter, page: PageRequest): Promise<{ rows: LienWaiverRow[]; total: number }> {
  return pageOf<LienWaiverRow>(filtered(scoped(db).where('w.dealer_id', dealerId), filter), columns(db), page, LIEN_WAIVER_SORTABLE, 'w.id');
}

export async function operatorLienWaiver(db: Executor, dealerId: string, waiverId: string): Promise<LienWaiverRow | undefined> {
  return scoped(db).where({ 'w.dealer_id': dealerId, 'w.id': waiverId }).first(columns(db));
}

/** The waivers of the accounts a customer's company is linked to, newest first. */
export async function portalLienWaivers(db: Executor, scope: Pick<PortalScope, 'accountIds' | 'jobIds'>, filter: LienWaiverFilter): Promise<LienWaiverRow[]> {
  if (scope.accountIds.length === 0) return [];
  return filtered(withinJobs(scoped(db), scope.jobIds, 'w.job_id').whereIn('w.customer_account_id', scope.accountIds), filter).select(columns(db)).orderBy([{ column: 'w.created_at', order: 'desc' }, { column: 'w.kind', order: 'desc' }, { column: 'w.id' }]).limit(500);
}

export async function portalLienWaiver(db: Executor, scope: Pick<PortalScope, 'accountIds' | 'jobIds'>, waiverId: string): Promise<LienWaiverRow | undefined> {
  if (scope.accountIds.length === 0) return undefined;
  return withinJobs(scoped(db), scope.jobIds, 'w.job_id').whereIn('w.customer_account_id', scope.accountIds).where('w.id', waiverId).first(columns(db));
}

/** Who received the waiver: recorded on every download, by operator or customer. */
export async function recordLienWaiverDownload(db: Executor, waiver: LienWaiverRow, actor: { kind: 'operator' | 'customer'; id: string; email?: string }): Promise<void> {
  await recordAudit(db, {
    dealerId: waiver.dealer_id, actorKind: actor.kind, actorId: actor.id, action: 'lien_waiver.downloaded', entityType: 'lien_waiver', entityId: waiver.id,
    data: { kind: waiver.kind, form: waiver.form, status: waiver.status, paymentNumber: waiver.payment_number, jobId: waiver.job_id, amountCents: Number(waiver.amount_cents), email: actor.email, customer_account_id: waiver.customer_account_id },
  });
}

export interface LienWaiverDownloadRow {
  at: Date;
  actor_kind: 'operator' | 'customer';
  actor_name: string | null;
  actor_email: string | null;
}

/** Every download of one waiver, oldest first, with the name of who took it. */
export function lienWaiverDownloads(db: Executor, dealerId: string, waiverId: string): Promise<LienWaiverDownloadRow[]> {
  return db('audit_events as ae')
    .leftJoin('operator_users as ou', (join) => join.on(db.raw('ou.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'operator'))
    .leftJoin('portal_users as pu', (join) => join.on(db.raw('pu.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'customer'))
    .where({ 'ae.dealer_id': dealerId, 'ae.entity_type': 'lien_waiver', 'ae.entity_id': waiverId, 'ae.action': 'lien_waiver.downloaded' })
    .orderBy([{ column: 'ae.at' }, { column: 'ae.id' }])
    .select('ae.at', 'ae.actor_kind', db.raw('coalesce(ou.name, pu.name) as actor_name'), db.raw('coalesce(ou.email, pu.email) as actor_email'));
}

/** The dealer's form per state (states with no row use progress forms). */
export async function lienWaiverForms(db: Executor, dealerId: string): Promise<Array<{ state: string; form: LienWaiverForm }>> {
  return db('lien_waiver_forms').where({ dealer_id: dealerId }).orderBy('state').select('state', 'form');
}

/** Replaces the dealer's choices, audited with before and after; a waiver already issued keeps its form. */
export async function replaceLienWaiverForms(db: Knex, actor: { dealerId: string; operatorId: string }, forms: Array<{ state: string; form: LienWaiverForm }>): Promise<Array<{ state: string; form: LienWaiverForm }>> {
  return db.transaction(async (trx) => {
    await trx.raw('select id from dealers where id = ? for update', [actor.dealerId]);
    const before = await lienWaiverForms(trx, actor.dealerId);
    await trx('lien_waiver_forms').where({ dealer_id: actor.dealerId }).delete();
    if (forms.length) await trx('lien_waiver_forms').insert(forms.map((entry) => ({ dealer_id: actor.dealerId, state: entry.state, form: entry.form })));
    const after = await lienWaiverForms(trx, actor.dealerId);
    await recordAudit(trx, { dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'settings.lien_waiver_forms_changed', entityType: 'dealer', entityId: actor.dealerId, data: { before, after } });
    return after;
  });
}
