import type { Client, WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { settlementWorkflow } from './settlement';
import { paymentJoinedSignal, type SettlementWorkflowInput } from './settlement-definitions';

/**
 * How a settlement's workflow is started: only ever by the first payment that joins its batch,
 * with signal-with-start, so the batch's workflow exists exactly when it has a payment and a
 * payment that joins a running batch just tells it. The workflow id is the settlement row's
 * own (`settlements.workflow_id`): a day's second batch has its own workflow.
 * Client side only: workflow code never imports this file.
 */
export async function signalPaymentJoined(
  temporal: Client,
  taskQueue: string,
  settlement: { workflowId: string; input: SettlementWorkflowInput },
  paymentId: string,
): Promise<WorkflowHandleWithSignaledRunId<typeof settlementWorkflow>> {
  return temporal.workflow.signalWithStart(settlementWorkflow, {
    workflowId: settlement.workflowId,
    taskQueue,
    args: [settlement.input],
    signal: paymentJoinedSignal,
    signalArgs: [{ paymentId }],
  });
}
