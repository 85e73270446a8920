import { Router } from 'express';
import { apiKeyById, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../../db/api-keys';
import { createApiKeyBody } from '../../contracts/operator/api-keys';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { body } from '../validate';
import { routeId } from './list-helpers';

/**
 * Settings → API keys: the dealer's keys for /api/v1. Admins only, for reading too: the list
 * says which systems reach the dealer's data. Create and rotate answer the secret, once; every
 * change is audited in its own transaction.
 */
export function apiKeyRoutes({ db }: AppDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/api-keys', admin, async (req, res) => {
    const rows = await listApiKeys(db, operatorOf(req).dealerId);
    res.setHeader('Content-Range', `api-keys 0-${Math.max(rows.length - 1, 0)}/${rows.length}`);
    res.json(rows);
  });

  router.get('/api-keys/:id', admin, async (req, res) => {
    res.json(await apiKeyById(db, operatorOf(req).dealerId, routeId(req.params.id, 'API key')));
  });

  router.post('/api-keys', admin, async (req, res) => {
    const operator = operatorOf(req);
    const input = body(req, createApiKeyBody);
    const { key, secret } = await db.transaction((trx) => createApiKey(trx, { dealerId: operator.dealerId, operatorId: operator.id }, input));
    res.status(201).json({ ...key, secret });
  });

  router.post('/api-keys/:id/rotate', admin, async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'API key');
    const { key, secret } = await db.transaction((trx) => rotateApiKey(trx, { dealerId: operator.dealerId, operatorId: operator.id }, id));
    res.status(201).json({ ...key, secret });
  });

  router.post('/api-keys/:id/revoke', admin, async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'API key');
    res.json(await db.transaction((trx) => revokeApiKey(trx, { dealerId: operator.dealerId, operatorId: operator.id }, id)));
  });

  return router;
}
