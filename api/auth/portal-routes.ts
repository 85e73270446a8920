import { Router } from 'express';
import type { Db } from '../../db/connection';
import { HttpError } from '../errors';
import { portalAccessBlocked, PORTAL_ACCESS_OFF_MESSAGE } from '../portal/scope';
import { body } from '../validate';
import { customerOf } from './context';
import { requireCustomer } from './middleware';
import { endSession, startSession } from './sessions';
import { checkCredentials } from './sign-in';
import { signInBody } from '../../contracts/portal/auth';

/** Sign-in for customer users of the Payments portal. */
export function portalAuthRoutes(db: Db, secureCookies: boolean): Router {
  const router = Router();

  router.post('/auth/sign-in', async (req, res) => {
    const { email, password } = body(req, signInBody);
    const user = await checkCredentials(db, 'portal_users', email, password);
    if (await portalAccessBlocked(db, user.company_id)) throw new HttpError(403, 'portal_access_disabled', PORTAL_ACCESS_OFF_MESSAGE);
    const { csrfToken } = await startSession(db, res, 'customer', user.id, secureCookies);
    res.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, csrfToken });
  });

  router.post('/auth/sign-out', async (req, res) => {
    await endSession(db, req, res, 'customer');
    res.status(204).end();
  });

  router.get('/auth/session', requireCustomer(db), async (req, res) => {
    const customer = customerOf(req);
    res.json({ user: { id: customer.id, email: customer.email, name: customer.name, role: customer.role }, csrfToken: req.csrfToken });
  });

  return router;
}
