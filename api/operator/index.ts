import { Router } from 'express';
import type { AppDeps } from '../deps';

/** Operator resources; every handler scopes its queries by `req.operator.dealerId`. */
export function operatorRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
