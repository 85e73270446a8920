import { ActivityFailure, ApplicationFailure, patched, workflowInfo, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PaymentRefusalFailure } from '../activities/errors';
import { addBusinessDays } from '../domain/business-calendar';
import { daysBetween } from '../domain/dates';
import { nextStatus, type OperatorEvent } from '../domain/payment-status';
import {
  isPaymentRefusalType, MONEY_AFTER_SETTLEMENT_PATCH,
  type OperatorRequest, type PaymentState, type PaymentWorkflowInput, type ProcessorEvent, type RefundRequest, type ResolveDisputeRequest,
} from './payment-definitions';
import { PaymentRecord } from './payment-record';

/**
 * One payment's state and every step that changes it: the operator's updates, the processor's
 * signals and the steps of the main flow (paymentWorkflow orders them). Every step that
 * calls an activity runs inside `serial`, so an update never interleaves with the main flow
 * or another update. The order of activities, timers, search-attribute upserts and patch
 * markers here is what running payments have recorded: keep it, or put a change behind
 * patched() (docs/workflow-replay.md).
 */
export class PaymentLifecycle extends PaymentRecord {
  /** Processor events not yet looked at; any of them means "re-read the transfer". */
  private readonly events: ProcessorEvent[] = [];
  private cleared = false;
  private settledOnce = false;
  private settledOn: string;
  private readonly investigateAt: number;

  /** `activities` is the workflow's proxy, which holds their timeouts and retry policy. */
  constructor(private readonly input: PaymentWorkflowInput, activities: ActivityInterfaceFor<Activities>) {
    super({
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
    }, activities);
    this.settledOn = input.submittedOn;
    this.investigateAt = workflowInfo().startTime.getTime() + this.businessDaysMs(input.submittedOn, input.timing.pendingInvestigationBusinessDays);
  }

  // ── Signals ────────────────────────────────────────────────────────────────────────────────

  processorEvent(event: ProcessorEvent): void {
    this.events.push(event);
  }

  glPosted({ settlementId }: { settlementId: string }): void {
    if (this.state.settlementId === null || this.state.settlementId === settlementId) this.state.glPosted = true;
  }

  settlementAssigned({ settlementId }: { settlementId: string | null }): void {
    this.state.settlementId = settlementId;
  }

  // ── Updates (validators ask the same status machine the console uses to show its buttons) ──

  validateFreeze(request: OperatorRequest): void {
    this.allowed('freeze', request, 'Give a reason for freezing the payment.');
  }

