import { Router } from 'express';
import {
  createWebhookEndpointBody, updateWebhookEndpointBody, webhookDeliveryFilter, webhookEndpointFilter,
} from '../../contracts/operator/webhook-endpoints';
import { deliveryWithAttempts, endpointDeliveries, requeueDelivery } from '../../db/webhook-deliveries';
import {
  createWebhookEndpoint, ensureEnabled, listWebhookEndpoints, rollWebhookSecret, updateWebhookEndpoint, webhookEndpointById,
} from '../../db/webhook-endpoints';
import { logger } from '../../runtime/logger';
import { checkWebhookDestination, destinationRulesFor } from '../../services/webhook-destination';
import { startWebhookDelivery } from '../../workflows/webhook-delivery-client';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { parseFilter, routeId } from './list-helpers';

/**
 * Settings → Webhooks: endpoints, their delivery log, and Resend. Admins only, reading
 * included: an endpoint's URL and log say where the dealer's payment data goes.
 */
export function webhookEndpointRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const admin = requireRole('admin');
  const rules = destinationRulesFor(config);
  const actorOf = (req: Parameters<typeof operatorOf>[0]) => {
    const operator = operatorOf(req);
    return { dealerId: operator.dealerId, operatorId: operator.id };
  };

  router.get('/webhook-endpoints', admin, async (req, res) => {
    const params = listParams(req);
    parseFilter(webhookEndpointFilter, params.filter);
    const rows = await listWebhookEndpoints(db, operatorOf(req).dealerId);
    sendList(res, 'webhook-endpoints', rows, { start: 0, end: Math.max(rows.length - 1, 0) }, rows.length);
  });

  router.get('/webhook-endpoints/:id', admin, async (req, res) => {
    res.json(await webhookEndpointById(db, operatorOf(req).dealerId, routeId(req.params.id, 'Webhook endpoint')));
  });

  router.post('/webhook-endpoints', admin, async (req, res) => {
    const input = body(req, createWebhookEndpointBody);
    await checkWebhookDestination(input.url, rules);
    const { endpoint, secret } = await db.transaction((trx) => createWebhookEndpoint(trx, actorOf(req), { url: input.url, description: input.description, eventTypes: input.event_types }, config.DATA_ENCRYPTION_KEY));
    res.status(201).json({ ...endpoint, secret });
  });

  router.put('/webhook-endpoints/:id', admin, async (req, res) => {
    const id = routeId(req.params.id, 'Webhook endpoint');
    // Another dealer's endpoint is not found, whatever the body says.
    await webhookEndpointById(db, operatorOf(req).dealerId, id);
    const change = body(req, updateWebhookEndpointBody);
    if (change.url !== undefined) await checkWebhookDestination(change.url, rules);
    res.json(await db.transaction((trx) => updateWebhookEndpoint(trx, actorOf(req), id, { url: change.url, description: change.description, eventTypes: change.event_types, status: change.status })));
  });

  router.post('/webhook-endpoints/:id/roll-secret', admin, async (req, res) => {
    const id = routeId(req.params.id, 'Webhook endpoint');
    const { endpoint, secret } = await db.transaction((trx) => rollWebhookSecret(trx, actorOf(req), id, config.DATA_ENCRYPTION_KEY));
    res.status(201).json({ ...endpoint, secret });
  });

  router.get('/webhook-endpoints/:id/deliveries', admin, async (req, res) => {
    const { dealerId } = operatorOf(req);
    const endpointId = routeId(req.params.id, 'Webhook endpoint');
    await webhookEndpointById(db, dealerId, endpointId);
    const params = listParams(req);
    const filter = parseFilter(webhookDeliveryFilter, params.filter);
    const { rows, total } = await endpointDeliveries(db, dealerId, endpointId, { status: filter.status, limit: params.range.end - params.range.start + 1, offset: params.range.start });
    sendList(res, 'webhook-deliveries', rows, params.range, total);
  });

  router.get('/webhook-deliveries/:id', admin, async (req, res) => {
    res.json(await deliveryWithAttempts(db, operatorOf(req).dealerId, routeId(req.params.id, 'Webhook delivery')));
  });

  /**
   * Sends the event again, same id and body, whatever became of the earlier sending. The
   * workflow is started here so the admin sees it move; if that fails the worker's sweep starts
   * it from the row, which is already back to pending.
   */
  router.post('/webhook-deliveries/:id/resend', admin, async (req, res) => {
    const actor = actorOf(req);
    const id = routeId(req.params.id, 'Webhook delivery');
    const requeued = await db.transaction(async (trx) => {
      const delivery = await deliveryWithAttempts(trx, actor.dealerId, id);
      ensureEnabled(await webhookEndpointById(trx, actor.dealerId, delivery.endpoint_id));
      return requeueDelivery(trx, actor, id);
    });
    await startWebhookDelivery(db, temporal, config, requeued).catch((error: unknown) => logger.warn({ err: error, deliveryId: id }, 'could not start the resend; the worker sweep will'));
    res.status(202).json(await deliveryWithAttempts(db, actor.dealerId, id));
  });

  return router;
}
