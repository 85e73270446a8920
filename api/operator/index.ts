import { Router } from 'express';
import type { AppDeps } from '../deps';
import { ingestionRunRoutes } from './ingestion-runs';
import { integrationRoutes } from './integration';
import { invitationRoutes } from './invitations';

/** Operator resources; every handler scopes its queries by `req.operator.dealerId`. */
export function operatorRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(ingestionRunRoutes(deps));
  router.use(invitationRoutes(deps));
  router.use(integrationRoutes(deps));
  return router;
}
