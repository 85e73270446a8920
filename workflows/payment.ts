import { allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setHandler, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/errors';
import {
  disputeUpdate, LOCAL_STEPS_PATCH, freezeUpdate, glPostedSignal, paymentStateQuery, processorEventSignal, refundUpdate, releaseUpdate, resolveDisputeUpdate,
  settlementAssignedSignal, terminateUpdate, type OperatorRequest, type PaymentState, type PaymentWorkflowInput, type RefundRequest, type ResolveDisputeRequest,
} from './payment-definitions';
import { PaymentLifecycle } from './payment-lifecycle';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE] };
const activities = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });

/**
 * The steps every payment takes on its way to Settled (and the investigation flag one slow to
 * clear gets): each is one short database transaction or one processor call. As local
 * activities they run inside the workflow task that asked for them, so a payment reaches
 * Settled in two workflow tasks instead of one per step (docs/performance.md, Payments). Each
 * is still recorded in the history, as a marker with its result, and is retried as an activity
 * is; a retry that outlasts the threshold waits on a timer the Temporal UI shows. The rarer steps (operator actions, returns, disputes, refunds,
 * the returned-payment fee) stay ordinary activities, visible as pending while they retry.
 */
const STEPS_RUN_LOCALLY: ReadonlySet<string> = new Set<keyof Activities>([
  'submitTransfer', 'refreshTransfer', 'settlePayment', 'joinSettlement', 'sendPaymentNotice', 'releaseCreditHold', 'flagForInvestigation',
]);
const localSteps = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', localRetryThreshold: '10 seconds', retry });
const withLocalSteps = new Proxy(activities, {
  get: (remote, name) => (typeof name === 'string' && STEPS_RUN_LOCALLY.has(name) ? localSteps[name as keyof Activities] : remote[name as keyof Activities]),
}) as ActivityInterfaceFor<Activities>;

/**
 * One payment from submission to GL posting and the end of its return window:
 *   pending ──processor completed──▶ settled ──GL posted + return window over──▶ done
 *      │  └─processor failed──▶ failed                  ├─ACH return──▶ returned (balances re-opened, reversal queued)
 *      ├─freeze──▶ frozen ──release──▶ (back)           ├─freeze (unposted)──▶ frozen (out of its settlement)
 *      └─terminate──▶ terminated (cancelled/refunded)   ├─dispute──▶ disputed ──resolve──▶ settled | terminated
 *                                                       └─refund (whole or part), card dispute lost ──▶ refunded | charged_back | settled
 * Money that moves after this run has closed goes to a follow-up run under the same id
 * (workflows/payment-aftermath.ts, docs/money-after-settlement.md).
 * The PostgreSQL read model is updated by activities at every transition; this workflow owns
 * the order of things and the timers. Its state and steps live in PaymentLifecycle; here are
 * only the messages it answers and the order of the main flow.
 */
export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentState> {
  // Decided once, before the first command: a run recorded before the local steps replays with
  // every step an activity, as it ran.
  const payment = new PaymentLifecycle(input, patched(LOCAL_STEPS_PATCH) ? withLocalSteps : activities);

  setHandler(paymentStateQuery, () => payment.state);
  setHandler(processorEventSignal, (event) => payment.processorEvent(event));
  setHandler(glPostedSignal, (posted) => payment.glPosted(posted));
  setHandler(settlementAssignedSignal, (assigned) => payment.settlementAssigned(assigned));

  setHandler(freezeUpdate, (request) => payment.freeze(request), { validator: (request: OperatorRequest) => payment.validateFreeze(request) });
  setHandler(releaseUpdate, (request) => payment.release(request), { validator: (request: OperatorRequest) => payment.validateRelease(request) });
  setHandler(terminateUpdate, (request) => payment.terminate(request), { validator: (request: OperatorRequest) => payment.validateTerminate(request) });
  setHandler(disputeUpdate, (request) => payment.dispute(request), { validator: (request: OperatorRequest) => payment.validateDispute(request) });
  setHandler(resolveDisputeUpdate, (request) => payment.resolveDispute(request), { validator: (request: ResolveDisputeRequest) => payment.validateResolveDispute(request) });
  setHandler(refundUpdate, (request) => payment.refund(request), { validator: (request: RefundRequest) => payment.validateRefund(request) });

  // The main flow. Its awaits are those the payment workflow has always had, one for one: an
  // update arriving in the same workflow task interleaves its commands with these by the
  // number of promise steps between them, so an extra async layer here breaks replay.

  // 1. Submit to the processor.
  await payment.submit();

  // 2. Clearing: wait for processor events, polling in case one is lost.
  while (!payment.isCleared && !payment.final) {
    await condition(() => payment.hasEvents || payment.final, payment.clearingWaitMs());
    if (payment.final) break;
    await payment.reconcile();
    if (payment.investigationDue) {
      await payment.flagForInvestigation();
      payment.investigationFlagged();
    }
  }

  // 3. Cleared: settle unless held or rejected; a frozen payment waits for the operator.
  await condition(() => payment.state.status !== 'frozen' || payment.final);
  if (payment.isCleared && payment.state.status === 'pending') await payment.settle();

  // 4. Settled: wait for GL posting and for the return window to close, handling returns.
  if (payment.hasSettled || payment.state.status === 'settled') {
    const returnWindowEnds = payment.returnWindowEndsAt();
    while (!payment.final) {
      const windowOpen = Date.now() < returnWindowEnds;
      const done = () => !windowOpen && payment.state.glPosted && payment.state.status === 'settled';
      if (done()) break;
      // Once the return window has closed only GL posting (or an operator) is awaited: no polling.
      const timeout = windowOpen ? Math.max(1, Math.min(input.timing.reconcilePollMs, returnWindowEnds - Date.now())) : undefined;
      await condition(() => payment.hasEvents || payment.final || done(), timeout);
      if (payment.final) break;
      if (payment.hasEvents || windowOpen) await payment.reconcile();
    }
  }

  // 5. Let every update still running, and every email queued, finish before completing: an
  // update cut off by the completion fails for the operator, a queued email never goes out.
  await payment.idle();
  for (let pending = payment.queuedNotices; ; pending = payment.queuedNotices) {
    await pending;
    if (pending === payment.queuedNotices) break;
  }
  await condition(allHandlersFinished);
  return payment.state;
}
