import { MoovIntegrationError, moovIdempotencyKey, type MoovClient, type MoovDispute, type MoovRefund, type MoovTransferState } from './moov';
import {
  ProcessorRejection,
  TransferNotReversible,
  type DisputeSnapshot,
  type DisputeStatus,
  type PaymentProcessor,
  type RefundSnapshot,
  type TransferSnapshot,
} from './payment-processor';

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

/**
 * Moov's dispute statuses in our words. Two have no word of ours: `expired` (the merchant did
 * not answer in time) ends as a loss; `resolved` (a pre-dispute settled before it became a
 * chargeback) takes no money through the dispute itself: any money given back shows up as a
 * refund of the transfer, so counting it here too would book it twice.
 */
const DISPUTE_STATUSES: Record<string, DisputeStatus> = {
  'response-needed': 'response_needed',
  'under-review': 'under_review',
  won: 'won',
  lost: 'lost',
  accepted: 'accepted',
  closed: 'closed',
  expired: 'lost',
  resolved: 'closed',
};

export function toDisputeSnapshot(dispute: MoovDispute): DisputeSnapshot {
  return {
    disputeId: dispute.disputeId,
    transferId: dispute.transferId,
    amountCents: dispute.amountCents,
    // A status Moov adds later is still an undecided dispute until it says won or lost.
    status: DISPUTE_STATUSES[dispute.status] ?? 'under_review',
    phase: dispute.phase || null,
    respondBy: dispute.respondBy.toISOString(),
    networkReasonCode: dispute.networkReasonCode || null,
    networkReason: dispute.networkReasonDescription,
  };
}

export function cardRefundSnapshot(transferId: string, refund: MoovRefund): RefundSnapshot {
  return {
    refundId: refund.refundId,
    transferId,
    amountCents: refund.amountCents,
    outcome: refund.status === 'completed' ? 'completed' : refund.status === 'failed' ? 'failed' : 'pending',
    processorStatus: `card refund ${refund.status}`,
    failureReason: refund.failureCode,
  };
}

/** An ACH refund is its own transfer (dealer wallet → customer bank); returned or failed means the money did not reach the customer. */
export function achCreditRefundSnapshot(transferId: string, credit: MoovTransferState): RefundSnapshot {
  const failed = credit.status === 'failed' || credit.status === 'canceled' || credit.status === 'reversed';
  return {
    refundId: credit.transferId,
    transferId,
    amountCents: credit.amountCents,
    outcome: credit.status === 'completed' ? 'completed' : failed ? 'failed' : 'pending',
    processorStatus: `ACH credit ${credit.status}${credit.ach?.status ? ` (ach ${credit.ach.status})` : ''}`,
    failureReason: credit.ach?.returnReason ?? credit.failureReason ?? null,
  };
}

/** Metadata on an ACH credit that links it to the debit it refunds, and to the key that created it. */
export const REFUND_OF = 'refundOf';
export const REFUND_KEY = 'refundKey';
const LIST_PAGE = 200;
const MAX_PAGES = 50;

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
      const disputes = await client.listDisputes({ transferIds: [transferId] }).catch(rethrow);
      return disputes
        .filter((dispute) => dispute.transferId === transferId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.disputeId.localeCompare(b.disputeId))
        .map(toDisputeSnapshot);
    },
    async refund(transferId, request) {
      if (!Number.isInteger(request.amountCents) || request.amountCents <= 0) throw new ProcessorRejection('validation', 'a refund must be a positive whole number of cents');
      const original = await client.getTransfer(transferId).catch(rethrow);
      if (original.rail === 'card') {
        const refund = await client.refundTransfer({ transferId, idempotencyKey: request.idempotencyKey, amountCents: request.amountCents }).catch(rethrow);
        return cardRefundSnapshot(transferId, refund);
      }
      return refundAchDebit(client, original, request);
    },
    async listRefunds(transferId) {
      const original = await client.getTransfer(transferId).catch(rethrow);
      if (original.rail === 'card') return (await client.listRefunds(transferId).catch(rethrow)).map((refund) => cardRefundSnapshot(transferId, refund));
      if (original.rail !== 'ach') return [];
      return (await achCreditsFor(client, original)).map((credit) => achCreditRefundSnapshot(transferId, credit));
    },
  };
}

/** The ACH credits sent back for a debit: transfers touching the customer's account since the debit, linked by metadata. */
async function achCreditsFor(client: MoovClient, original: MoovTransferState): Promise<MoovTransferState[]> {
  const found: MoovTransferState[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const transfers = await client.listTransfers({ accountIds: [original.sourceAccountId], since: original.createdAt, skip: page * LIST_PAGE, count: LIST_PAGE }).catch(rethrow);
    found.push(...transfers.filter((transfer) => transfer.metadata[REFUND_OF] === original.transferId));
    if (transfers.length < LIST_PAGE) break;
  }
  return found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.transferId.localeCompare(b.transferId));
}

/**
 * Moov refunds only card payments; a cleared ACH debit is refunded by sending the money back as
 * an ACH credit from the dealer's wallet (where the debit landed) to the customer's bank account.
 * Moov cannot check the amount against the debit, so we do: a credit made earlier with the same
 * key is answered as is (a replay), and new credits may not exceed what is left.
 */
async function refundAchDebit(client: MoovClient, original: MoovTransferState, request: { idempotencyKey: string; amountCents: number }): Promise<RefundSnapshot> {
  const transferId = original.transferId;
  const key = moovIdempotencyKey(request.idempotencyKey);
  const credits = await achCreditsFor(client, original);
  const earlier = credits.find((credit) => credit.metadata[REFUND_KEY] === key);
  if (earlier) {
    if (earlier.amountCents !== request.amountCents) {
      throw new ProcessorRejection('idempotency-key-reused', `refund key ${request.idempotencyKey} was already used for a refund of ${earlier.amountCents} cents`);
    }
    return achCreditRefundSnapshot(transferId, earlier);
  }
  if (original.rail !== 'ach' || !original.sourceBankAccountId) throw new ProcessorRejection('not-refundable', `transfer ${transferId} is not a debit from a bank account`);
  if (original.status !== 'completed') {
    throw new ProcessorRejection('not-refundable', `an ACH debit can be refunded once it has completed (it is ${original.status}); cancel it while it is pending`);
  }
  const sent = credits.filter((credit) => achCreditRefundSnapshot(transferId, credit).outcome !== 'failed').reduce((sum, credit) => sum + credit.amountCents, 0);
  const remaining = original.amountCents - sent;
  if (request.amountCents > remaining) throw new ProcessorRejection('validation', `refund of ${request.amountCents} cents exceeds the refundable amount (${remaining})`);
  const destination = await client.achCreditPaymentMethodId(original.sourceAccountId, original.sourceBankAccountId).catch(rethrow);
  const credit = await client
    .createTransfer({
      idempotencyKey: request.idempotencyKey,
      sourcePaymentMethodId: original.destinationPaymentMethodId,
      destinationPaymentMethodId: destination,
      amountCents: request.amountCents,
      description: `Refund of ${transferId}`,
      metadata: { [REFUND_OF]: transferId, [REFUND_KEY]: key },
      achEntryDescription: 'REFUND',
      achEntrySide: 'destination',
    })
    .catch(rethrow);
  return achCreditRefundSnapshot(transferId, credit);
}
