import { Router } from 'express';
import type { Db } from '../../db/connection';
import { recordAudit } from '../../db/audit';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { endAllSessions } from '../auth/sessions';
import { hashToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, HttpError } from '../errors';
import { body, query } from '../validate';
import { setPasswordBody, setPasswordQuery as tokenQuery } from '../../contracts/operator/auth';

/**
 * Reachable without a session: an invited operator (or one resetting a password) chooses a
 * password through a single-use link. Unknown, used and expired links get the same answer.
 */
const PURPOSES = ['operator_invite', 'operator_password_reset'];

const invalidLink = () => new HttpError(400, 'invalid_token', 'This link is invalid, already used or expired. Ask your administrator for a new invitation.');


async function usableToken(db: Db, token: string, lock: boolean) {
  const query = db('auth_tokens as t')
    .join('operator_users as u', 'u.id', 't.subject_id')
    .join('dealers as d', 'd.id', 'u.dealer_id')
    .where('t.token_hash', hashToken(token))
    .whereIn('t.purpose', PURPOSES)
    .whereNull('t.used_at')
    .where('t.expires_at', '>', db.fn.now())
    .whereNot('u.status', 'disabled')
    .first('t.token_hash', 't.purpose', 'u.id as user_id', 'u.email', 'u.name', 'u.dealer_id', 'd.name as dealer_name');
  if (lock) query.forUpdate('t');
  return query;
}

export function operatorSetPasswordRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** Lets the page greet the person and pre-check the link before they type a password. */
  router.get('/auth/set-password', async (req, res) => {
    const { token } = query(req, tokenQuery);
    const found = await usableToken(db, token, false);
    if (!found) throw invalidLink();
    res.json({ email: found.email, name: found.name, dealer_name: found.dealer_name, purpose: found.purpose });
  });

  router.post('/auth/set-password', async (req, res) => {
    const { token, password } = body(req, setPasswordBody);
    const preview = await usableToken(db, token, false);
    if (!preview) throw invalidLink();
    const problem = passwordProblem(password, preview.email);
    if (problem) throw badRequest('weak_password', problem, [{ field: 'password', message: problem }]);
    // Hash outside the transaction: it takes a moment and needs no lock.
    const passwordHash = await hashPassword(password);
    const email = await db.transaction(async (trx) => {
      const found = await usableToken(trx, token, true);
      // A second request with the same link loses here: the first one marked it used.
      if (!found) throw invalidLink();
      await trx('auth_tokens').where({ token_hash: found.token_hash }).update({ used_at: trx.fn.now() });
      await trx('operator_users')
        .where({ id: found.user_id })
        .update({ password_hash: passwordHash, status: 'active', failed_logins: 0, locked_until: null, updated_at: trx.fn.now() });
      await endAllSessions(trx, 'operator', found.user_id);
      await recordAudit(trx, {
        dealerId: found.dealer_id, actorKind: 'operator', actorId: found.user_id,
        action: found.purpose === 'operator_invite' ? 'operator.invitation_accepted' : 'operator.password_reset',
        entityType: 'operator_user', entityId: found.user_id, data: {},
      });
      return found.email as string;
    });
    res.json({ email });
  });

  return router;
}