  freeze(request: OperatorRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      if (this.state.status !== 'frozen') {
        const result = await refusing(() => this.activities.freezePayment({ paymentId: this.input.paymentId, actorId: request.actorId, reason: request.reason ?? null }));
        this.state.settlementId = result.settlementId;
        this.state.heldAfterClearing = this.cleared;
        this.record('frozen', 'freeze', request.reason);
      }
      return this.state;
    });
  }

  validateRelease(request: OperatorRequest): void {
    this.allowed('release', request);
  }

  release(request: OperatorRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      if (this.state.status === 'frozen') {
        // Back to where it was held: a payment that had settled rejoins a settlement; one that
        // had not goes back to pending and the main flow settles it once cleared.
        const next = this.settledOnce ? 'settled' : 'pending';
        await refusing(() => this.activities.releasePayment({ paymentId: this.input.paymentId, actorId: request.actorId, reason: request.reason ?? null, to: next }));
        this.record(next, 'release', request.reason);
        if (next === 'settled') this.state.settlementId = (await this.activities.joinSettlement({ paymentId: this.input.paymentId })).settlementId;
      }
      return this.state;
    });
  }

  validateTerminate(request: OperatorRequest): void {
    this.allowed('terminate', request, 'Give a reason for terminating the payment.');
  }

  terminate(request: OperatorRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      if (this.state.status !== 'terminated') {
        const result = await refusing(() => this.activities.terminatePayment({ paymentId: this.input.paymentId, actorId: request.actorId, reason: request.reason ?? 'terminated by operator', afterClearing: this.cleared }));
        this.state.processorStatus = result.processorStatus;
        this.record('terminated', 'terminate', request.reason);
        this.notifyCustomer('terminated');
      }
      return this.state;
    });
  }

  validateDispute(request: OperatorRequest): void {
    this.allowed('dispute', request, 'Describe the dispute.');
  }

  dispute(request: OperatorRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      if (this.state.status !== 'disputed') {
        await refusing(() => this.activities.disputePayment({ paymentId: this.input.paymentId, actorId: request.actorId, reason: request.reason ?? null }));
        this.record('disputed', 'dispute', request.reason);
      }
      return this.state;
    });
  }

  validateResolveDispute(request: ResolveDisputeRequest): void {
    if (request.outcome !== 'upheld' && request.outcome !== 'refunded') refuse('Outcome must be upheld or refunded.');
    this.allowed(request.outcome === 'upheld' ? 'resolve_dispute_upheld' : 'resolve_dispute_refunded', request);
  }

  resolveDispute(request: ResolveDisputeRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      if (this.state.status === 'disputed') {
        const result = await refusing(() => this.activities.resolveDispute({ paymentId: this.input.paymentId, actorId: request.actorId, reason: request.reason ?? null, outcome: request.outcome }));
        this.record(result.status, `dispute_${request.outcome}`, request.reason);
        if (result.status === 'terminated') this.notifyCustomer('refunded');
      }
      return this.state;
    });
  }

  validateRefund(request: RefundRequest): void {
    validateRefundRequest(request);
    // While this run still shows pending, the books may already say settled (the settlement's
    // result is delivered with the update); the handler waits its turn behind that step and the
    // activity decides from the books. Any other status is this run's to judge.
    if (this.state.status !== 'pending') this.allowed('refund_full', request);
  }

  /** Money of a settled payment goes back to the customer, in full or in part (the activity refuses what cannot be). */
  refund(request: RefundRequest): Promise<PaymentState> {
    return this.serial.run(async () => {
      this.applyOutcome(await refusing(() => this.activities.refundPayment({ paymentId: this.input.paymentId, ...request })));
      return this.state;
    });
  }

  // ── The main flow's stages, in order ─────────────────────────────────────────────────────

  /** Submits to the processor (idempotent: the key is derived from the payment id). */
  submit(): Promise<void> {
    return this.serial.run(async () => {
      if (this.state.status !== 'pending') return;
      let submitted: Awaited<ReturnType<typeof this.activities.submitTransfer>>;
      try {
        submitted = await this.activities.submitTransfer({ paymentId: this.input.paymentId });
      } catch (error) {
        // The processor refused the transfer outright (a bank account it has since disabled,
        // say): the payment fails with that reason, rather than staying pending behind a failed run.
        const refused = outrightRefusalOf(error);
        if (refused === null || !patched(PROCESSOR_REFUSAL_PATCH)) throw error;
        await this.activities.failPayment({ paymentId: this.input.paymentId, reason: refused });
        this.state.failureReason = refused;
        this.record('failed', 'processor_failed', refused);
        this.notifyCustomer('failed');
        return;
      }
      this.state.transferId = submitted.transferId;
      this.state.processorStatus = submitted.processorStatus;
      this.notifyCustomer('submitted');
    });
  }

  /** Re-reads the transfer (the authoritative status) and acts on what it says. */
  reconcile(): Promise<void> {
    return this.serial.run(async () => {
      this.events.splice(0);
      if (this.final) return;
      // Once settled, the transfer's disputes and refunds matter as much as its own status.
      if (this.settledOnce && patched(MONEY_AFTER_SETTLEMENT_PATCH)) {
        this.applyOutcome(await this.activities.applyMoneyAfterSettlement({ paymentId: this.input.paymentId }));
        if (this.returnedFeeToSend(this.state.status === 'returned')) await this.activities.sendReturnedPaymentFee({ paymentId: this.input.paymentId });
        return;
      }
      const transfer = await this.activities.refreshTransfer({ paymentId: this.input.paymentId });
      this.state.processorStatus = transfer.processorStatus;
      if (transfer.outcome === 'completed' && !this.cleared) {
        this.cleared = true;
        if (this.state.status === 'frozen') this.state.heldAfterClearing = true;
      } else if ((transfer.outcome === 'failed' || transfer.outcome === 'canceled' || transfer.outcome === 'returned') && !this.cleared && this.state.status !== 'terminated') {
        // A return seen before the clearing was: the money never arrived, so nothing settles.
        await this.activities.failPayment({ paymentId: this.input.paymentId, reason: transfer.failureReason ?? transfer.processorStatus, returnCode: transfer.returnCode });
        this.state.failureReason = transfer.failureReason;
        this.record('failed', 'processor_failed', transfer.failureReason ?? undefined);
        this.notifyCustomer('failed');
        if (this.returnedFeeToSend(Boolean(transfer.returnCode))) await this.activities.sendReturnedPaymentFee({ paymentId: this.input.paymentId });
      } else if (transfer.outcome === 'returned' && this.cleared && (this.state.status === 'settled' || this.state.status === 'disputed' || this.state.status === 'frozen')) {
        await this.activities.returnPayment({ paymentId: this.input.paymentId, returnCode: transfer.returnCode ?? 'R00' });
        this.state.returnCode = transfer.returnCode;
        this.record('returned', 'ach_returned', transfer.returnCode ?? undefined);
        this.notifyCustomer('returned');
        if (this.returnedFeeToSend(true)) await this.activities.sendReturnedPaymentFee({ paymentId: this.input.paymentId });
      }
    });
  }

  /** How long the clearing loop waits for an event before re-reading the transfer anyway. */
  clearingWaitMs(): number {
    const untilInvestigation = this.investigateAt - Date.now();
    return this.state.needsInvestigation ? this.input.timing.reconcilePollMs : Math.max(1, Math.min(this.input.timing.reconcilePollMs, untilInvestigation));
  }

  /** Still pending past its deadline and not yet flagged: an operator should look. */
  get investigationDue(): boolean {
    return !this.cleared && !this.state.needsInvestigation && Date.now() >= this.investigateAt && !this.final;
  }

  flagForInvestigation(): Promise<unknown> {
    return this.serial.run(() => this.activities.flagForInvestigation({ paymentId: this.input.paymentId }));
  }

  investigationFlagged(): void {
    this.state.needsInvestigation = true;
  }

  /** Marks the settled read model and joins the open settlement, unless an operator got there first. */
  settle(): Promise<void> {
    return this.serial.run(async () => {
      if (this.state.status !== 'pending') return;
      this.settledOn = (await this.activities.settlePayment({ paymentId: this.input.paymentId })).settledOn;
      this.record('settled', 'processor_completed');
      this.settledOnce = true;
      this.state.settlementId = (await this.activities.joinSettlement({ paymentId: this.input.paymentId })).settlementId;
      this.checkCreditHold();
      this.notifyCustomer('settled');
    });
  }

  /** When the return window closes, counted in business days from the day the money settled. */
  returnWindowEndsAt(): number {
    return Date.now() + this.businessDaysMs(this.settledOn, this.input.timing.returnWindowBusinessDays);
  }

  get hasEvents(): boolean {
    return this.events.length > 0;
  }

  get isCleared(): boolean {
    return this.cleared;
  }

  get hasSettled(): boolean {
    return this.settledOnce;
  }

  // ── Inside ────────────────────────────────────────────────────────────────────────────────

  private businessDaysMs(from: string, businessDays: number): number {
    return daysBetween(from, addBusinessDays(from, businessDays)) * this.input.timing.businessDayMs;
  }

  private allowed(event: OperatorEvent, request: OperatorRequest, reasonPrompt?: string): void {
    if (reasonPrompt && !request.reason?.trim()) refuse(reasonPrompt);
    const result = nextStatus(this.state.status, event, { posted: this.state.glPosted, cleared: this.cleared, settledBeforeFreeze: this.settledOnce });
    if (!result.ok) refuse(result.message);
  }
}

