import { Router } from 'express';
import type { AppDeps } from '../deps';

/** Portal routes; every handler scopes its queries to the accounts the customer's company linked. */
export const portalRoutes = {
  /** Reachable without a session: invitation look-up, registration, password reset. */
  public(_deps: AppDeps, _secureCookies: boolean): Router {
    return Router();
  },
  authenticated(_deps: AppDeps): Router {
    return Router();
  },
};
