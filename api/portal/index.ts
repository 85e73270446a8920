import { Router } from 'express';
import type { AppDeps } from '../deps';
import { passwordResetRoutes } from './password-reset';
import { registrationRoutes } from './registration';

/** Portal routes; every handler scopes its queries to the accounts the customer's company linked. */
export const portalRoutes = {
  /** Reachable without a session: invitation look-up, registration, password reset. */
  public(deps: AppDeps, secureCookies: boolean): Router {
    const router = Router();
    router.use(registrationRoutes(deps, secureCookies));
    router.use(passwordResetRoutes(deps));
    return router;
  },
  authenticated(_deps: AppDeps): Router {
    const router = Router();
    return router;
  },
};
