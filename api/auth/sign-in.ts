import type { Db } from '../../db/connection';
import { recordFailedSignIn, recordSignIn, signInUserByEmail, type SignInRows, type SignInTable } from '../../db/sessions';
import { HttpError } from '../errors';
import { decoyPasswordHash, verifyPassword } from './passwords';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/**
 * Checks an email and password against a user table with lock-out: after five failures the
 * account refuses every attempt, right or wrong, for fifteen minutes. Unknown emails and
 * wrong passwords get the same answer and take the same time.
 */
export async function checkCredentials<T extends SignInTable>(db: Db, table: T, email: string, password: string): Promise<SignInRows[T]> {
  const user = await signInUserByEmail(db, table, email);
  if (!user) {
    await verifyPassword(await decoyPasswordHash(), password);
    throw invalidCredentials();
  }
  if (user.locked_until && new Date(user.locked_until).getTime() > Date.now()) {
    throw new HttpError(423, 'account_locked', 'Too many failed sign-ins. Try again in 15 minutes or reset your password.');
  }
  const ok = await verifyPassword(user.password_hash, password);
  if (!ok) {
    const failures = user.failed_logins + 1;
    await recordFailedSignIn(db, table, user.id, {
      failedLogins: failures >= MAX_FAILED_SIGN_INS ? 0 : failures,
      lockedUntil: failures >= MAX_FAILED_SIGN_INS ? new Date(Date.now() + LOCKOUT_MS) : null,
    });
    throw invalidCredentials();
  }
  if (user.status !== 'active') throw new HttpError(403, 'account_disabled', 'This account is not active. Ask your administrator.');
  await recordSignIn(db, table, user.id);
  return user;
}

const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'Email or password is incorrect.');
