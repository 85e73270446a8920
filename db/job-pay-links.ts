import type { Knex } from 'knex';
import { refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import type { Db } from './connection';
import type { LinkedAccount } from './portal-scope';

/**
 * Job pay links (docs/company-roles.md): one job, a token kept only as its hash, an expiry,
 * and a revocation. Each link has its own payer company, the identity a general contractor or
 * joint-check payer pays under without a login.
 */
type Executor = Db | Knex.Transaction;

export interface JobPayLinkRow {
  id: string;
  dealer_id: string;
  job_id: string;
  customer_account_id: string;
  payer_company_id: string;
  payer_label: string | null;
  created_by_kind: 'customer' | 'operator';
  created_by: string;
  company_id: string | null;
  expires_at: Date;
  revoked_at: Date | null;
  created_at: Date;
  job_name: string;
  erp_job_id: string;
  dealer_name: string;
}

export type LinkActor = { kind: 'customer'; id: string; companyId: string } | { kind: 'operator'; id: string; dealerId: string };

const COLUMNS = ['l.*', 'j.name as job_name', 'j.erp_job_id', 'd.name as dealer_name'];
const links = (db: Executor) => db('job_pay_links as l').join('jobs as j', 'j.id', 'l.job_id').join('dealers as d', 'd.id', 'l.dealer_id');

/**
 * The job a link may be made for: a customer's only on an account its company links (active),
 * an operator's only of their dealer.
 */
async function linkableJob(db: Executor, actor: LinkActor, jobId: string): Promise<{ id: string; dealer_id: string; customer_account_id: string; name: string }> {
  const query = db('jobs as j').join('customer_accounts as a', 'a.id', 'j.customer_account_id').where('j.id', jobId).whereNull('a.deleted_at');
  if (actor.kind === 'operator') query.where('j.dealer_id', actor.dealerId);
  else query.join('company_account_links as cl', 'cl.customer_account_id', 'j.customer_account_id').where({ 'cl.company_id': actor.companyId, 'cl.status': 'active', 'a.portal_access_disabled': false });
  const job = await query.first('j.id', 'j.dealer_id', 'j.customer_account_id', 'j.name');
  if (!job) throw refuseNotFound('Job');
  return job;
}

export async function createJobPayLink(db: Db, actor: LinkActor, link: { id: string; jobId: string; tokenHash: string; expiresAt: Date; payerLabel: string | null }): Promise<JobPayLinkRow> {
  return db.transaction(async (trx) => {
    const job = await linkableJob(trx, actor, link.jobId);
    const [payer] = await trx('customer_companies').insert({ name: link.payerLabel ? `${link.payerLabel} (pays ${job.name})` : `Payer of ${job.name}` }).returning('id');
    await trx('job_pay_links').insert({
      id: link.id, dealer_id: job.dealer_id, job_id: job.id, customer_account_id: job.customer_account_id, payer_company_id: payer.id, token_hash: link.tokenHash,
      payer_label: link.payerLabel, created_by_kind: actor.kind, created_by: actor.id, company_id: actor.kind === 'customer' ? actor.companyId : null, expires_at: link.expiresAt,
    });
    await recordAudit(trx, {
      dealerId: job.dealer_id, actorKind: actor.kind, actorId: actor.id, action: 'job_pay_link.created', entityType: 'job_pay_link', entityId: link.id,
      data: { job_id: job.id, customer_account_id: job.customer_account_id, expires_at: link.expiresAt.toISOString(), payer_label: link.payerLabel },
    });
    return (await links(trx).where('l.id', link.id).first(COLUMNS)) as JobPayLinkRow;
  });
}

/** The live link a token opens: not revoked, not expired; undefined otherwise. */
export async function liveJobPayLink(db: Executor, tokenHash: string): Promise<JobPayLinkRow | undefined> {
  return links(db).where('l.token_hash', tokenHash).whereNull('l.revoked_at').where('l.expires_at', '>', db.fn.now()).first(COLUMNS);
}

/** The links of one job (operator) or made by one company (owner), newest first. */
export async function jobPayLinksOf(db: Executor, scope: { dealerId: string; jobId: string } | { companyId: string }): Promise<JobPayLinkRow[]> {
  const query = links(db);
  if ('companyId' in scope) query.where('l.company_id', scope.companyId);
  else query.where({ 'l.dealer_id': scope.dealerId, 'l.job_id': scope.jobId });
  return query.orderBy([{ column: 'l.created_at', order: 'desc' }, { column: 'l.id' }]).limit(200).select(COLUMNS);
}

/** Revokes a link in the actor's reach (audited); undefined when there is no such link. An already revoked link stays as it was. */
export async function revokeJobPayLink(db: Db, actor: LinkActor, id: string): Promise<JobPayLinkRow | undefined> {
  return db.transaction(async (trx) => {
    const query = trx('job_pay_links').where({ id }).forUpdate();
    if (actor.kind === 'operator') query.where({ dealer_id: actor.dealerId });
    else query.where({ company_id: actor.companyId });
    const row = await query.first('id', 'dealer_id', 'revoked_at', 'job_id');
    if (!row) return undefined;
    if (!row.revoked_at) {
      await trx('job_pay_links').where({ id }).update({ revoked_at: trx.fn.now(), revoked_by_kind: actor.kind, revoked_by: actor.id });
      await recordAudit(trx, { dealerId: row.dealer_id, actorKind: actor.kind, actorId: actor.id, action: 'job_pay_link.revoked', entityType: 'job_pay_link', entityId: id, data: { job_id: row.job_id } });
    }
    return (await links(trx).where('l.id', id).first(COLUMNS)) as JobPayLinkRow;
  });
}

/** A payment made through the link, for its confirmation; undefined for any other payment. */
export async function jobLinkPayment(db: Executor, link: JobPayLinkRow, paymentId: string): Promise<{ id: string; number: string; status: string; amount_cents: string | number } | undefined> {
  return db('payments').where({ id: paymentId, company_id: link.payer_company_id, customer_account_id: link.customer_account_id }).first('id', 'number', 'status', 'amount_cents');
}

/** The account the link's job is on, in the shape payment submission quotes against. */
export async function jobLinkAccount(db: Executor, link: JobPayLinkRow): Promise<LinkedAccount> {
  const account = await db('customer_accounts').where({ id: link.customer_account_id, dealer_id: link.dealer_id }).whereNull('deleted_at').first('id', 'dealer_id', 'name', 'erp_account_id', 'state');
  if (!account) throw refuseNotFound('Account');
  return account as LinkedAccount;
}
