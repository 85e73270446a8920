import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { publicEvent } from '../db/domain-events';
import { deliveryToSend, firstAttemptSince, markDeliveryFailed, recordDeliveryAttempt } from '../db/webhook-deliveries';
import { disableEndpointIfFailingSince, endpointForSending } from '../db/webhook-endpoints';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from '../domain/webhook-signature';
import type { Refusal } from '../domain/refusal';
import type { WebhookDeliveryOutcome } from '../workflows/webhook-delivery-definitions';
import { checkWebhookDestination, destinationRulesFor } from '../services/webhook-destination';

const USER_AGENT = 'Drypowder-Webhooks/1';
/** Enough of an error answer to tell an operator what the endpoint said, not enough to fill the log. */
const ERROR_EXCERPT_CHARS = 300;

export function createWebhookDeliveryActivities({ db, config }: ActivityDeps) {
  const rules = destinationRulesFor(config);
  return {
    /**
     * One attempt. The body is the event exactly as the feed gives it, so every attempt and
     * every resend of an event carries the same bytes and the same event id; the signature's
     * timestamp is the attempt's. Anything but a 2xx (a redirect included) is a failed attempt,
     * logged, and thrown so Temporal's retry policy waits and tries again.
     */
    async sendWebhookDelivery({ deliveryId }: { deliveryId: string }): Promise<WebhookDeliveryOutcome> {
      const delivery = await deliveryToSend(db, deliveryId);
      if (!delivery) return 'skipped';
      if (delivery.status === 'delivered') return 'delivered';
      const endpoint = await endpointForSending(db, delivery.endpoint_id, config.DATA_ENCRYPTION_KEY);
      if (!endpoint || endpoint.status !== 'enabled') {
        await markDeliveryFailed(db, deliveryId, 'The endpoint was disabled before this event could be delivered.');
        return 'skipped';
      }
      try {
        await checkWebhookDestination(endpoint.url, rules);
      } catch (error) {
        await recordDeliveryAttempt(db, { id: deliveryId, endpointId: endpoint.id }, { statusCode: null, durationMs: 0, error: (error as Refusal).message, delivered: false });
        throw ApplicationFailure.create({ type: FailureType.WebhookEndpointFailed, message: (error as Refusal).message });
      }

      const body = JSON.stringify(publicEvent(delivery.event));
      const timestamp = Math.floor(Date.now() / 1000);
      const started = performance.now();
      let statusCode: number | null = null;
      let failure: string | null = null;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(config.WEBHOOK_TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
            [EVENT_ID_HEADER]: delivery.event.id,
            [EVENT_TYPE_HEADER]: delivery.event.type,
            [DELIVERY_ID_HEADER]: deliveryId,
          },
          body,
        });
        statusCode = response.status;
        const answer = await response.text().catch(() => '');
        if (!response.ok) failure = `HTTP ${response.status}${answer ? `: ${answer.slice(0, ERROR_EXCERPT_CHARS)}` : ''}`;
      } catch (error) {
        failure = describeNetworkError(error, config.WEBHOOK_TIMEOUT_MS);
      }
      const durationMs = Math.round(performance.now() - started);
      await recordDeliveryAttempt(db, { id: deliveryId, endpointId: endpoint.id }, { statusCode, durationMs, error: failure, delivered: failure === null });
      if (failure === null) return 'delivered';
      throw ApplicationFailure.create({ type: FailureType.WebhookEndpointFailed, message: `${endpoint.url}: ${failure}` });
    },

    /**
     * The retry window of the sending that started at `sendingStartedAt` ran out: the delivery
     * failed, and its endpoint may have to be disabled.
     */
    async giveUpWebhookDelivery({ deliveryId, sendingStartedAt }: { deliveryId: string; sendingStartedAt?: string }): Promise<{ endpointDisabled: boolean }> {
      const delivery = await deliveryToSend(db, deliveryId);
      if (!delivery) return { endpointDisabled: false };
      await markDeliveryFailed(db, deliveryId);
      const firstAttempt = await firstAttemptSince(db, deliveryId, new Date(sendingStartedAt ?? 0));
      if (!firstAttempt) return { endpointDisabled: false };
      const settingsUrl = `${config.PUBLIC_URL.replace(/\/+$/, '')}/admin/#/settings`;
      const endpointDisabled = await db.transaction((trx) => disableEndpointIfFailingSince(trx, delivery.endpoint_id, firstAttempt, settingsUrl));
      return { endpointDisabled };
    },
  };
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  // fetch refuses some ports outright ("bad port") with a cause that has a message but no code.
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
