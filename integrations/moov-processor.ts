import { MoovIntegrationError, type MoovClient, type MoovTransferState } from './moov';
import { ProcessorRejection, TransferNotReversible, type DisputeStatus, type PaymentProcessor, type RefundSnapshot, type TransferSnapshot } from './payment-processor';

/** Moov's dispute statuses in our words; an unknown one is treated as still being decided. */
const DISPUTE_STATUS: Record<string, DisputeStatus> = {
  'response-needed': 'response_needed', 'under-review': 'under_review', won: 'won', lost: 'lost', accepted: 'accepted', closed: 'closed',
};

function refundSnapshot(transferId: string, refund: { refundId: string; status: string; amountCents: number; failureCode: string | null }): RefundSnapshot {
  const outcome: RefundSnapshot['outcome'] = refund.status === 'completed' ? 'completed' : refund.status === 'failed' ? 'failed' : 'pending';
  return { refundId: refund.refundId, transferId, amountCents: refund.amountCents, outcome, processorStatus: `refund ${refund.status}`, failureReason: refund.failureCode };
}

/** Maps Moov's transfer model onto the processor outcomes the payment workflow acts on. */
export function toSnapshot(transfer: MoovTransferState): TransferSnapshot {
  const returnCode = transfer.ach?.returnCode ?? null;
  const outcome: TransferSnapshot['outcome'] = returnCode
    ? 'returned'
    : transfer.status === 'completed' ? 'completed'
      : transfer.status === 'failed' ? 'failed'
        : transfer.status === 'canceled' ? 'canceled'
          : transfer.status === 'reversed' ? 'reversed'
            : 'pending';
  const legStatus = transfer.ach?.status ?? transfer.card?.status;
  return {
    transferId: transfer.transferId,
    outcome,
    processorStatus: legStatus ? `${transfer.status} (${transfer.rail} ${legStatus})` : transfer.status,
    // The rail's own code (do-not-honor, R01…) says more than Moov's generic failure reason.
    failureReason: transfer.card?.failureCode ?? transfer.ach?.returnReason ?? transfer.failureReason ?? null,
    returnCode,
    amountCents: transfer.amountCents,
  };
}

function rethrow(error: unknown): never {
  if (error instanceof MoovIntegrationError && !error.retryable) throw new ProcessorRejection(error.code, error.message);
  throw error;
}

export function moovProcessor(client: MoovClient): PaymentProcessor {
  const wallets = new Map<string, string>();
  const walletOf = async (accountId: string) => {
    let wallet = wallets.get(accountId);
    if (!wallet) {
      wallet = await client.walletPaymentMethodId(accountId);
      wallets.set(accountId, wallet);
    }
    return wallet;
  };
  return {
    async createTransfer(request) {
      const transfer = await client
        .createTransfer({
          idempotencyKey: request.idempotencyKey,
          sourcePaymentMethodId: request.sourcePaymentMethodId,
          destinationPaymentMethodId: await walletOf(request.destinationAccountId),
          amountCents: request.amountCents,
          description: request.description,
          foreignId: request.metadata.paymentId,
          metadata: request.metadata,
          achEntryDescription: 'INVOICEPAY',
        })
        .catch(rethrow);
      return toSnapshot(transfer);
    },
    async getTransfer(transferId) {
      return toSnapshot(await client.getTransfer(transferId).catch(rethrow));
    },
    async cancelOrRefund(transferId, request) {
      const result = await client.reverseTransfer({ transferId, idempotencyKey: request.idempotencyKey, amountCents: request.amountCents }).catch(async (error: unknown) => {
        // Moov answers an ACH reversal it cannot do with a bare 400; the transfer itself says why
        // (its bank leg has left `initiated`), which the operator needs to hear in our words.
        if (error instanceof MoovIntegrationError && !error.retryable && (error.code === 'bad-request' || error.code === 'validation')) {
          const transfer = await client.getTransfer(transferId).catch(() => null);
          if (transfer && transfer.rail === 'ach' && transfer.ach && transfer.ach.status !== 'initiated') {
            throw new TransferNotReversible(error.message, transfer.status === 'completed' || transfer.ach.status === 'completed');
          }
        }
        return rethrow(error);
      });
      return result.kind === 'cancellation'
        ? { processorStatus: `canceled (${result.status})`, refunded: false }
        : { processorStatus: `refunded (${result.status})`, refunded: true };
    },
    async listDisputes(transferId) {
      const disputes = await client.listDisputes(transferId).catch(rethrow);
      return disputes.map((dispute) => ({
        disputeId: dispute.disputeId,
        transferId: dispute.transferId,
        amountCents: dispute.amountCents,
        status: DISPUTE_STATUS[dispute.status] ?? 'under_review',
        phase: dispute.phase,
        respondBy: dispute.respondBy ? dispute.respondBy.toISOString() : null,
        networkReasonCode: dispute.networkReasonCode,
        networkReason: dispute.networkReasonDescription,
      }));
    },
    async refund(transferId, request) {
      const transfer = await client.getTransfer(transferId).catch(rethrow);
      if (transfer.rail !== 'card') {
        // Moov refunds card transfers only; an ACH debit's money goes back as a separate ACH credit.
        throw new TransferNotReversible('Only card payments can be refunded through the processor; send an ACH payment\'s money back as a bank credit.', transfer.status === 'completed');
      }
      const refund = await client.refundTransfer({ transferId, idempotencyKey: request.idempotencyKey, amountCents: request.amountCents }).catch(rethrow);
      return refundSnapshot(transferId, { refundId: refund.refundId, status: refund.status, amountCents: refund.amountCents, failureCode: null });
    },
    async listRefunds(transferId) {
      const transfer = await client.getTransfer(transferId).catch(rethrow);
      if (transfer.rail !== 'card') return [];
      return (await client.listRefunds(transferId).catch(rethrow)).map((refund) => refundSnapshot(transferId, refund));
    },
  };
}
