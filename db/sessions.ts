import type { Knex } from 'knex';
import type { CompanyRole } from '../domain/company-roles';
import type { Db } from './connection';
import { reachRule } from './portal-scope';

/**
 * Signed-in sessions and the user rows sign-in reads. Only the SHA-256 of a session token is
 * stored; the cookie carrying the token itself is the API's business.
 */
export type UserKind = 'operator' | 'customer';

type Executor = Db | Knex.Transaction;

export interface SessionRow {
  token_hash: string;
  user_kind: UserKind;
  user_id: string;
  csrf_token: string;
  expires_at: Date;
}

export async function insertSession(db: Executor, session: SessionRow): Promise<void> {
  await db('sessions').insert(session);
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db('sessions').where({ token_hash: tokenHash }).delete();
}

/** After a password change or a disable every session of the user ends. */
export async function deleteUserSessions(db: Executor, kind: UserKind, userId: string): Promise<void> {
  await db('sessions').where({ user_kind: kind, user_id: userId }).delete();
}

/** The tables people sign in against: dealer staff and customers' portal users. */
export type SignInTable = 'operator_users' | 'portal_users';

/** The columns sign-in reads; both user tables carry them. */
interface SignInUserBase {
  id: string;
  email: string;
  name: string;
  status: string;
  password_hash: string | null;
  failed_logins: number;
  locked_until: Date | null;
  last_login_at: Date | null;
}

export interface OperatorSignInRow extends SignInUserBase {
  dealer_id: string;
  role: 'admin' | 'ar_operator';
}

export interface PortalSignInRow extends SignInUserBase {
  company_id: string;
  role: CompanyRole;
}

export interface SignInRows {
  operator_users: OperatorSignInRow;
  portal_users: PortalSignInRow;
}

/** Emails are unique per table (across dealers for operators), so an email names one user. */
export async function signInUserByEmail<T extends SignInTable>(db: Executor, table: T, email: string): Promise<SignInRows[T] | undefined> {
  return (await db(table).where({ email }).first()) as SignInRows[T] | undefined;
}

/** Counts a wrong password; the caller has decided whether this failure starts a lock-out. */
export async function recordFailedSignIn(db: Executor, table: SignInTable, userId: string, change: { failedLogins: number; lockedUntil: Date | null }): Promise<void> {
  await db(table).where({ id: userId }).update({ failed_logins: change.failedLogins, locked_until: change.lockedUntil });
}

export async function recordSignIn(db: Executor, table: SignInTable, userId: string): Promise<void> {
  await db(table).where({ id: userId }).update({ failed_logins: 0, locked_until: null, last_login_at: db.fn.now() });
}

/** An account a customer's company reaches, with its dealer (what `portalScope` narrows to). */
export interface ReachableAccount {
  id: string;
  dealerId: string;
}

/**
 * A customer's session with all a portal request checks before its route runs: the user (null
 * when disabled or gone), whether the dealers have turned the portal off for every account the
 * company reaches, a project manager's jobs, and the accounts within reach.
 */
export interface PortalSessionRow {
  csrf_token: string;
  expires_at: Date;
  user: { id: string; company_id: string; email: string; name: string; role: CompanyRole } | null;
  any_disabled: boolean;
  any_reachable: boolean;
  /** Null for the roles that see every job. */
  job_ids: string[] | null;
  reach: ReachableAccount[];
}

/**
 * One statement instead of five: every portal request pays for this, and on a busy machine each
 * round trip costs more CPU than the check it carries (docs/performance.md, Capacity). The
 * account rules are those of db/portal-scope.ts (`reachRule`, `portalAccessBlocked`);
 * a project manager's jobs are those assigned on accounts the company still links.
 * test/company-roles.test.ts and the tenant matrix hold them to the same answers.
 */
export async function portalSession(db: Executor, tokenHash: string): Promise<PortalSessionRow | undefined> {
  const { rows } = await db.raw(`
    select s.csrf_token, s.expires_at,
      case when u.id is null then null else json_build_object('id', u.id, 'company_id', u.company_id, 'email', u.email, 'name', u.name, 'role', u.role) end as user,
      coalesce(access.any_disabled, false) as any_disabled, coalesce(access.any_reachable, false) as any_reachable,
      jobs.ids as job_ids, coalesce(reach.accounts, '[]'::json) as reach
    from sessions s
    left join portal_users u on u.id = s.user_id and u.status = 'active'
    left join lateral (
      select bool_or(a.portal_access_disabled) as any_disabled, bool_or(not a.portal_access_disabled and a.deleted_at is null) as any_reachable
      from company_account_links l join customer_accounts a on a.id = l.customer_account_id
      where l.company_id = u.company_id and l.status = 'active'
    ) access on true
    left join lateral (
      select coalesce(array_agg(j.id), '{}'::uuid[]) as ids
      from portal_user_jobs uj
      join jobs j on j.id = uj.job_id
      join company_account_links l on l.customer_account_id = j.customer_account_id and l.company_id = u.company_id
      where uj.portal_user_id = u.id and l.status = 'active'
    ) jobs on u.role = 'project_manager'
    left join lateral (
      select json_agg(json_build_object('id', a.id, 'dealerId', l.dealer_id)) as accounts
      from company_account_links l join customer_accounts a on a.id = l.customer_account_id
      where l.company_id = u.company_id and ${reachRule('jobs.ids')}
    ) reach on true
    where s.token_hash = ? and s.user_kind = 'customer'`, [tokenHash]);
  return rows[0] as PortalSessionRow | undefined;
}

/**
 * Deletes sessions that expired before `now`, a batch at a time so a large backlog never holds
 * a long lock; returns how many went. An expired session is refused at sign-in anyway: this
 * keeps the table from growing for ever.
 */
export async function deleteExpiredSessions(db: Db, now: Date, batchSize = 5_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const gone = await db('sessions').whereIn('token_hash', db('sessions').where('expires_at', '<', now).select('token_hash').limit(batchSize)).delete();
    deleted += gone;
    if (gone < batchSize) return deleted;
  }
}
