import type { Knex } from 'knex';
import { refuseNotFound } from '../domain/refusal';
import type { Db } from './connection';
import type { ReachableAccount } from './sessions';
import { unappliedCreditOf } from './credit-balance';

/**
 * What a customer's company reaches: a dealer account only through an active link from the
 * company, and only while the dealer has not disabled portal access. Anything else is "not
 * found": the portal never confirms that someone else's account exists.
 */
type Executor = Db | Knex.Transaction;

export interface LinkedAccount {
  id: string;
  dealer_id: string;
  name: string;
  erp_account_id: string;
  state: string | null;
}

export interface VisibleAccount {
  id: string;
  dealer_id: string;
  erp_account_id: string;
  name: string;
  available_credit_cents: string | number | null;
  credit_hold: boolean;
  credit_hold_reason: 'over_limit' | 'past_due' | 'other' | null;
  unapplied_credit_cents: number;
}

/**
 * Who is looking: the company, and — for a project manager — the only jobs they may reach
 * (null: every job of the company's accounts). Every portal read and payment goes through a
 * scope built from this, so a project manager's limit holds on every route
 * (docs/company-roles.md).
 */
export interface PortalSubject {
  companyId: string;
  jobIds: string[] | null;
  /** The accounts within reach, when the request's session already read them (db/sessions.ts `portalSession`). */
  reach?: ReachableAccount[];
}

/** What a portal route may read: the company's reachable accounts and, for a project manager, the jobs. */
export interface PortalScope extends PortalSubject {
  accountIds: string[];
}

/** The scope of one signed-in customer, optionally for one dealer. */
export async function portalScope(db: Executor, subject: PortalSubject, dealerId?: string): Promise<PortalScope> {
  return { companyId: subject.companyId, jobIds: subject.jobIds, accountIds: await linkedAccountIds(db, subject, dealerId) };
}

/** Narrows a query of items (or of rows carrying a job) to the subject's jobs; unchanged for a subject that sees every job. */
export function withinJobs<Q extends Knex.QueryBuilder>(query: Q, jobIds: string[] | null, column: string): Q {
  if (jobIds !== null) query.whereIn(column, jobIds);
  return query;
}

/** A subject reaches an account only through an active link; a project manager only one that holds an assigned job. */
export const subjectOf = (subject: string | PortalSubject): PortalSubject => (typeof subject === 'string' ? { companyId: subject, jobIds: null } : subject);

export function reachableAccounts(db: Executor, subject: PortalSubject): Knex.QueryBuilder {
  const query = db('company_account_links as l')
    .join('customer_accounts as a', 'a.id', 'l.customer_account_id')
    .where('l.company_id', subject.companyId);
  return subject.jobIds === null ? query.whereRaw(reachRule('null')) : query.whereRaw(reachRule('?::uuid[]'), [subject.jobIds, subject.jobIds]);
}

/**
 * The reach rule itself, over a link `l` joined to its account `a`: an active link to an account
 * its dealer has not closed to the portal and the ERP has not removed, and for a project manager
 * one holding an assigned job. `jobIds`: a SQL expression of the assigned jobs' uuid[] (null:
 * every job). The session's one read (db/sessions.ts) applies it too, so the two cannot differ.
 */
export function reachRule(jobIds: string): string {
  return `l.status = 'active' and a.portal_access_disabled = false and a.deleted_at is null
    and (${jobIds} is null or exists (select 1 from jobs j where j.customer_account_id = a.id and j.id = any(${jobIds})))`;
}

/** One linked account of the company (for a project manager: one holding an assigned job), or a not-found refusal. */
export async function linkedAccount(db: Executor, subject: string | PortalSubject, customerAccountId: string): Promise<LinkedAccount> {
  const account = await reachableAccounts(db, subjectOf(subject))
    .where('l.customer_account_id', customerAccountId)
    .first('a.id', 'a.dealer_id', 'a.name', 'a.erp_account_id', 'a.state');
  if (!account) throw refuseNotFound('Account');
  return account as LinkedAccount;
}

/** Ids of every account the company (or project manager) may see, optionally for one dealer. */
export async function linkedAccountIds(db: Executor, subject: string | PortalSubject, dealerId?: string): Promise<string[]> {
  if (typeof subject !== 'string' && subject.reach) return subject.reach.filter((account) => !dealerId || account.dealerId === dealerId).map((account) => account.id);
  const query = reachableAccounts(db, subjectOf(subject));
  if (dealerId) query.where('l.dealer_id', dealerId);
  return query.pluck('a.id') as Promise<string[]>;
}

/** The accounts as the portal lists them, by name: with their unapplied credit, which every page listing them shows. */
export function visibleAccountsQuery(db: Executor, ids: string[]): Knex.QueryBuilder {
  return db('customer_accounts as a').whereIn('a.id', ids).orderBy([{ column: 'a.name' }, { column: 'a.erp_account_id' }])
    .select('a.id', 'a.dealer_id', 'a.erp_account_id', 'a.name', 'a.available_credit_cents', 'a.credit_hold', 'a.credit_hold_reason', db.raw('? as unapplied_credit_cents', [unappliedCreditOf(db, 'a.id')]));
}

/**
 * One supplier of the subject and the subject's accounts with it, in one statement (the
 * Outstanding page asks for both on every visit); null dealer and no accounts when the subject
 * reaches none of its accounts.
 */
export async function supplierAccounts(db: Executor, subject: string | PortalSubject, dealerId: string): Promise<{ dealer: (PortalDealer & { terms_discount_grace_days: number }) | null; accounts: VisibleAccount[] }> {
  const ids = await linkedAccountIds(db, subject, dealerId);
  if (ids.length === 0) return { dealer: null, accounts: [] };
  const { rows } = await db.raw(
    `select (select row_to_json(d) from (?) d) as dealer, (select coalesce(json_agg(a order by a.name, a.erp_account_id), '[]') from (?) a) as accounts`,
    [db('dealers').where({ id: dealerId }).select(...PORTAL_DEALER_COLUMNS, 'terms_discount_grace_days'), visibleAccountsQuery(db, ids)],
  );
  return rows[0];
}

/**
 * True when every account the company reaches has had its portal access turned off by its
 * dealer: its users can then neither sign in nor keep using a session. A company with no
 * disabled link (none at all, or only accounts the ERP removed) is not blocked here; the
 * per-account checks above already show it nothing.
 */
export async function portalAccessBlocked(db: Executor, companyId: string): Promise<boolean> {
  const row = await db('company_account_links as l')
    .join('customer_accounts as a', 'a.id', 'l.customer_account_id')
    .where({ 'l.company_id': companyId, 'l.status': 'active' })
    .first(
      db.raw('coalesce(bool_or(a.portal_access_disabled), false) as any_disabled'),
      db.raw('coalesce(bool_or(not a.portal_access_disabled and a.deleted_at is null), false) as any_reachable'),
    );
  return Boolean(row?.any_disabled) && !row?.any_reachable;
}

export interface PortalDealer {
  id: string;
  name: string;
  time_zone: string;
  bills_by_statement: boolean;
  allow_partial_payments: boolean;
  allow_overpayment: boolean;
}

/** What the portal shows of a dealer behind an account the company reaches (supplierList, supplierAccounts). */
export const PORTAL_DEALER_COLUMNS = ['id', 'name', 'bills_by_statement', 'allow_partial_payments', 'allow_overpayment', 'time_zone'] as const;

/** Everything a quote needs of the dealer of a linked account: fees, partial payments, its zone. */
export async function dealerTerms(db: Executor, dealerId: string): Promise<Record<string, any>> {
  return db('dealers').where({ id: dealerId }).first();
}
