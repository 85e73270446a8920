import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/errors';
import type { WebhookDeliveryInput, WebhookDeliveryOutcome } from './webhook-delivery-definitions';

const quick = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE] },
});

/**
 * Sends one event to one endpoint, at least once. Each attempt is one try of the send
 * activity; Temporal's retry policy spaces them (exponential backoff, capped) and stops them
 * when the give-up window has run out, so the Temporal UI shows the attempt count and the
 * endpoint's last answer while it waits. An endpoint that answers never again is the give-up
 * activity's to disable.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  const send = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: input.retry.giveUpAfterMs,
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.retry.maximumIntervalMs,
      nonRetryableErrorTypes: [...NON_RETRYABLE],
    },
  });
  try {
    return await send.sendWebhookDelivery({ deliveryId: input.deliveryId });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await quick.giveUpWebhookDelivery({ deliveryId: input.deliveryId, sendingStartedAt: workflowInfo().startTime.toISOString() });
    return 'gave_up';
  }
}
