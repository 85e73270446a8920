import { Router } from 'express';
import { redeemOperatorToken, usableOperatorToken } from '../../db/auth-tokens';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { hashToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, HttpError } from '../errors';
import { body, query } from '../validate';
import { setPasswordBody, setPasswordQuery as tokenQuery } from '../../contracts/operator/auth';

/**
 * Reachable without a session: an invited operator (or one resetting a password) chooses a
 * password through a single-use link. Unknown, used and expired links get the same answer.
 */
const invalidLink = () => new HttpError(400, 'invalid_token', 'This link is invalid, already used or expired. Ask your administrator for a new invitation.');


export function operatorSetPasswordRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** Lets the page greet the person and pre-check the link before they type a password. */
  router.get('/auth/set-password', async (req, res) => {
    const { token } = query(req, tokenQuery);
    const found = await usableOperatorToken(db, hashToken(token));
    if (!found) throw invalidLink();
    res.json({ email: found.email, name: found.name, dealer_name: found.dealer_name, purpose: found.purpose });
  });

  router.post('/auth/set-password', async (req, res) => {
    const { token, password } = body(req, setPasswordBody);
    const preview = await usableOperatorToken(db, hashToken(token));
    if (!preview) throw invalidLink();
    const problem = passwordProblem(password, preview.email);
    if (problem) throw badRequest('weak_password', problem, [{ field: 'password', message: problem }]);
    // Hash outside the transaction: it takes a moment and needs no lock.
    const passwordHash = await hashPassword(password);
    const redeemed = await redeemOperatorToken(db, hashToken(token), passwordHash);
    if (!redeemed) throw invalidLink();
    const { email } = redeemed;
    res.json({ email });
  });

  return router;
}
