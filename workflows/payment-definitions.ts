import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The payment workflow's contract, imported by both the API and the workflow: its id, its
 * messages and the state its query returns. Workflow-safe (no I/O).
 */
export const paymentWorkflowId = (paymentId: string) => `payment-${paymentId}`;

import type { PaymentStatus } from '../domain/payment-status';

export type { PaymentStatus };

export interface PaymentTiming {
  /** Length of one business day; 24 h in production, seconds in tests and demos. */
  businessDayMs: number;
  pendingInvestigationBusinessDays: number;
  returnWindowBusinessDays: number;
  /** How often to re-read the transfer in case a webhook was lost. */
  reconcilePollMs: number;
}

export interface PaymentWorkflowInput {
  paymentId: string;
  dealerId: string;
  customerAccountId: string;
  method: 'ach' | 'card';
  amountCents: number;
  /** Dealer-local submission date, for business-day arithmetic. */
  submittedOn: string;
  timing: PaymentTiming;
}

export interface ProcessorEvent {
  eventId: string;
  type: string;
  transferId: string;
}

export interface OperatorRequest {
  actorId: string;
  reason?: string;
}

/**
 * An operator sends money of a settled payment back: the whole remaining amount, an amount,
 * or chosen items (payment application ids) each for an amount. `requestId` is the
 * operator's request, so a retried click refunds once (it keys the processor's refund).
 */
export type RefundRequest = OperatorRequest & {
  requestId: string;
  amountCents?: number;
  items?: Array<{ applicationId: string; amountCents: number }>;
};

/** The follow-up run of `payment-<id>`, started by a late event or a refund once the first run has closed. */
export interface PaymentAftermathInput {
  paymentId: string;
  timing: PaymentTiming;
}

/** What the operator chose when a dispute ends: the payment stands, or the money goes back. */
export type ResolveDisputeRequest = OperatorRequest & { outcome: 'upheld' | 'refunded' };

export interface PaymentState {
  paymentId: string;
  status: PaymentStatus;
  transferId: string | null;
  processorStatus: string | null;
  needsInvestigation: boolean;
  settlementId: string | null;
  glPosted: boolean;
  returnCode: string | null;
  failureReason: string | null;
  heldAfterClearing: boolean;
  history: Array<{ status: PaymentStatus; event: string; at: string; reason?: string }>;
}

/** What the customer is emailed about, once each per payment (the dedupe key is payment + event). */
export type PaymentNoticeEvent = 'submitted' | 'settled' | 'failed' | 'returned' | 'terminated' | 'refunded' | 'charged_back' | 'reversed_partly';

/** Marks the payment workflow's customer emails; histories recorded before them replay without. */
export const CUSTOMER_EMAILS_PATCH = 'payment-customer-emails';

export const processorEventSignal = defineSignal<[ProcessorEvent]>('processorEvent');
export const glPostedSignal = defineSignal<[{ settlementId: string }]>('glPosted');
/** Sent by the settlement workflow when the batch holding this payment changes. */
export const settlementAssignedSignal = defineSignal<[{ settlementId: string | null }]>('settlementAssigned');

export const freezeUpdate = defineUpdate<PaymentState, [OperatorRequest]>('freeze');
export const releaseUpdate = defineUpdate<PaymentState, [OperatorRequest]>('release');
export const terminateUpdate = defineUpdate<PaymentState, [OperatorRequest]>('terminate');
export const disputeUpdate = defineUpdate<PaymentState, [OperatorRequest]>('dispute');
export const resolveDisputeUpdate = defineUpdate<PaymentState, [ResolveDisputeRequest]>('resolveDispute');
export const refundUpdate = defineUpdate<PaymentState, [RefundRequest]>('refund');

/** Marks the first run's settled stage reading disputes and refunds too; older histories replay without. */
export const MONEY_AFTER_SETTLEMENT_PATCH = 'money-after-settlement';

/** Marks a returned payment's fee being sent to Spruce after the return; older histories replay without. */
export const RETURNED_PAYMENT_FEE_PATCH = 'returned-payment-fee';

/** Marks a settled payment's credit-hold check (pay-to-release, docs/credit-holds.md); older histories replay without. */
export const CREDIT_HOLD_RELEASE_PATCH = 'credit-hold-release';

/** Marks a payment run whose steps to Settled are local activities (workflows/payment.ts); older histories replay with activities. */
export const LOCAL_STEPS_PATCH = 'payment-local-steps';

export const paymentStateQuery = defineQuery<PaymentState>('state');

/**
 * The failure types an operator action may be refused with, each carrying one sentence for the
 * operator. The workflow throws them (as ApplicationFailure) from update validators and
 * handlers, activities throw them when the processor says no, and the API turns each into a 409
 * with the `code` beside it. Anything else that fails an update is a fault, not a refusal.
 */
export const PAYMENT_REFUSALS = {
  /** The status machine does not allow the action now (domain/payment-status.ts). */
  IllegalTransition: 'illegal_transition',
  /** The processor can no longer cancel the transfer (an ACH debit already sent to the bank). */
  TransferNotCancellable: 'transfer_not_cancellable',
  /** The processor cannot send this payment's money back automatically. */
  RefundNotPossible: 'refund_not_possible',
  /** A refund asked for more than the payment still holds, or for items it did not pay. */
  RefundInvalid: 'refund_invalid',
} as const;
export type PaymentRefusalType = keyof typeof PAYMENT_REFUSALS;

export function isPaymentRefusalType(type: string | undefined | null): type is PaymentRefusalType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(PAYMENT_REFUSALS, type);
}
