import {
  WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client,
} from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowIdReusePolicy, type SearchAttributePair, type UpdateDefinition } from '@temporalio/common';
import type { Db } from '../db/connection';
import { markPaymentWorkflowStarted, orphanedPaymentIds, paymentStartFacts, type PaymentStartFacts } from '../db/payment-starts';
import { localDate } from '../domain/dates';
import { isRefusal, Refusal, refuseConflict, refuseUnavailable } from '../domain/refusal';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { paymentWorkflow } from './payment';
import { paymentAftermathWorkflow } from './payment-aftermath';
import {
  disputeUpdate, freezeUpdate, isPaymentRefusalType, PAYMENT_REFUSALS, paymentWorkflowId, processorEventSignal, refundUpdate, releaseUpdate, resolveDisputeUpdate, terminateUpdate,
  type OperatorRequest, type PaymentAftermathInput, type PaymentState, type PaymentTiming, type PaymentWorkflowInput, type ProcessorEvent, type RefundRequest,
} from './payment-definitions';
import { AmountCents, CustomerAccount, DealerId, PaymentMethod, PaymentNumber, PaymentStatus } from './search-attributes';

/**
 * How the rest of the product reaches `payment-<id>` workflows: starting one for a committed
 * payment, and every operator action (an update) with the refusal each failure means.
 * Client side only: workflow code never imports this file (it pulls in @temporalio/client).
 */

/**
 * Starts `payment-<id>` for a committed payment row. A repeated start is success, not an
 * error: the id is the business id and reuse is refused, so no payment runs twice.
 */
