import { log, patched, upsertSearchAttributes, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FINAL_PAYMENT_STATUSES } from '../domain/payment-status';
import { CREDIT_HOLD_RELEASE_PATCH, CUSTOMER_EMAILS_PATCH, RETURNED_PAYMENT_FEE_PATCH, type PaymentNoticeEvent, type PaymentState, type PaymentStatus } from './payment-definitions';
import { Serial } from './lib/serial';
import { PaymentStatus as PaymentStatusAttribute } from './search-attributes';

/** What the activities that act on settled money report back: each change the workflow records and tells the customer about. */
export interface MoneyChange {
  status: PaymentStatus;
  event: string;
  reason?: string;
  notice?: PaymentNoticeEvent;
}

export interface MoneyOutcome {
  status: PaymentStatus;
  returnCode: string | null;
  changes: MoneyChange[];
  /** A dispute not yet decided or a refund not yet through: the story is not over. */
  open: boolean;
}

/**
 * What both runs of `payment-<id>` keep the same way: the state the query returns, the one
 * serial lane activities run in, the status history with its search attribute, and the
 * customer's emails queued in order. The first run (PaymentLifecycle) and a follow-up run
 * (PaymentAftermath) each extend it with their own steps.
 */
export class PaymentRecord {
  protected readonly serial = new Serial();
  /** The customer emails queued so far, sent one after another. */
  private notices: Promise<void> = Promise.resolve();

  constructor(readonly state: PaymentState, protected readonly activities: ActivityInterfaceFor<Activities>) {}

  /** Resolves once every section started so far (an update's, the main flow's) has run. */
  idle(): Promise<undefined> {
    return this.serial.run(async () => undefined);
  }

  /** The customer emails queued so far; a later one replaces this promise. */
  get queuedNotices(): Promise<void> {
    return this.notices;
  }

  get final(): boolean {
    return FINAL_PAYMENT_STATUSES.includes(this.state.status);
  }

  /** Lets every queued email go out before the run completes; one queued meanwhile is waited for too. */
  async noticesSent(): Promise<void> {
    for (let pending = this.notices; ; pending = this.notices) {
      await pending;
      if (pending === this.notices) return;
    }
  }

  protected record(status: PaymentStatus, event: string, reason?: string): void {
    this.state.status = status;
    // Keeps the Temporal UI filter `PaymentStatus = "..."` true to the payment.
    upsertSearchAttributes([{ key: PaymentStatusAttribute, value: status }]);
    this.state.history.push({ status, event, at: new Date().toISOString(), ...(reason ? { reason } : {}) });
  }

  /** Records what an activity on settled money changed, and emails the customer about each change. */
  protected applyOutcome(outcome: MoneyOutcome): void {
    for (const change of outcome.changes) {
      this.record(change.status, change.event, change.reason);
      if (change.notice) this.notifyCustomer(change.notice);
    }
    this.state.status = outcome.status;
    if (outcome.returnCode) this.state.returnCode = outcome.returnCode;
  }

  /**
   * Whether to send the returned payment fee booked with a return to the ERP now. A plain
   * check, not an async step, so a history recorded before the fee existed replays with the
   * same promise steps as before (the activity finds nothing to do when no fee was charged).
   */
  protected returnedFeeToSend(returned: boolean): boolean {
    return returned && patched(RETURNED_PAYMENT_FEE_PATCH);
  }

  /**
   * Once the money has settled, asks whether the payment lifts its account's credit hold (and
   * has Spruce lift it, and the branch emailed). Queued beside the customer's emails rather than
   * awaited, so the main flow keeps the promise steps older histories recorded and an operator's
   * update is not held up while Spruce is down; the run waits for it before completing. Behind
   * a patch: histories recorded before pay-to-release replay without it.
   */
  protected checkCreditHold(): void {
    if (!patched(CREDIT_HOLD_RELEASE_PATCH)) return;
    this.notices = this.notices
      .then(() => this.activities.releaseCreditHold({ paymentId: this.state.paymentId }))
      .then(() => undefined, (error: unknown) => log.warn('credit hold check failed', { error: String(error) }));
  }

  /**
   * Emails the customer at submission and at each outcome, in that order, without holding up
   * the operator's update or the next step (the workflow waits for them only before it ends).
   * Behind a patch: histories recorded before these emails existed have no such activities
   * and must replay without them.
   */
  protected notifyCustomer(event: PaymentNoticeEvent): void {
    if (!patched(CUSTOMER_EMAILS_PATCH)) return;
    this.notices = this.notices
      .then(() => this.activities.sendPaymentNotice({ paymentId: this.state.paymentId, event }))
      .then(() => undefined, (error: unknown) => log.warn('customer payment email failed', { event, error: String(error) }));
  }
}