/** What can be checked of a refund before the payment's books are read. */
export function validateRefundRequest(request: RefundRequest): void {
  if (!request.reason?.trim()) refuse('Give a reason for the refund.');
  if (!request.requestId) refuse('A refund needs its request id.');
  if (request.amountCents !== undefined && (!Number.isSafeInteger(request.amountCents) || request.amountCents <= 0)) refuse('The refund amount must be a positive number of cents.');
  for (const item of request.items ?? []) {
    if (!Number.isSafeInteger(item.amountCents) || item.amountCents <= 0) refuse('Each refunded item needs a positive amount in cents.');
  }
}

export function refuse(message: string): never {
  throw ApplicationFailure.create({ type: PaymentRefusalFailure.IllegalTransition, message, nonRetryable: true });
}

/**
 * An activity that refuses (the processor can no longer cancel, say) fails the update with
 * that refusal's own type and sentence, so the operator reads it instead of "Activity task
 * failed". Nothing was changed when an activity refuses: they refuse before writing.
 */
export async function refusing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = activityApplicationFailure(error);
    if (failure && isPaymentRefusalType(failure.type)) throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
    throw error;
  }
}

/** Marks the first run's handling of a transfer the processor refused at creation (it used to fail the run). */
export const PROCESSOR_REFUSAL_PATCH = 'processor-refusal-fails-payment';

/** The processor's own words when an activity failed for good because the processor refused, else null. */
function outrightRefusalOf(error: unknown): string | null {
  const failure = activityApplicationFailure(error);
  return failure?.nonRetryable && failure.type === 'NonRetryable' ? failure.message : null;
}

/**
 * The application failure an activity ended with: an activity's arrives wrapped in an
 * ActivityFailure, a local activity's non-retryable one as itself.
 */
function activityApplicationFailure(error: unknown): ApplicationFailure | null {
  if (error instanceof ActivityFailure) return error.cause instanceof ApplicationFailure ? error.cause : null;
  return error instanceof ApplicationFailure ? error : null;
}
