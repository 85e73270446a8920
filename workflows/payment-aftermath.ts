import { allHandlersFinished, condition, proxyActivities, setHandler, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/errors';
import {
  glPostedSignal, paymentStateQuery, processorEventSignal, refundUpdate, settlementAssignedSignal,
  type PaymentAftermathInput, type PaymentState, type ProcessorEvent, type RefundRequest,
} from './payment-definitions';
import { nextStatus } from '../domain/payment-status';
import { refuse, refusing, validateRefundRequest } from './payment-lifecycle';
import { PaymentRecord } from './payment-record';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE] },
});

/**
 * A follow-up run of `payment-<id>`, for money that moves after the first run closed: an ACH
 * return that comes weeks later, a card dispute and its phases, an operator's refund. It is
 * started by signal-with-start (a processor event) or update-with-start (a refund) under the
 * payment's own workflow id, so the whole story reads in one place in the Temporal UI.
 *
 * It reads the payment from the books, re-reads the transfer, its disputes and refunds from
 * the processor on every event (events are only hints, and may be duplicated or out of
 * order), and stays while a dispute is undecided or a refund not through, re-reading once a
 * business day in case an event is lost. Once nothing is open and no event came for a
 * while, it ends; the next late event starts the next run.
 */
export async function paymentAftermathWorkflow(input: PaymentAftermathInput): Promise<PaymentState> {
  const payment = new PaymentAftermath(input, activities);
  // Queued before any handler exists: an update-with-start hands its update to the handler the
  // moment it is registered, and the refund must find the payment read from the books.
  const loaded = payment.load();

  setHandler(paymentStateQuery, () => payment.state);
  setHandler(processorEventSignal, (event) => payment.processorEvent(event));
  setHandler(refundUpdate, (request) => payment.refund(request), { validator: (request: RefundRequest) => validateRefundRequest(request) });
  // The first run's settlement may still report on it; the books already know.
  setHandler(glPostedSignal, () => undefined);
  setHandler(settlementAssignedSignal, () => undefined);

  await loaded;
  for (;;) {
    if (payment.hasEvents) await payment.applyLatest();
    const heard = await condition(() => payment.hasEvents, payment.open ? input.timing.businessDayMs : input.timing.reconcilePollMs);
    if (heard) continue;
    if (!payment.open) break;
    // A day without news on an open dispute or refund: look anyway, a webhook may have been lost.
    await payment.applyLatest();
  }

  await payment.idle();
  await payment.noticesSent();
  await condition(allHandlersFinished);
  return payment.state;
}

class PaymentAftermath extends PaymentRecord {
  private readonly events: ProcessorEvent[] = [];
  private opened = false;

  constructor(private readonly input: PaymentAftermathInput, activities: ActivityInterfaceFor<Activities>) {
    super({
      paymentId: input.paymentId, status: 'settled', transferId: null, processorStatus: null, needsInvestigation: false, settlementId: null,
      glPosted: false, returnCode: null, failureReason: null, heldAfterClearing: false, history: [],
    }, activities);
  }

  processorEvent(event: ProcessorEvent): void {
    this.events.push(event);
  }

  get hasEvents(): boolean {
    return this.events.length > 0;
  }

  get open(): boolean {
    return this.opened;
  }

  /** The payment as the books have it: this run starts where the first one ended. */
  load(): Promise<void> {
    return this.serial.run(async () => {
      Object.assign(this.state, await this.activities.paymentStateFromBooks({ paymentId: this.input.paymentId }));
    });
  }

  applyLatest(): Promise<void> {
    return this.serial.run(async () => {
      this.events.splice(0);
      const outcome = await this.activities.applyMoneyAfterSettlement({ paymentId: this.input.paymentId });
      this.applyOutcome(outcome);
      this.opened = outcome.open;
      // By status, not by this outcome's changes: a retried activity that had booked the return already reports none.
      if (this.returnedFeeToSend(outcome.status === 'returned')) await this.activities.sendReturnedPaymentFee({ paymentId: this.input.paymentId });
    });
  }

  refund(request: RefundRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      // The status machine the console's buttons ask, so the refusal reads the same in both runs.
      const allowed = nextStatus(this.state.status, 'refund_full');
      if (!allowed.ok) refuse(allowed.message);
      const outcome = await refusing(() => this.activities.refundPayment({ paymentId: this.input.paymentId, ...request }));
      this.applyOutcome(outcome);
      this.opened = this.opened || outcome.open;
      return this.state;
    });
  }
}
