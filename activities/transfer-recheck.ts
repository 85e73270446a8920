import { heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { recordAudit } from '../db/audit';
import { recordTransferRecheck, transferRecheckCandidates, type RecheckCandidate } from '../db/transfer-rechecks';
import { createMoovClient } from '../integrations/moov';
import { moovProcessor } from '../integrations/moov-processor';
import type { PaymentProcessor } from '../integrations/payment-processor';
import { signalPaymentEvent } from '../workflows/payment-client';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RecheckBatch {
  checked: number;
  signalled: number;
  /** Payments the processor could not be read for now; not recorded, so the next pass reads them again. */
  unread: number;
  /** Where the next batch starts; null when this pass has seen every candidate. */
  nextAfterId: string | null;
}

/**
 * What the processor shows of a payment's money after it settled, as one comparable string:
 * the transfer's outcome and return code, its refunds and its disputes. `quiet` when nothing
 * moved (completed, no refund, no dispute): the common case, never sent to a workflow.
 */
async function processorFingerprint(processor: PaymentProcessor, candidate: RecheckCandidate): Promise<{ fingerprint: string; quiet: boolean }> {
  const transfer = await processor.getTransfer(candidate.moov_transfer_id);
  const refunds = await processor.listRefunds(candidate.moov_transfer_id);
  const disputes = candidate.method === 'card' ? await processor.listDisputes(candidate.moov_transfer_id) : [];
  const parts = [
    `${transfer.outcome}:${transfer.returnCode ?? ''}`,
    ...refunds.map((refund) => `refund:${refund.refundId}:${refund.outcome}:${refund.amountCents}`).sort(),
    ...disputes.map((dispute) => `dispute:${dispute.disputeId}:${dispute.status}:${dispute.amountCents}`).sort(),
  ];
  return { fingerprint: parts.join('|'), quiet: transfer.outcome === 'completed' && refunds.length === 0 && disputes.length === 0 };
}

/**
 * The safety net under the processor's webhooks: a return, chargeback or refund whose webhook
 * never reached us (our endpoint down for longer than the processor retries) is found by
 * reading the transfer back, and handed to the payment's workflow exactly as the webhook would
 * have been, so it is booked once, by the same code. Run by the `transfer-recheck` schedule.
 */
export function createTransferRecheckActivities(deps: Pick<ActivityDeps, 'db' | 'logger' | 'config' | 'temporal' | 'processor'>) {
  let configured = deps.processor;
  const processor = () => (configured ??= moovProcessor(createMoovClient(deps.config)));
  return {
    async recheckSettledTransfers(input: { afterId: string | null; limit: number; dealerId?: string | null }): Promise<RecheckBatch> {
      const { db, config, temporal, logger } = deps;
      const now = Date.now();
      const candidates = await transferRecheckCandidates(db, {
        afterId: input.afterId,
        limit: input.limit,
        dealerId: input.dealerId ?? null,
        achSettledSince: new Date(now - config.TRANSFER_RECHECK_ACH_WINDOW_DAYS * DAY_MS),
        cardSettledSince: new Date(now - config.TRANSFER_RECHECK_CARD_WINDOW_DAYS * DAY_MS),
        // A little short of the interval, so a pass that starts a moment early still reads each payment.
        checkedBefore: new Date(now - Math.floor(config.TRANSFER_RECHECK_EVERY_MS * 0.9)),
      });
      let signalled = 0;
      let unread = 0;
      for (const candidate of candidates) {
        heartbeat(candidate.id);
        let seen: Awaited<ReturnType<typeof processorFingerprint>>;
        try {
          seen = await processorFingerprint(processor(), candidate);
        } catch (error) {
          // One transfer the processor cannot show now must not hold up the rest of the pass.
          unread += 1;
          logger.warn({ paymentId: candidate.id, transferId: candidate.moov_transfer_id, err: error }, 'processor re-check could not read a transfer; the next pass tries again');
          continue;
        }
        const news = !seen.quiet && seen.fingerprint !== candidate.fingerprint;
        if (news) {
          // The event id names what was seen: the same news found twice is one event to the workflow.
          await signalPaymentEvent(db, temporal, config, candidate.id, { eventId: `recheck:${candidate.id}:${seen.fingerprint}`, type: 'transfer.updated', transferId: candidate.moov_transfer_id });
          await recordAudit(db, { dealerId: candidate.dealer_id, actorKind: 'system', action: 'payment.transfer_rechecked', entityType: 'payment', entityId: candidate.id, data: { found: seen.fingerprint, previously: candidate.fingerprint } });
          signalled += 1;
        }
        await recordTransferRecheck(db, candidate.id, seen.fingerprint, news);
      }
      const checked = candidates.length - unread;
      if (signalled > 0) logger.warn({ signalled, checked }, 'processor re-check found news the webhooks had not brought; handed to the payments\' workflows');
      const last = candidates.at(-1);
      return { checked, signalled, unread, nextAfterId: candidates.length === input.limit && last ? last.id : null };
    },
  };
}
