import { Router } from 'express';
import { MOOV_WEBHOOK_TOLERANCE_MS, MoovWebhookPayloadError, parseMoovWebhookEvent, transferIdOf, verifyMoovWebhook } from '../../integrations/moov-webhooks';
import { logger } from '../../runtime/logger';
import { signalPaymentEvent } from '../../workflows/payment-client';
import { paymentForTransfer } from '../../db/payments';
import { recordSignedWebhookEvent } from '../../db/webhook-events';
import type { AppDeps } from '../deps';
import { recordWebhookNonce } from '../../db/webhook-nonces';
import { pruneExpiredNoncesNowAndThen } from './nonces';
import { webhookRawBody } from './raw-body';

const HANDLED = new Set(['transfer.created', 'transfer.updated', 'refund.created', 'refund.updated', 'cancellation.created', 'cancellation.updated', 'dispute.created', 'dispute.updated']);

/**
 * Transfer events that cannot change what the payment workflow does: the transfer being
 * created or pending, and a rail leg making progress. A transfer reports half a dozen of
 * these on its way to `completed`; waking the workflow for each cost a workflow task and a
 * Moov read apiece. Anything that can matter — completed, failed, reversed, canceled, a leg
 * returned, failed or canceled, or a status we do not know — still wakes it, and the
 * reconciliation poll re-reads the transfer regardless.
 */
const PROGRESS_ONLY = /^(created|pending|(source|destination)\.(initiated|originated|confirmed|settled|completed|corrected))$/;
const progressOnly = (event: { type: string; data: Record<string, unknown> }) =>
  (event.type === 'transfer.created' || event.type === 'transfer.updated') && typeof event.data.status === 'string' && PROGRESS_ONLY.test(event.data.status);

/**
 * Moov webhooks are notifications only: verified (HMAC-SHA512 over timestamp|nonce|webhookID),
 * de-duplicated by event id, then signalled to the payment's workflow, which re-reads the
 * transfer from Moov before acting. A refused delivery never reaches a workflow.
 *
 *   missing, forged or stale signature headers      → 401 webhook_<reason>
 *   a nonce seen before (replayed headers)           → 401 webhook_replayed
 *   body over 256 kB                                 → 413 payload_too_large
 *   body not a Moov event                            → 400 webhook_malformed
 *   an event id seen before                          → 200 duplicate
 *   an event type we do not handle                   → 202 ignored, unknown_event_type
 *     (2xx: Moov would redeliver a refused event for days, and no answer can make it useful)
 */
export function moovWebhookRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const log = logger.child({ webhook: 'moov' });
  router.post('/moov', webhookRawBody('256kb', log, 'moov'), async (req, res) => {
    const verification = verifyMoovWebhook(req.headers, config.MOOV_WEBHOOK_SECRET);
    if (!verification.valid) {
      const code = `webhook_${verification.reason.replace(/-/g, '_')}`;
      log.warn({ reason: verification.reason, code, status: 401, requestId: req.requestId }, 'moov webhook refused');
      res.status(401).json({ error: { code, message: 'Webhook signature check failed.' } });
      return;
    }
    // The body is not signed: without the nonce, captured headers would carry any body until
    // stale. It is claimed with the event's record, in the same statement.
    const nonce = { value: verification.nonce, expiresAt: new Date(verification.timestamp.getTime() + MOOV_WEBHOOK_TOLERANCE_MS) };
    const refuseReplay = () => {
      log.warn({ reason: 'replayed-nonce', code: 'webhook_replayed', status: 401, requestId: req.requestId, nonce: nonce.value }, 'moov webhook refused');
      res.status(401).json({ error: { code: 'webhook_replayed', message: 'These signature headers were used before; a replayed request is refused.' } });
    };
    pruneExpiredNoncesNowAndThen(db);
    let event;
    try {
      event = parseMoovWebhookEvent(req.body as Buffer);
    } catch (error) {
      if (!(error instanceof MoovWebhookPayloadError)) throw error;
      // A malformed body spends its headers too, and a replay of them is refused as one.
      if (!(await recordWebhookNonce(db, 'moov', nonce.value, nonce.expiresAt))) {
        refuseReplay();
        return;
      }
      log.warn({ err: error.message, code: 'webhook_malformed', status: 400, requestId: req.requestId }, 'moov webhook refused: malformed');
      res.status(400).json({ error: { code: 'webhook_malformed', message: error.message } });
      return;
    }
    // The nonce is part of the signed material: a replay of a captured delivery reuses it.
    const record = (executor: Parameters<typeof recordSignedWebhookEvent>[0]) =>
      recordSignedWebhookEvent(executor, { provider: 'moov', eventId: event.eventId, eventType: event.type, payload: JSON.stringify({ ...event, nonce: nonce.value }) }, nonce);
    const handled = HANDLED.has(event.type);
    // Most of a transfer's events wake nothing: for them the record is the whole effect, so it
    // needs no transaction (one statement, four or five times per payment).
    if (!handled || progressOnly(event)) {
      const recorded = await record(db);
      if (recorded === 'replayed') {
        refuseReplay();
        return;
      }
      if (recorded === 'duplicate') {
        res.status(200).json({ status: 'duplicate' });
        return;
      }
      // Info, not warn: Moov also reports account, bank-account, card and payment-method events.
      if (!handled) log.info({ type: event.type, eventId: event.eventId, code: 'unknown_event_type', status: 202, requestId: req.requestId }, 'moov webhook type not handled; ignored');
      res.status(handled ? 200 : 202).json(handled ? { status: 'progress_noted' } : { status: 'ignored', code: 'unknown_event_type' });
      return;
    }
    // The event is recorded and signalled in one transaction, committed only once the signal
    // is in: an API that dies between the two leaves no record (and no claimed nonce), so Moov's
    // retry is news rather than a duplicate. A concurrent copy of the event waits on the
    // uncommitted row, then finds it. A signal that went out before a failed commit is repeated
    // on the retry, which the workflow takes in its stride (it re-reads the transfer).
    const outcome = await db.transaction(async (trx) => {
      const recorded = await record(trx);
      if (recorded === 'replayed') return 'replayed';
      if (recorded === 'duplicate') return { status: 200, body: { status: 'duplicate' } };
      const transferId = transferIdOf(event);
      const payment = transferId ? await paymentForTransfer(trx, transferId, event.data.foreignID) : undefined;
      // A transfer we did not start.
      if (!payment) return { status: 202, body: { status: 'no_payment' } };
      // To the open run of payment-<id>, or a follow-up run once the first has closed: a return
      // weeks after settlement, or a dispute months later, is acted on like any other event.
      await signalPaymentEvent(db, temporal, config, payment.id, { eventId: event.eventId, type: event.type, transferId: transferId! });
      return { status: 200, body: { status: 'accepted' } };
    });
    if (outcome === 'replayed') refuseReplay();
    else res.status(outcome.status).json(outcome.body);
  });
  return router;
}
