/**
 * The webhook delivery workflow's contract, shared by its starters (the worker's sweep, the
 * console's Resend) and the workflow. Workflow-safe (no I/O).
 */

/** One workflow per sending of a delivery: a resend is a new run under its own id. */
export const webhookDeliveryWorkflowId = (deliveryId: string, resends: number) =>
  resends === 0 ? `webhook-delivery-${deliveryId}` : `webhook-delivery-${deliveryId}-resend-${resends}`;

export interface WebhookRetryPolicy {
  /** The wait after the first failed attempt; each later wait doubles. */
  initialIntervalMs: number;
  maximumIntervalMs: number;
  /** From the first attempt, how long to keep trying before giving up (3 days in production). */
  giveUpAfterMs: number;
}

export interface WebhookDeliveryInput {
  deliveryId: string;
  retry: WebhookRetryPolicy;
}

/** delivered: the endpoint answered 2xx. skipped: the endpoint was disabled or removed meanwhile. gave_up: the window ran out. */
export type WebhookDeliveryOutcome = 'delivered' | 'skipped' | 'gave_up';
