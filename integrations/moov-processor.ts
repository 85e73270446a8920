import { MoovIntegrationError, type MoovClient, type MoovTransferState } from './moov';
import { ProcessorRejection, type PaymentProcessor, type TransferSnapshot } from './payment-processor';

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
      const result = await client.reverseTransfer({ transferId, idempotencyKey: request.idempotencyKey, amountCents: request.amountCents }).catch(rethrow);
      return result.kind === 'cancellation'
        ? { processorStatus: `canceled (${result.status})`, refunded: false }
        : { processorStatus: `refunded (${result.status})`, refunded: true };
    },
  };
}
