/**
 * What the payment workflow needs from a processor, in our terms. The Moov adapter maps
 * Moov's transfer model onto this; the workflow never sees a vendor type.
 */
export type TransferOutcome = 'pending' | 'completed' | 'failed' | 'canceled' | 'returned' | 'reversed';

export interface TransferSnapshot {
  transferId: string;
  outcome: TransferOutcome;
  /** The processor's own status words, kept for the operator and the audit trail. */
  processorStatus: string;
  failureReason: string | null;
  returnCode: string | null;
  amountCents: number;
}

export interface CreateTransferRequest {
  idempotencyKey: string;
  amountCents: number;
  /** The customer's payment method at the processor (bank account or card). */
  sourcePaymentMethodId: string;
  /** The dealer's account at the processor that receives the funds. */
  destinationAccountId: string;
  description: string;
  metadata: Record<string, string>;
}

/** A card dispute (chargeback) as the processor reports it; statuses in our words. */
export type DisputeStatus = 'response_needed' | 'under_review' | 'won' | 'lost' | 'accepted' | 'closed';

export interface DisputeSnapshot {
  disputeId: string;
  transferId: string;
  /** What the cardholder disputes: may be less than the payment. */
  amountCents: number;
  status: DisputeStatus;
  /** The network's phase (inquiry, chargeback, pre-arbitration…), shown to the operator as is. */
  phase: string | null;
  /** The last moment evidence can be submitted, when the network sets one. */
  respondBy: string | null;
  networkReasonCode: string | null;
  networkReason: string | null;
}

/** Money sent back to the customer after the transfer completed (card refund, or an ACH credit). */
export interface RefundSnapshot {
  refundId: string;
  transferId: string;
  amountCents: number;
  outcome: 'pending' | 'completed' | 'failed';
  processorStatus: string;
  failureReason: string | null;
}

export interface PaymentProcessor {
  createTransfer(request: CreateTransferRequest): Promise<TransferSnapshot>;
  getTransfer(transferId: string): Promise<TransferSnapshot>;
  /** Cancels a transfer still cancellable; otherwise refunds it. Idempotent by key. */
  cancelOrRefund(transferId: string, request: { idempotencyKey: string; amountCents: number }): Promise<{ processorStatus: string; refunded: boolean }>;
  /** Every dispute opened on a transfer, as they stand now. */
  listDisputes(transferId: string): Promise<DisputeSnapshot[]>;
  /**
   * Sends `amountCents` of a completed transfer back to the customer: a card refund, or for an
   * ACH debit an ACH credit from the dealer's wallet to the same bank account. Idempotent by key.
   */
  refund(transferId: string, request: { idempotencyKey: string; amountCents: number }): Promise<RefundSnapshot>;
  /** Every refund of a transfer, as they stand now. */
  listRefunds(transferId: string): Promise<RefundSnapshot[]>;
}

/** A processor error the workflow should not retry (bad request, unknown payment method…). */
export class ProcessorRejection extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The processor can neither cancel nor refund this transfer through a reversal: an ACH debit
 * already sent to the bank (or cleared) can only be undone by sending the money back as a
 * separate credit. `cleared` says whether the funds had arrived.
 */
export class TransferNotReversible extends ProcessorRejection {
  constructor(message: string, public readonly cleared: boolean) {
    super('transfer-not-reversible', message);
  }
}
