import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { logger } from '../runtime/logger';
import {
  disputeUpdate, freezeUpdate, isPaymentRefusalType, PAYMENT_REFUSALS, paymentWorkflowId, releaseUpdate, resolveDisputeUpdate, terminateUpdate,
  type OperatorRequest, type PaymentState,
} from '../workflows/payment-definitions';
import { conflict, HttpError } from './errors';

/**
 * How the API reaches a running `payment-<id>` workflow with an operator action: every action
 * is an update, and every way an update can fail is mapped here, once, to a refusal the console
 * shows in its dialog (`{ code, message }`). Temporal's own wording ("Activity task failed",
 * "Workflow Update failed") never reaches an operator.
 */
export type PaymentAction = 'freeze' | 'release' | 'terminate' | 'dispute' | 'resolve-dispute';

type ResolveRequest = OperatorRequest & { outcome: 'upheld' | 'refunded' };

const UPDATES: { [A in PaymentAction]: UpdateDefinition<PaymentState, [A extends 'resolve-dispute' ? ResolveRequest : OperatorRequest]> } = {
  freeze: freezeUpdate,
  release: releaseUpdate,
  terminate: terminateUpdate,
  dispute: disputeUpdate,
  'resolve-dispute': resolveDisputeUpdate,
};

export async function runPaymentAction<A extends PaymentAction>(
  temporal: Client,
  paymentId: string,
  action: A,
  request: A extends 'resolve-dispute' ? ResolveRequest : OperatorRequest,
): Promise<PaymentState> {
  const update = UPDATES[action] as UpdateDefinition<PaymentState, [typeof request]>;
  try {
    return await temporal.workflow.getHandle(paymentWorkflowId(paymentId)).executeUpdate(update, { args: [request] });
  } catch (error) {
    throw paymentActionRefusal(error, { paymentId, action });
  }
}

/** The refusal an update failure means to an operator; a fault without one gets a plain sentence, and the log the detail. */
export function paymentActionRefusal(error: unknown, context: { paymentId: string; action: string }): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof WorkflowNotFoundError || (error as Error | undefined)?.name === 'WorkflowNotFoundError') {
    return conflict('payment_closed', 'This payment has finished its lifecycle; it can no longer be changed here.');
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const refusal = refusalIn(error.cause);
    if (refusal) return conflict(PAYMENT_REFUSALS[refusal.type], refusal.message);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    logger.warn({ err: error, ...context }, 'payment action timed out waiting for the workflow');
    return new HttpError(503, 'payment_busy', 'The payment did not answer in time. Reload it to see whether the action was applied before trying again.');
  }
  logger.error({ err: error, ...context }, 'payment action failed without a refusal');
  return conflict('action_failed', 'The action could not be completed. Reload the payment to see its current state and try again; if it fails again, the payment number identifies it to support.');
}

/** The first refusal in a failure's cause chain (an update's own, or an activity's it passed on). */
function refusalIn(failure: unknown): { type: keyof typeof PAYMENT_REFUSALS; message: string } | null {
  for (let cause = failure, depth = 0; cause && depth < 5; cause = (cause as Error).cause, depth++) {
    if (cause instanceof ApplicationFailure && isPaymentRefusalType(cause.type)) return { type: cause.type, message: cause.message };
    if (!(cause instanceof ApplicationFailure) && !(cause instanceof ActivityFailure)) return null;
  }
  return null;
}