export async function startPaymentWorkflow(db: Db, temporal: Client, config: Config, paymentId: string, known?: PaymentStartFacts): Promise<void> {
  // The submission that just stored the payment knows its facts; the sweeper reads them.
  const payment = known ?? await paymentStartFacts(db, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  const input: PaymentWorkflowInput = {
    paymentId,
    dealerId: payment.dealerId,
    customerAccountId: payment.customerAccountId,
    method: payment.method,
    amountCents: payment.amountCents,
    submittedOn: localDate(payment.submittedAt, payment.dealerTimeZone),
    timing: paymentTiming(config),
  };
  try {
    await temporal.workflow.start(paymentWorkflow, {
      workflowId: paymentWorkflowId(paymentId),
      taskQueue: config.TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: searchAttributes(payment, 'pending'),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await markPaymentWorkflowStarted(db, paymentId);
}

function paymentTiming(config: Config): PaymentTiming {
  return {
    businessDayMs: config.BUSINESS_DAY_MS,
    pendingInvestigationBusinessDays: config.PENDING_INVESTIGATION_BUSINESS_DAYS,
    returnWindowBusinessDays: config.RETURN_WINDOW_BUSINESS_DAYS,
    reconcilePollMs: config.RECONCILE_POLL_MS,
  };
}

function searchAttributes(payment: PaymentStartFacts, status: string): SearchAttributePair[] {
  return [
    { key: DealerId, value: payment.dealerId },
    // What an operator reads out on the phone, so an engineer can find the payment by it.
    { key: CustomerAccount, value: payment.erpAccountId },
    { key: PaymentNumber, value: payment.number },
    { key: PaymentStatus, value: status },
    { key: PaymentMethod, value: payment.method },
    { key: AmountCents, value: payment.amountCents },
  ];
}

/**
 * How `payment-<id>` is reached once its first run may have closed: the message goes to the
 * run that is open, or starts a follow-up run (paymentAftermathWorkflow) under the same id, so
 * money that moves weeks later is acted on and the story stays under one id.
 */
async function followUp(db: Db, config: Config, paymentId: string) {
  const payment = await paymentStartFacts(db, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  const input: PaymentAftermathInput = { paymentId, timing: paymentTiming(config) };
  return {
    workflowId: paymentWorkflowId(paymentId),
    taskQueue: config.TASK_QUEUE,
    args: [input] as [PaymentAftermathInput],
    typedSearchAttributes: searchAttributes(payment, payment.status),
  };
}

/**
 * A processor event for the payment's transfer, whenever it arrives. Most arrive while a run is
 * open and are a plain signal; only one that finds none reads the payment to start a follow-up run.
 */
export async function signalPaymentEvent(db: Db, temporal: Client, config: Config, paymentId: string, event: ProcessorEvent): Promise<void> {
  try {
    await temporal.workflow.getHandle(paymentWorkflowId(paymentId)).signal(processorEventSignal, event);
    return;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  // signal-with-start, not start: a run opened meanwhile (a refund) takes the signal instead.
  await temporal.workflow.signalWithStart(paymentAftermathWorkflow, {
    ...(await followUp(db, config, paymentId)),
    signal: processorEventSignal,
    signalArgs: [event],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}

/** An operator's refund; the request id makes a retried click the same refund. */
export async function refundPayment(db: Db, temporal: Client, config: Config, paymentId: string, request: RefundRequest): Promise<PaymentState> {
  try {
    const start = await followUp(db, config, paymentId);
    // A new operation per try: one that was sent cannot be sent again.
    return await afterFailedWorkflowTask(() => temporal.workflow.executeUpdateWithStart(refundUpdate, {
      args: [request],
      updateId: `refund-${request.requestId}`,
      startWorkflowOperation: new WithStartWorkflowOperation(paymentAftermathWorkflow, {
        ...start,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      }),
    }));
  } catch (error) {
    throw paymentActionRefusal(error, { paymentId, action: 'refund' });
  }
}

/** Starts the workflows of payments whose submitting process died before it could. */
export async function startOrphanedPayments(db: Db, temporal: Client, config: Config, options: { olderThanMs?: number; dealerId?: string } = {}): Promise<number> {
  const orphans = await orphanedPaymentIds(db, new Date(Date.now() - (options.olderThanMs ?? 15_000)), { dealerId: options.dealerId });
  for (const id of orphans) await startPaymentWorkflow(db, temporal, config, id);
  return orphans.length;
}

/**
 * Every operator action is an update, and every way an update can fail is mapped here, once,
 * to a refusal the console shows in its dialog (`{ code, message }`). Temporal's own wording
 * ("Activity task failed", "Workflow Update failed") never reaches an operator.
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
    return await afterFailedWorkflowTask(() => temporal.workflow.getHandle(paymentWorkflowId(paymentId)).executeUpdate(update, { args: [request] }));
  } catch (error) {
    throw paymentActionRefusal(error, { paymentId, action });
  }
}

/**
 * Temporal refuses an update while the workflow's last task failed, as it does for a moment
 * after a worker died in the middle of one, until the task is retried. That is an outage of
 * seconds, not an answer: the update (same id, so never applied twice) is tried again for a
 * little while, then reported as busy.
 */
const FAILED_TASK_RETRIES_MS = [250, 500, 1_000, 2_000, 4_000];
const isFailedWorkflowTask = (error: unknown): boolean => {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as Error).cause, depth++) {
    if (/Workflow Task in failed state/i.test((cause as Error).message ?? '')) return true;
  }
  return false;
};

async function afterFailedWorkflowTask<T>(send: () => Promise<T>): Promise<T> {
  for (const waitMs of FAILED_TASK_RETRIES_MS) {
    try {
      return await send();
    } catch (error) {
      if (!isFailedWorkflowTask(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  try {
    return await send();
  } catch (error) {
    if (isFailedWorkflowTask(error)) throw refuseUnavailable('payment_busy', 'The payment is recovering from an interrupted step. Try again in a minute; the same request is never applied twice.');
    throw error;
  }
}

/** The refusal an update failure means to an operator; a fault without one gets a plain sentence, and the log the detail. */
export function paymentActionRefusal(error: unknown, context: { paymentId: string; action: string }): Refusal {
  if (isRefusal(error)) return error;
  if (error instanceof WorkflowNotFoundError || (error as Error | undefined)?.name === 'WorkflowNotFoundError') {
    return refuseConflict('payment_closed', 'This payment has finished its lifecycle; it can no longer be changed here.');
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const refusal = refusalIn(error.cause);
    if (refusal) return refuseConflict(PAYMENT_REFUSALS[refusal.type], refusal.message);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    logger.warn({ err: error, ...context }, 'payment action timed out waiting for the workflow');
    return refuseUnavailable('payment_busy', 'The payment did not answer in time. Reload it to see whether the action was applied before trying again.');
  }
  logger.error({ err: error, ...context }, 'payment action failed without a refusal');
  return refuseConflict('action_failed', 'The action could not be completed. Reload the payment to see its current state and try again; if it fails again, the payment number identifies it to support.');
}

/** The first refusal in a failure's cause chain (an update's own, or an activity's it passed on). */
function refusalIn(failure: unknown): { type: keyof typeof PAYMENT_REFUSALS; message: string } | null {
  for (let cause = failure, depth = 0; cause && depth < 5; cause = (cause as Error).cause, depth++) {
    if (cause instanceof ApplicationFailure && isPaymentRefusalType(cause.type)) return { type: cause.type, message: cause.message };
    if (!(cause instanceof ApplicationFailure) && !(cause instanceof ActivityFailure)) return null;
  }
  return null;
}
