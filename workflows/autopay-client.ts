import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { markAutopayWorkflowStarted, unstartedEnrolments } from '../db/autopay';
import type { Db } from '../db/connection';
import type { Config } from '../runtime/config';
import { autopayWorkflow } from './autopay';
import { autopayChangedSignal, autopayWorkflowId } from './autopay-definitions';
import { DealerId } from './search-attributes';

/**
 * Starting and waking an enrolment's workflow. Client side only. Starting is idempotent while
 * one runs (a second start is the first), so the cluster sweep may start every live enrolment
 * whose start was lost.
 */
export async function startAutopayWorkflow(db: Db, temporal: Client, config: Config, input: { enrolmentId: string; dealerId: string }): Promise<void> {
  try {
    await temporal.workflow.start(autopayWorkflow, {
      workflowId: autopayWorkflowId(input.enrolmentId),
      taskQueue: config.TASK_QUEUE,
      args: [{ enrolmentId: input.enrolmentId }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: input.dealerId }]),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await markAutopayWorkflowStarted(db, input.enrolmentId);
}

/** Wakes the workflow to plan again after the enrolment changed; an ended one has nothing to hear. */
export async function signalAutopayChanged(temporal: Client, enrolmentId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(autopayWorkflowId(enrolmentId)).signal(autopayChangedSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** Starts the workflows of live enrolments whose start was lost (created over a minute ago); how many. */
export async function startUnstartedAutopay(db: Db, temporal: Client, config: Config, scope: { dealerId?: string } = {}, now: Date = new Date()): Promise<number> {
  const waiting = await unstartedEnrolments(db, new Date(now.getTime() - 60_000), scope);
  for (const row of waiting) await startAutopayWorkflow(db, temporal, config, { enrolmentId: row.id, dealerId: row.dealer_id });
  return waiting.length;
}
