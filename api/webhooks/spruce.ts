import { Router, type Request, type Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { openCredential, parseDataKey } from '../../domain/credential-seal';
import { spruceWebhookBody } from '../../integrations/spruce';
import { logger } from '../../runtime/logger';
import type { AppDeps } from '../deps';
import { drainLeaseHeld } from '../../db/sync-state';
import { forgetWebhookEvent, recordWebhookEvent, spruceTenantDealers } from '../../db/webhook-events';
import { signalSpruceChanges } from '../../workflows/spruce-sync-client';
import { webhookRawBody } from './raw-body';

/**
 * `POST /webhooks/spruce`: change deliveries pushed by Spruce (docs/spruce-api.md). The
 * route authenticates and records a delivery, then hands it to the dealer's sync workflow
 * with signal-with-start; it never applies changes itself, so a slow database or a burst
 * of deliveries cannot hold Spruce's connection open.
 *
 *   bad or missing signature, unknown tenant, stale timestamp → 401
 *   body over 20 MB                                             → 413 payload_too_large
 *   unreadable or ill-formed body                              → 400
 *   a type other than `changes`                                → 202 ignored, unknown_event_type
 *     (2xx: Spruce retries a refused delivery and sends nothing later until it is taken)
 *   a delivery id seen before                                  → 200, nothing done
 *   Temporal unreachable                                        → 503 (Spruce retries)
 *
 * Replays: the signature covers the timestamp and the body, and the body carries the
 * delivery id, so a captured request can only be resent unchanged within the timestamp
 * tolerance, and is then a delivery id seen before.
 */

/** Spruce signs a fresh timestamp per attempt; older than this is a replay or a skewed clock. */
export const MAX_WEBHOOK_AGE_SECONDS = 300;

export function verifySpruceSignature(secret: string, timestamp: string, rawBody: Buffer, signatureHeader: string): boolean {
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  // The header may carry several signatures during a secret rotation: "v1=abc, v1=def".
  return signatureHeader
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'utf8');
      const wanted = Buffer.from(expected, 'utf8');
      return given.length === wanted.length && timingSafeEqual(given, wanted);
    });
}

export function spruceWebhookRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const dataKey = parseDataKey(config.DATA_ENCRYPTION_KEY);
  const log = logger.child({ webhook: 'spruce' });

  const refuse = (req: Request, res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
    log.warn({ requestId: req.requestId, status, code, tenant: req.get('spruce-tenant-id'), deliveryId: req.get('spruce-delivery-id'), ...extra }, `spruce webhook refused: ${message}`);
    res.status(status).json({ error: { code, message } });
  };

  router.post('/spruce', webhookRawBody('20mb', log, 'spruce'), async (req, res) => {
    const tenantId = req.get('spruce-tenant-id');
    const deliveryId = req.get('spruce-delivery-id');
    const timestamp = req.get('spruce-timestamp');
    const signature = req.get('spruce-signature');
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!tenantId || !timestamp || !signature) {
      return refuse(req, res, 401, 'signature_missing', 'Spruce-Tenant-Id, Spruce-Timestamp and Spruce-Signature headers are required.');
    }

    const candidates = await spruceTenantDealers(db, tenantId);
    const dealer = candidates.find((candidate) => verifySpruceSignature(candidate.spruce_webhook_secret ? openCredential(candidate.spruce_webhook_secret, dataKey) : config.SPRUCE_WEBHOOK_SECRET, timestamp, rawBody, signature));
    if (!dealer) {
      return refuse(req, res, 401, 'bad_signature', 'The signature does not match this tenant\'s webhook secret.', { knownTenant: candidates.length > 0 });
    }
    const sentAt = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - sentAt) > MAX_WEBHOOK_AGE_SECONDS) {
      return refuse(req, res, 401, 'stale_timestamp', `The delivery is signed more than ${MAX_WEBHOOK_AGE_SECONDS} seconds away from now; refusing it as a possible replay.`, { dealerId: dealer.id });
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return refuse(req, res, 400, 'malformed_json', 'The body is not valid JSON.', { dealerId: dealer.id });
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type !== 'changes') {
      log.warn({ requestId: req.requestId, status: 202, code: 'unknown_event_type', type, dealerId: dealer.id, deliveryId }, 'spruce webhook type not handled; ignored');
      res.status(202).json({ status: 'ignored', code: 'unknown_event_type' });
      return;
    }
    const parsed = spruceWebhookBody.safeParse(json);
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 10).map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
      log.warn({ dealerId: dealer.id, details }, 'spruce webhook body does not match the contract');
      res.status(400).json({ error: { code: 'invalid_body', message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details } });
      return;
    }
    const body = parsed.data;
    if (body.tenant_id !== tenantId || (deliveryId && body.id !== deliveryId)) {
      return refuse(req, res, 400, 'header_mismatch', 'The body\'s tenant or delivery id differs from the signed headers.', { dealerId: dealer.id });
    }

    const seqs = body.changes.map((change) => change.seq);
    const delivery = { deliveryId: body.id, firstSeq: Math.min(...seqs), lastSeq: Math.max(...seqs) };
    const recorded = await recordWebhookEvent(db, { provider: 'spruce', eventId: body.id, eventType: body.type, payload: body, dealerId: dealer.id, firstSeq: delivery.firstSeq, lastSeq: delivery.lastSeq });
    if (!recorded) {
      log.info({ requestId: req.requestId, status: 200, code: 'duplicate', dealerId: dealer.id, deliveryId: body.id }, 'spruce webhook delivery seen before; ignored');
      res.json({ status: 'duplicate' });
      return;
    }
    try {
      // Read only now that the delivery is stored: a drain holding its lease will apply it.
      if (!(await drainLeaseHeld(db, dealer.id))) await signalSpruceChanges(temporal, config.TASK_QUEUE, dealer.id, delivery);
    } catch (error) {
      // Forget the delivery so Spruce's retry is taken as new rather than as a replay.
      await forgetWebhookEvent(db, 'spruce', body.id);
      log.error({ dealerId: dealer.id, deliveryId: body.id, err: error }, 'could not hand the spruce delivery to the sync workflow');
      res.status(503).json({ error: { code: 'temporarily_unavailable', message: 'The delivery could not be queued; retry later.' } });
      return;
    }
    res.json({ status: 'accepted', first_seq: delivery.firstSeq, last_seq: delivery.lastSeq });
  });

  return router;
}
