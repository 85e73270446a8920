import { Router } from 'express';
import type { AppDeps } from '../deps';
import { moovWebhookRoutes } from './moov';
import { plaidWebhookRoutes } from './plaid';
import { spruceWebhookRoutes } from './spruce';

/** Inbound webhooks take raw bodies: signatures are computed over the exact bytes sent. */
export function webhookRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(spruceWebhookRoutes(deps));
  router.use(moovWebhookRoutes(deps));
  router.use(plaidWebhookRoutes(deps));
  return router;
}
