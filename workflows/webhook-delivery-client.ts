import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { markDeliveryStarted, unstartedDeliveries, type UnstartedDelivery } from '../db/webhook-deliveries';
import type { Config } from '../runtime/config';
import { webhookDeliveryWorkflow } from './webhook-delivery';
import { webhookDeliveryWorkflowId, type WebhookRetryPolicy } from './webhook-delivery-definitions';

type WebhookConfig = Pick<Config, 'TASK_QUEUE' | 'WEBHOOK_RETRY_INITIAL_MS' | 'WEBHOOK_RETRY_MAX_INTERVAL_MS' | 'WEBHOOK_GIVE_UP_AFTER_MS'>;

const retryPolicyOf = (config: WebhookConfig): WebhookRetryPolicy => ({
  initialIntervalMs: config.WEBHOOK_RETRY_INITIAL_MS,
  maximumIntervalMs: config.WEBHOOK_RETRY_MAX_INTERVAL_MS,
  giveUpAfterMs: config.WEBHOOK_GIVE_UP_AFTER_MS,
});

/**
 * Starts the workflow of one sending of a delivery and records its id. The id is fixed by the
 * delivery and its resend count, so two workers (or the sweep and a Resend) starting the same
 * sending start it once. Client side only.
 */
export async function startWebhookDelivery(db: Db, temporal: Client, config: WebhookConfig, delivery: UnstartedDelivery): Promise<string> {
  const workflowId = webhookDeliveryWorkflowId(delivery.id, delivery.resends);
  try {
    await temporal.workflow.start(webhookDeliveryWorkflow, {
      taskQueue: config.TASK_QUEUE,
      workflowId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ deliveryId: delivery.id, retry: retryPolicyOf(config) }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await markDeliveryStarted(db, delivery.id, workflowId);
  return workflowId;
}

/** The outbox sweep: every delivery owed but not yet started gets its workflow. */
export async function startOwedWebhookDeliveries(db: Db, temporal: Client, config: WebhookConfig, scope: { dealerId?: string } = {}, batch = 200): Promise<number> {
  let started = 0;
  for (;;) {
    const owed = await unstartedDeliveries(db, batch, scope);
    for (const delivery of owed) await startWebhookDelivery(db, temporal, config, delivery);
    started += owed.length;
    if (owed.length < batch) return started;
  }
}
