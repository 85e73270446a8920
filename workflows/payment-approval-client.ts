import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../runtime/config';
import { paymentApprovalWorkflow } from './payment-approval';
import { approvalDecidedSignal, paymentApprovalWorkflowId } from './payment-approval-definitions';
import { DealerId } from './search-attributes';

/**
 * Starting and signalling a payment approval's workflow. Client side only. A repeated start
 * of the same approval is the first one.
 */
export async function startPaymentApprovalWorkflow(temporal: Client, config: Config, input: { approvalId: string; dealerId: string; expiresAt: Date }): Promise<void> {
  try {
    await temporal.workflow.start(paymentApprovalWorkflow, {
      workflowId: paymentApprovalWorkflowId(input.approvalId),
      taskQueue: config.TASK_QUEUE,
      args: [{ approvalId: input.approvalId, expiresAt: input.expiresAt.toISOString(), reminderEveryMs: config.APPROVAL_REMINDER_MS }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: input.dealerId }]),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Tells a waiting workflow an owner decided; one already finished has nothing to hear. */
export async function signalApprovalDecided(temporal: Client, approvalId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(paymentApprovalWorkflowId(approvalId)).signal(approvalDecidedSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
