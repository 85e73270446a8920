import { ActivityFailure, ApplicationFailure, condition, log, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/errors';
import { addBusinessDays } from '../domain/business-calendar';
import { daysBetween } from '../domain/dates';
import { nextStatus, type OperatorEvent } from '../domain/payment-status';
import {
  CUSTOMER_EMAILS_PATCH, disputeUpdate, freezeUpdate, glPostedSignal, paymentStateQuery, processorEventSignal, releaseUpdate, resolveDisputeUpdate,
  isPaymentRefusalType, settlementAssignedSignal, terminateUpdate, type OperatorRequest, type PaymentNoticeEvent, type PaymentState, type PaymentStatus, type PaymentWorkflowInput, type ProcessorEvent,
} from './payment-definitions';
import { Serial } from './lib/serial';
import { PaymentStatus as PaymentStatusAttribute } from './search-attributes';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE] },
});

const FINAL: PaymentStatus[] = ['terminated', 'failed', 'returned'];

/**
 * One payment from submission to GL posting and the end of its return window:
 *   pending ──processor completed──▶ settled ──GL posted + return window over──▶ done
 *      │  └─processor failed──▶ failed                  ├─ACH return──▶ returned (balances re-opened, reversal queued)
 *      ├─freeze──▶ frozen ──release──▶ (back)           ├─freeze (unposted)──▶ frozen (out of its settlement)
 *      └─terminate──▶ terminated (cancelled/refunded)   └─dispute──▶ disputed ──resolve──▶ settled | terminated
 * The PostgreSQL read model is updated by activities at every transition; this workflow owns
 * the order of things and the timers.
 */
