import { Router } from 'express';
import type { Db } from '../../db/connection';
import { dealerAtSignIn, dealerOfSession } from '../../db/dealers';
import { body } from '../validate';
import { operatorOf } from './context';
import { requireOperator } from './middleware';
import { endSession, startSession } from './sessions';
import { checkCredentials } from './sign-in';
import { signInBody } from '../../contracts/operator/auth';

/** Sign-in for dealer staff. The session answer carries the CSRF token mutating calls echo. */
export function operatorAuthRoutes(db: Db, secureCookies: boolean): Router {
  const router = Router();

  router.post('/auth/sign-in', async (req, res) => {
    const { email, password } = body(req, signInBody);
    const user = await checkCredentials(db, 'operator_users', email, password);
    const { csrfToken } = await startSession(db, res, 'operator', user.id, secureCookies);
    const dealer = await dealerAtSignIn(db, user.dealer_id);
    res.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, dealer, csrfToken });
  });

  router.post('/auth/sign-out', async (req, res) => {
    await endSession(db, req, res, 'operator');
    res.status(204).end();
  });

  router.get('/auth/session', requireOperator(db), async (req, res) => {
    const operator = operatorOf(req);
    const dealer = await dealerOfSession(db, operator.dealerId);
    res.json({ user: { id: operator.id, email: operator.email, name: operator.name, role: operator.role }, dealer, csrfToken: req.csrfToken });
  });

  return router;
}
