import type { Knex } from 'knex';
import { recordAudit } from './audit';
import type { Db } from './connection';
import { queueEmail } from './email-outbox';
import { deleteUserSessions } from './sessions';

/**
 * Single-use links (operator invitations, operator password resets): only the SHA-256 of a
 * token is stored, a link works once, and a fresh link retires the older ones.
 */
type Executor = Db | Knex.Transaction;

export type OperatorTokenPurpose = 'operator_invite' | 'operator_password_reset';
const OPERATOR_PURPOSES: OperatorTokenPurpose[] = ['operator_invite', 'operator_password_reset'];

export interface OperatorInviteMail {
  subject: string;
  text: string;
}

/**
 * Stores the hash of a single-use invitation token and queues the email carrying the link, in
 * the caller's transaction. `compose` writes the email from the token and the dealer's name.
 */
export async function issueOperatorInvite(
  trx: Knex.Transaction,
  dealerId: string,
  user: { id: string; email: string },
  token: { token: string; hash: string },
  ttlMs: number,
  compose: (dealerName: string | undefined) => OperatorInviteMail,
): Promise<void> {
  await trx('auth_tokens').insert({ token_hash: token.hash, purpose: 'operator_invite', subject_id: user.id, expires_at: new Date(Date.now() + ttlMs) });
  const dealer = await trx('dealers').where({ id: dealerId }).first('name');
  const mail = compose(dealer?.name);
  await queueEmail(trx, { dealerId, kind: 'operator_invite', to: user.email, subject: mail.subject, text: mail.text, dedupeKey: `operator-invite-${token.hash}` });
}

/** A fresh link replaces the old one, so only the latest email works. */
export async function retireOperatorInvites(trx: Knex.Transaction, operatorId: string): Promise<void> {
  await trx('auth_tokens').where({ subject_id: operatorId, purpose: 'operator_invite' }).whereNull('used_at').update({ expires_at: trx.fn.now() });
}

export interface UsableOperatorTokenRow {
  token_hash: string;
  purpose: OperatorTokenPurpose;
  user_id: string;
  email: string;
  name: string;
  dealer_id: string;
  dealer_name: string;
}

/** An unused, unexpired operator link whose operator is not disabled, with who it is for. */
export async function usableOperatorToken(db: Executor, tokenHash: string, lock = false): Promise<UsableOperatorTokenRow | undefined> {
  const query = db('auth_tokens as t')
    .join('operator_users as u', 'u.id', 't.subject_id')
    .join('dealers as d', 'd.id', 'u.dealer_id')
    .where('t.token_hash', tokenHash)
    .whereIn('t.purpose', OPERATOR_PURPOSES)
    .whereNull('t.used_at')
    .where('t.expires_at', '>', db.fn.now())
    .whereNot('u.status', 'disabled')
    .first('t.token_hash', 't.purpose', 'u.id as user_id', 'u.email', 'u.name', 'u.dealer_id', 'd.name as dealer_name');
  if (lock) query.forUpdate('t');
  return query;
}

/**
 * Uses an operator link to set the password: marks the link used, activates the operator, ends
 * their sessions and audits, all or nothing. Undefined when the link is not usable (any more):
 * a second request with the same link loses on the row lock and finds it used.
 */
export async function redeemOperatorToken(db: Db, tokenHash: string, passwordHash: string): Promise<{ email: string } | undefined> {
  return db.transaction(async (trx) => {
    const found = await usableOperatorToken(trx, tokenHash, true);
    if (!found) return undefined;
    await trx('auth_tokens').where({ token_hash: found.token_hash }).update({ used_at: trx.fn.now() });
    await trx('operator_users')
      .where({ id: found.user_id })
      .update({ password_hash: passwordHash, status: 'active', failed_logins: 0, locked_until: null, updated_at: trx.fn.now() });
    await deleteUserSessions(trx, 'operator', found.user_id);
    await recordAudit(trx, {
      dealerId: found.dealer_id, actorKind: 'operator', actorId: found.user_id,
      action: found.purpose === 'operator_invite' ? 'operator.invitation_accepted' : 'operator.password_reset',
      entityType: 'operator_user', entityId: found.user_id, data: {},
    });
    return { email: found.email };
  });
}
