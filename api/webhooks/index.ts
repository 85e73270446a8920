import { Router } from 'express';
import type { AppDeps } from '../deps';

/** Inbound webhooks take raw bodies: signatures are computed over the exact bytes sent. */
export function webhookRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
