import express, { Router } from 'express';
import { MoovWebhookPayloadError, parseMoovWebhookEvent, transferIdOf, verifyMoovWebhook } from '../../integrations/moov-webhooks';
import { logger } from '../../runtime/logger';
import { paymentWorkflowId, processorEventSignal } from '../../workflows/payment-definitions';
import type { Db } from '../../db/connection';
import type { AppDeps } from '../deps';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payment a transfer event is about. A transfer that clears at once can report before
 * submitTransfer has stored its id; its foreignID (our payment id, set when we created it)
 * still finds the payment, so the news is not left to the reconciliation poll minutes later.
 * The foreign id only counts for a payment with no transfer yet or this very transfer.
 */
async function paymentForTransfer(db: Db, transferId: string, foreignId: unknown): Promise<{ id: string } | undefined> {
  const byTransfer = await db('payments').where({ moov_transfer_id: transferId }).first('id');
  if (byTransfer || typeof foreignId !== 'string' || !UUID.test(foreignId)) return byTransfer;
  return db('payments').where({ id: foreignId }).where((q) => q.whereNull('moov_transfer_id').orWhere({ moov_transfer_id: transferId })).first('id');
}

const HANDLED = new Set(['transfer.created', 'transfer.updated', 'refund.created', 'refund.updated', 'cancellation.created', 'cancellation.updated', 'dispute.created', 'dispute.updated']);

/**
 * Moov webhooks are notifications only: verified (HMAC-SHA512 over timestamp|nonce|webhookID),
 * de-duplicated by event id, then signalled to the payment's workflow, which re-reads the
 * transfer from Moov before acting. A refused delivery never reaches a workflow.
 */
export function moovWebhookRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  router.post('/moov', express.raw({ type: '*/*', limit: '256kb' }), async (req, res) => {
    const verification = verifyMoovWebhook(req.headers, config.MOOV_WEBHOOK_SECRET);
    if (!verification.valid) {
      logger.warn({ reason: verification.reason, requestId: req.requestId }, 'moov webhook refused');
      res.status(401).json({ error: { code: `webhook_${verification.reason.replace(/-/g, '_')}`, message: 'Webhook signature check failed.' } });
      return;
    }
    let event;
    try {
      event = parseMoovWebhookEvent(req.body as Buffer);
    } catch (error) {
      if (!(error instanceof MoovWebhookPayloadError)) throw error;
      logger.warn({ err: error.message, requestId: req.requestId }, 'moov webhook malformed');
      res.status(400).json({ error: { code: 'webhook_malformed', message: error.message } });
      return;
    }
    // The nonce is part of the signed material: a replay of a captured delivery reuses it.
    const inserted = await db('webhook_events')
      .insert({ provider: 'moov', event_id: event.eventId, event_type: event.type, payload: JSON.stringify({ ...event, nonce: verification.nonce }) })
      .onConflict(['provider', 'event_id']).ignore().returning('id');
    if (inserted.length === 0) {
      res.status(200).json({ status: 'duplicate' });
      return;
    }
    if (!HANDLED.has(event.type)) {
      logger.info({ type: event.type }, 'moov webhook type not handled');
      res.status(202).json({ status: 'ignored' });
      return;
    }
    const transferId = transferIdOf(event);
    const payment = transferId ? await paymentForTransfer(db, transferId, event.data.foreignID) : undefined;
    if (!payment) {
      // A transfer we did not start.
      res.status(202).json({ status: 'no_payment' });
      return;
    }
    try {
      await temporal.workflow.getHandle(paymentWorkflowId(payment.id)).signal(processorEventSignal, { eventId: event.eventId, type: event.type, transferId: transferId! });
    } catch (error) {
      // A finished workflow needs no news; anything else should be redelivered.
      if ((error as Error).name !== 'WorkflowNotFoundError') {
        await db('webhook_events').where({ provider: 'moov', event_id: event.eventId }).delete();
        throw error;
      }
    }
    res.status(200).json({ status: 'accepted' });
  });
  return router;
}
