import type { Knex } from 'knex';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import type { CompanyRole } from '../domain/company-roles';
import { recordAudit } from './audit';
import type { Db } from './connection';

/**
 * Customer logins (`portal_users`): whether one exists, password reset links for them, and
 * the dealer's switch that turns portal access for one of its accounts off and on.
 */
type Executor = Db | Knex.Transaction;

export interface PortalLogin {
  id: string;
  email: string;
  name: string;
}

export async function portalLoginExists(db: Executor, email: string): Promise<boolean> {
  return Boolean(await db('portal_users').where({ email }).first('id'));
}

export async function activePortalLogin(db: Executor, email: string): Promise<PortalLogin | undefined> {
  return db('portal_users').where({ email, status: 'active' }).first('id', 'email', 'name');
}

/** Issues a reset link's token for the login; only the newest one works, so earlier unused ones are spent. */
export async function issuePasswordResetToken(db: Db, portalUserId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('auth_tokens').where({ subject_id: portalUserId, purpose: 'portal_password_reset' }).whereNull('used_at').update({ used_at: trx.fn.now() });
    await trx('auth_tokens').insert({ token_hash: tokenHash, purpose: 'portal_password_reset', subject_id: portalUserId, expires_at: expiresAt });
  });
}

/**
 * Spends a reset token and sets the login's new password, in one transaction: `newPasswordHash`
 * judges the password against the login (throwing refuses it, and leaves the token unspent)
 * and hashes it. Every session of the login ends, and failed sign-ins are forgotten.
 * 'invalid' when the token is unknown, spent or expired, or its login is no longer active.
 */
export async function resetPortalPassword(db: Db, tokenHash: string, newPasswordHash: (login: { id: string; email: string }) => Promise<string>): Promise<'reset' | 'invalid'> {
  return db.transaction(async (trx) => {
    const row = await trx('auth_tokens')
      .where({ token_hash: tokenHash, purpose: 'portal_password_reset' })
      .whereNull('used_at')
      .where('expires_at', '>', trx.fn.now())
      .forUpdate()
      .first();
    if (!row) return 'invalid';
    const user = await trx('portal_users').where({ id: row.subject_id, status: 'active' }).first('id', 'email');
    if (!user) return 'invalid';
    const passwordHash = await newPasswordHash(user);
    await trx('portal_users').where({ id: user.id }).update({
      password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: trx.fn.now(),
    });
    await trx('auth_tokens').where({ token_hash: row.token_hash }).update({ used_at: trx.fn.now() });
    // Whoever held a session of this login may be who made the reset necessary.
    await trx('sessions').where({ user_kind: 'customer', user_id: user.id }).delete();
    return 'reset';
  });
}

/** A new company with its first login; refuses an email that already has a login. */
export async function createCompanyLogin(
  trx: Knex.Transaction,
  login: { companyName: string; email: string; name: string; passwordHash: string; termsVersion: string },
): Promise<PortalLogin & { company_id: string; role: CompanyRole }> {
  if (await portalLoginExists(trx, login.email)) {
    throw refuseConflict('email_registered', `A portal login already exists for ${login.email}. Sign in with it to add this account.`);
  }
  const [company] = await trx('customer_companies').insert({ name: login.companyName }).returning('id');
  const [created] = await trx('portal_users')
    .insert({ company_id: company.id, email: login.email, name: login.name, password_hash: login.passwordHash, terms_version: login.termsVersion, terms_accepted_at: trx.fn.now() })
    .returning(['id', 'email', 'name', 'company_id', 'role']);
  return created;
}

/**
 * Turns a dealer account's portal access off (`disabled`) or on again, with the audit entry,
 * in one transaction. The portal reads the flag on every request (db/portal-scope.ts), so a
 * disabled account disappears from signed-in users at once. Refuses an account of another
 * dealer (not found) and a switch already in the asked position (conflict).
 */
export async function setPortalAccess(
  db: Db,
  dealerId: string,
  change: { customerAccountId: string; disabled: boolean; operatorId: string; reason?: string },
): Promise<void> {
  const { customerAccountId: id, disabled, reason } = change;
  await db.transaction(async (trx) => {
    const account = await trx('customer_accounts')
      .where({ id, dealer_id: dealerId })
      .whereNull('deleted_at')
      .forUpdate()
      .first('id', 'erp_account_id', 'portal_access_disabled');
    if (!account) throw refuseNotFound('Customer');
    if (account.portal_access_disabled === disabled) {
      throw disabled
        ? refuseConflict('already_disabled', `Portal access for account ${account.erp_account_id} is already turned off.`)
        : refuseConflict('not_disabled', `Portal access for account ${account.erp_account_id} is not turned off; there is nothing to restore.`);
    }
    await trx('customer_accounts').where({ id, dealer_id: dealerId }).update({ portal_access_disabled: disabled, updated_at: trx.fn.now() });
    await recordAudit(trx, {
      dealerId,
      actorKind: 'operator',
      actorId: change.operatorId,
      action: disabled ? 'customer.portal_access_disabled' : 'customer.portal_access_restored',
      entityType: 'customer_account',
      entityId: id,
      data: { erp_account_id: account.erp_account_id, ...(reason ? { reason } : {}) },
    });
  });
}
