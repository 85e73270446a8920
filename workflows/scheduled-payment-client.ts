import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Db } from '../db/connection';
import { markScheduledWorkflowStarted, unstartedScheduledPayments } from '../db/scheduled-payments';
import type { Config } from '../runtime/config';
import { scheduledPaymentWorkflow } from './scheduled-payment';
import { scheduleCanceledSignal, scheduledPaymentWorkflowId, type ScheduledPaymentInput } from './scheduled-payment-definitions';
import { DealerId } from './search-attributes';

/**
 * Starting and stopping a scheduled payment's workflow. Client side only. Starting is
 * idempotent (a second start of the same schedule is the first one), so the worker's sweep
 * may start every schedule still waiting after an API process died between commit and start.
 */
export async function startScheduledPaymentWorkflow(db: Db, temporal: Client, config: Config, input: ScheduledPaymentInput & { dealerId: string }): Promise<void> {
  try {
    await temporal.workflow.start(scheduledPaymentWorkflow, {
      workflowId: scheduledPaymentWorkflowId(input.scheduledPaymentId),
      taskQueue: config.TASK_QUEUE,
      args: [{ scheduledPaymentId: input.scheduledPaymentId, runAt: input.runAt }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: input.dealerId }]),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await markScheduledWorkflowStarted(db, input.scheduledPaymentId);
}

/** Tells a waiting workflow its schedule was cancelled; one already finished has nothing to hear. */
export async function signalScheduleCanceled(temporal: Client, scheduledPaymentId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(scheduledPaymentWorkflowId(scheduledPaymentId)).signal(scheduleCanceledSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** Starts the workflows whose start was lost (created over a minute ago, never marked started); how many. */
export async function startUnstartedScheduledPayments(db: Db, temporal: Client, config: Config, scope: { dealerId?: string } = {}, now: Date = new Date()): Promise<number> {
  const waiting = await unstartedScheduledPayments(db, new Date(now.getTime() - 60_000), scope);
  for (const row of waiting) {
    await startScheduledPaymentWorkflow(db, temporal, config, { scheduledPaymentId: row.id, runAt: new Date(row.run_at).toISOString(), dealerId: row.dealer_id });
  }
  return waiting.length;
}
