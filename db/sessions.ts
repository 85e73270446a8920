import type { Knex } from 'knex';
import type { CompanyRole } from '../domain/company-roles';
import type { Db } from './connection';

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

/** The stored session for a token hash, expired or not; the caller decides what expired means. */
export async function sessionByTokenHash(db: Executor, tokenHash: string, kind: UserKind): Promise<SessionRow | undefined> {
  return (await db('sessions').where({ token_hash: tokenHash, user_kind: kind }).first()) as SessionRow | undefined;
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

export interface ActivePortalUserRow {
  id: string;
  company_id: string;
  email: string;
  name: string;
  [column: string]: unknown;
}

/** A portal user a session may act for: existing and active. */
export async function activePortalUser(db: Executor, userId: string): Promise<ActivePortalUserRow | undefined> {
  return (await db('portal_users').where({ id: userId, status: 'active' }).first()) as ActivePortalUserRow | undefined;
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
