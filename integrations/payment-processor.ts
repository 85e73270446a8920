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

export interface PaymentProcessor {
  createTransfer(request: CreateTransferRequest): Promise<TransferSnapshot>;
  getTransfer(transferId: string): Promise<TransferSnapshot>;
  /** Cancels a transfer still cancellable; otherwise refunds it. Idempotent by key. */
  cancelOrRefund(transferId: string, request: { idempotencyKey: string; amountCents: number }): Promise<{ processorStatus: string; refunded: boolean }>;
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