export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentState> {
  const serial = new Serial();
  const events: ProcessorEvent[] = [];
  const state: PaymentState = {
    paymentId: input.paymentId,
    status: 'pending',
    transferId: null,
    processorStatus: null,
    needsInvestigation: false,
    settlementId: null,
    glPosted: false,
    returnCode: null,
    failureReason: null,
    heldAfterClearing: false,
    history: [{ status: 'pending', event: 'submitted', at: new Date().toISOString() }],
  };
  let cleared = false;
  let settledOnce = false;
  let settledOn = input.submittedOn;

  const record = (status: PaymentStatus, event: string, reason?: string) => {
    state.status = status;
    // Keeps the Temporal UI filter `PaymentStatus = "..."` true to the payment.
    upsertSearchAttributes([{ key: PaymentStatusAttribute, value: status }]);
    state.history.push({ status, event, at: new Date().toISOString(), ...(reason ? { reason } : {}) });
  };

  /**
   * Emails the customer at submission and at each outcome. Behind a patch: histories recorded
   * before these emails existed have no such activities and must replay without them.
   */
  let notices: Promise<void> = Promise.resolve();
  /**
   * Emails the customer at submission and at each outcome, in that order, without holding up
   * the operator's update or the next step (the workflow waits for them only before it ends).
   * Behind a patch: histories recorded before these emails existed have no such activities
   * and must replay without them.
   */
  const notifyCustomer = (event: PaymentNoticeEvent) => {
    if (!patched(CUSTOMER_EMAILS_PATCH)) return;
    notices = notices
      .then(() => activities.sendPaymentNotice({ paymentId: input.paymentId, event }))
      .then(() => undefined, (error: unknown) => log.warn('customer payment email failed', { event, error: String(error) }));
  };

  setHandler(paymentStateQuery, () => state);
  setHandler(processorEventSignal, (event) => {
    events.push(event);
  });
  setHandler(glPostedSignal, ({ settlementId }) => {
    if (state.settlementId === null || state.settlementId === settlementId) state.glPosted = true;
  });
  setHandler(settlementAssignedSignal, ({ settlementId }) => {
    state.settlementId = settlementId;
  });

  const refuse = (message: string): never => {
    throw ApplicationFailure.create({ type: 'IllegalTransition', message, nonRetryable: true });
  };
  /**
   * An activity that refuses (the processor can no longer cancel, say) fails the update with
   * that refusal's own type and sentence, so the operator reads it instead of "Activity task
   * failed". Nothing was changed when an activity refuses: they refuse before writing.
   */
  const refusing = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && isPaymentRefusalType(error.cause.type)) {
        throw ApplicationFailure.create({ type: error.cause.type, message: error.cause.message, nonRetryable: true });
      }
      throw error;
    }
  };
  /** Update validators ask the same status machine the console uses to show its buttons. */
  const allowed = (event: OperatorEvent, request: OperatorRequest, reasonPrompt?: string) => {
    if (reasonPrompt && !request.reason?.trim()) refuse(reasonPrompt);
    const result = nextStatus(state.status, event, { posted: state.glPosted, cleared, settledBeforeFreeze: settledOnce });
    if (!result.ok) refuse(result.message);
  };

  setHandler(freezeUpdate, (request) => serial.run(async () => {
    if (state.status !== 'frozen') {
      const result = await refusing(() => activities.freezePayment({ paymentId: input.paymentId, actorId: request.actorId, reason: request.reason ?? null }));
      state.settlementId = result.settlementId;
      state.heldAfterClearing = cleared;
      record('frozen', 'freeze', request.reason);
    }
    return state;
  }), {
    validator: (request: OperatorRequest) => allowed('freeze', request, 'Give a reason for freezing the payment.'),
  });

  setHandler(releaseUpdate, (request) => serial.run(async () => {
    if (state.status === 'frozen') {
      // Back to where it was held: a payment that had settled rejoins a settlement; one that
      // had not goes back to pending and the main flow settles it once cleared.
      const next = settledOnce ? 'settled' : 'pending';
      await refusing(() => activities.releasePayment({ paymentId: input.paymentId, actorId: request.actorId, reason: request.reason ?? null, to: next }));
      record(next, 'release', request.reason);
      if (next === 'settled') state.settlementId = (await activities.joinSettlement({ paymentId: input.paymentId })).settlementId;
    }
    return state;
  }), {
    validator: (request: OperatorRequest) => allowed('release', request),
  });

  setHandler(terminateUpdate, (request) => serial.run(async () => {
    if (state.status !== 'terminated') {
      const result = await refusing(() => activities.terminatePayment({ paymentId: input.paymentId, actorId: request.actorId, reason: request.reason ?? 'terminated by operator', afterClearing: cleared }));
      state.processorStatus = result.processorStatus;
      record('terminated', 'terminate', request.reason);
      notifyCustomer('terminated');
    }
    return state;
  }), {
    validator: (request: OperatorRequest) => allowed('terminate', request, 'Give a reason for terminating the payment.'),
  });

  setHandler(disputeUpdate, (request) => serial.run(async () => {
    if (state.status !== 'disputed') {
      await refusing(() => activities.disputePayment({ paymentId: input.paymentId, actorId: request.actorId, reason: request.reason ?? null }));
      record('disputed', 'dispute', request.reason);
    }
    return state;
  }), {
    validator: (request: OperatorRequest) => allowed('dispute', request, 'Describe the dispute.'),
  });

  setHandler(resolveDisputeUpdate, (request) => serial.run(async () => {
    if (state.status === 'disputed') {
      const result = await refusing(() => activities.resolveDispute({ paymentId: input.paymentId, actorId: request.actorId, reason: request.reason ?? null, outcome: request.outcome }));
      record(result.status, `dispute_${request.outcome}`, request.reason);
      if (result.status === 'terminated') notifyCustomer('refunded');
    }
    return state;
  }), {
    validator: (request) => {
      if (request.outcome !== 'upheld' && request.outcome !== 'refunded') refuse('Outcome must be upheld or refunded.');
      allowed(request.outcome === 'upheld' ? 'resolve_dispute_upheld' : 'resolve_dispute_refunded', request);
    },
  });

  const businessDaysMs = (from: string, businessDays: number) =>
    daysBetween(from, addBusinessDays(from, businessDays)) * input.timing.businessDayMs;
  const startedAt = workflowInfo().startTime.getTime();
  const investigateAt = startedAt + businessDaysMs(input.submittedOn, input.timing.pendingInvestigationBusinessDays);

  /** Re-reads the transfer (the authoritative status) and acts on what it says. */
  const reconcile = () => serial.run(async () => {
    events.splice(0);
    if (FINAL.includes(state.status)) return;
    const transfer = await activities.refreshTransfer({ paymentId: input.paymentId });
    state.processorStatus = transfer.processorStatus;
    if (transfer.outcome === 'completed' && !cleared) {
      cleared = true;
      if (state.status === 'frozen') state.heldAfterClearing = true;
    } else if ((transfer.outcome === 'failed' || transfer.outcome === 'canceled' || transfer.outcome === 'returned') && !cleared && state.status !== 'terminated') {
      // A return seen before the clearing was: the money never arrived, so nothing settles.
      await activities.failPayment({ paymentId: input.paymentId, reason: transfer.failureReason ?? transfer.processorStatus, returnCode: transfer.returnCode });
      state.failureReason = transfer.failureReason;
      record('failed', 'processor_failed', transfer.failureReason ?? undefined);
      notifyCustomer('failed');
    } else if (transfer.outcome === 'returned' && cleared && (state.status === 'settled' || state.status === 'disputed' || state.status === 'frozen')) {
      await activities.returnPayment({ paymentId: input.paymentId, returnCode: transfer.returnCode ?? 'R00' });
      state.returnCode = transfer.returnCode;
      record('returned', 'ach_returned', transfer.returnCode ?? undefined);
      notifyCustomer('returned');
    }
  });

  // 1. Submit to the processor (idempotent: the key is derived from the payment id).
  await serial.run(async () => {
    if (state.status !== 'pending') return;
    const submitted = await activities.submitTransfer({ paymentId: input.paymentId });
    state.transferId = submitted.transferId;
    state.processorStatus = submitted.processorStatus;
    notifyCustomer('submitted');
  });

  // 2. Clearing: wait for processor events, polling in case one is lost.
  while (!cleared && !FINAL.includes(state.status)) {
    const untilInvestigation = investigateAt - Date.now();
    const wait = state.needsInvestigation ? input.timing.reconcilePollMs : Math.max(1, Math.min(input.timing.reconcilePollMs, untilInvestigation));
    await condition(() => events.length > 0 || FINAL.includes(state.status), wait);
    if (FINAL.includes(state.status)) break;
    await reconcile();
    if (!cleared && !state.needsInvestigation && Date.now() >= investigateAt && !FINAL.includes(state.status)) {
      await serial.run(() => activities.flagForInvestigation({ paymentId: input.paymentId }));
      state.needsInvestigation = true;
    }
  }

  // 3. Cleared: settle unless held or rejected; a frozen payment waits for the operator.
  await condition(() => state.status !== 'frozen' || FINAL.includes(state.status));
  if (cleared && state.status === 'pending') {
    await serial.run(async () => {
      if (state.status !== 'pending') return;
      settledOn = (await activities.settlePayment({ paymentId: input.paymentId })).settledOn;
      record('settled', 'processor_completed');
      settledOnce = true;
      state.settlementId = (await activities.joinSettlement({ paymentId: input.paymentId })).settlementId;
      notifyCustomer('settled');
    });
  }

  // 4. Settled: wait for GL posting and for the return window to close, handling returns.
  if (settledOnce || state.status === 'settled') {
    // Returns surface up to five business days after the money settled, not after submission.
    const returnWindowEnds = Date.now() + businessDaysMs(settledOn, input.timing.returnWindowBusinessDays);
    while (!FINAL.includes(state.status)) {
      const windowOpen = Date.now() < returnWindowEnds;
      if (!windowOpen && state.glPosted && state.status === 'settled') break;
      // Once the return window has closed only GL posting (or an operator) is awaited: no polling.
      const timeout = windowOpen ? Math.max(1, Math.min(input.timing.reconcilePollMs, returnWindowEnds - Date.now())) : undefined;
      await condition(() => events.length > 0 || FINAL.includes(state.status) || (!windowOpen && state.glPosted && state.status === 'settled'), timeout);
      if (FINAL.includes(state.status)) break;
      if (events.length > 0 || windowOpen) await reconcile();
    }
  }

  // Let any update still running, and any email it queued, finish before the workflow completes.
  await serial.run(async () => undefined);
  for (let pending = notices; ; pending = notices) {
    await pending;
    if (pending === notices) break;
  }
  return state;
}
