import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { ActivityDeps } from '.';
import { PaymentRefusalFailure } from './errors';
import type { createPaymentActivities } from './payments';
import { refreshAccountStats } from '../db/account-stats';
import { recordAudit } from '../db/audit';
import { alertOperators } from '../db/operator-alerts';
import { paymentBooks, type PaymentBooks } from '../db/payment-books';
import { disputesOfPayment, upsertDispute, type DisputeRow } from '../db/payment-disputes';
import { recordRefundProcessorStatuses, reversalsOfPayment, reversePaymentAmount, reversibleApplications } from '../db/payment-reversals';
import { transitionPayment, transitionPaymentIfIn } from '../db/payments';
import { achReturnOperatorWords } from '../domain/ach-returns';
import { formatCents } from '../domain/money';
import { validateItemRefund } from '../domain/reversal-allocation';
import { createMoovClient } from '../integrations/moov';
import { moovProcessor } from '../integrations/moov-processor';
import { ProcessorRejection, TransferNotReversible, type DisputeSnapshot } from '../integrations/payment-processor';
import type { PaymentState, RefundRequest } from '../workflows/payment-definitions';
import type { MoneyChange, MoneyOutcome } from '../workflows/payment-record';
import { settlementWorkflowId } from '../workflows/settlement-definitions';

const OPEN_DISPUTE: ReadonlyArray<DisputeSnapshot['status']> = ['response_needed', 'under_review'];
const isOpen = (status: string) => (OPEN_DISPUTE as readonly string[]).includes(status);

type PaymentActivities = ReturnType<typeof createPaymentActivities>;
type SettlementAnnouncer = { announceReversal(input: { paymentId: string; settlementId: string }): Promise<void> };

/**
 * Money that moves after a payment settled, whenever it moves: the transfer's late return,
 * its card disputes and their outcome, and refunds an operator sends. Each activity re-reads
 * the processor (the authority) and applies only what the books do not have yet, so a
 * duplicated, late or out-of-order webhook changes nothing twice. Used by both runs of
 * `payment-<id>` (workflows/payment-lifecycle.ts and workflows/payment-aftermath.ts).
 */
export function createPaymentAftermathActivities(deps: ActivityDeps & { payments: PaymentActivities; settlements: SettlementAnnouncer }) {
  const { db } = deps;
  let configured = deps.processor;
  const processor = () => (configured ??= moovProcessor(createMoovClient(deps.config)));

  const refusal = (type: keyof typeof PaymentRefusalFailure, message: string) => ApplicationFailure.create({ type: PaymentRefusalFailure[type], message, nonRetryable: true });

  const outcomeOf = async (paymentId: string, changes: MoneyChange[], open: boolean): Promise<MoneyOutcome> => {
    const books = await paymentBooks(db, paymentId);
    return { status: books.status, returnCode: books.return_code, changes, open };
  };

  /** A reversal that landed in an open batch starts or wakes that batch's workflow, as a joining payment does. */
  const announce = async (paymentId: string, settlementId: string | null) => {
    if (settlementId) await deps.settlements.announceReversal({ paymentId, settlementId });
  };

  /** Disputes as the processor has them now, applied to the books; returns what changed. */
  const applyDisputes = async (books: PaymentBooks, disputes: DisputeSnapshot[]): Promise<MoneyChange[]> => {
    const changes: MoneyChange[] = [];
    for (const snapshot of disputes) {
      const applied = await db.transaction((trx) => applyDispute(trx, books, snapshot));
      if (!applied) continue;
      await announce(books.id, applied.settlementId);
      changes.push(applied.change);
    }
    return changes;
  };

  /** One dispute: opened → the payment is disputed; lost or accepted → its amount is taken back; won → the payment stands. */
  const applyDispute = async (trx: Knex.Transaction, books: PaymentBooks, snapshot: DisputeSnapshot): Promise<{ change: MoneyChange; settlementId: string | null } | null> => {
    const { row, previousStatus, created } = await upsertDispute(trx, { paymentId: books.id, dealerId: books.dealer_id, snapshot });
    const alert = (key: string, subject: string, text: string) => alertOperators(trx, { paymentId: books.id, dealerId: books.dealer_id, key: `${key}:${row.processor_dispute_id}`, subject, text });
    const amount = formatCents(Number(row.amount_cents));
    if (isOpen(row.status)) {
      if (!created) return null;
      const reason = disputeSentence(row);
      const moved = await transitionPaymentIfIn(trx, { paymentId: books.id, from: ['settled'], to: 'disputed', event: 'dispute_opened', actor: { kind: 'processor' }, reason });
      await alert('dispute-opened', `Payment ${books.number} is disputed by the cardholder`,
        `${reason}. ${row.respond_by ? `Evidence must reach the card network by ${row.respond_by.toISOString().slice(0, 10)}; record it on the payment's page.` : 'Record any evidence on the payment\'s page.'} The items it paid stay paid while the dispute is decided.`);
      return moved ? { change: { status: 'disputed', event: 'dispute_opened', reason }, settlementId: null } : null;
    }
    if (!created && (previousStatus === 'lost' || previousStatus === 'accepted') && row.status === 'won') {
      await chargebackOverturned(trx, books, row, alert);
      return null;
    }
    // Decided before, and seen again: already booked.
    if (!created && previousStatus !== null && !isOpen(previousStatus)) return null;
    const anotherOpen = (await disputesOfPayment(trx, books.id)).some((dispute) => isOpen(dispute.status));
    if (row.status === 'lost' || row.status === 'accepted') {
      const reversal = await reversePaymentAmount(trx, {
        paymentId: books.id, kind: 'chargeback', sourceId: row.processor_dispute_id, amountCents: Number(row.amount_cents),
        reason: `Card dispute ${row.status}${row.network_reason ? `: ${row.network_reason}` : ''}`, now: new Date(), workflowIdFor: settlementWorkflowId,
      });
      const event = reversal.full ? 'chargeback_lost_full' : 'chargeback_lost_partly';
      const reason = `${amount} charged back (dispute ${row.status})`;
      const to = reversal.full ? 'charged_back' : anotherOpen ? 'disputed' : 'settled';
      if (to !== 'disputed') {
        await transitionPayment(trx, { paymentId: books.id, from: ['disputed', 'settled'], to, event, actor: { kind: 'processor' }, reason, fields: reversal.full ? { finalized_at: trx.fn.now() } : {} });
      }
      await alert(`dispute-${row.status}`, `Payment ${books.number}: chargeback of ${amount} ${row.status}`,
        `The card dispute on payment ${books.number} ended ${row.status}; ${amount} has gone back to the cardholder. The items it paid are open again for that amount and a reversal is queued for GL posting.`);
      return { change: { status: to, event, reason, notice: reversal.full ? 'charged_back' : 'reversed_partly' }, settlementId: reversal.settlementId };
    }
    // Won (or closed without a chargeback): the money stays; the payment stands unless another dispute is open.
    const reason = `Card dispute ${row.status}: ${amount} stays with the dealer`;
    const moved = !anotherOpen && await transitionPaymentIfIn(trx, { paymentId: books.id, from: ['disputed'], to: 'settled', event: 'chargeback_won', actor: { kind: 'processor' }, reason });
    await alert(`dispute-${row.status}`, `Payment ${books.number}: dispute ${row.status}`, `${reason}. Nothing changes on the items it paid.`);
    return moved ? { change: { status: 'settled', event: 'chargeback_won', reason }, settlementId: null } : null;
  };

  return {
    /** The payment as the books have it, for a follow-up run that starts after the first one closed. */
    async paymentStateFromBooks({ paymentId }: { paymentId: string }): Promise<Omit<PaymentState, 'history'>> {
      const books = await paymentBooks(db, paymentId);
      return {
        paymentId, status: books.status, transferId: books.moov_transfer_id, processorStatus: books.moov_status, needsInvestigation: books.needs_investigation,
        settlementId: books.settlement_id, glPosted: books.gl_posted, returnCode: books.return_code, failureReason: books.failure_reason, heldAfterClearing: false,
      };
    },

    /**
     * Re-reads the transfer, its disputes and its refunds, and books what is new: a return
     * (the whole payment, as ACH returns are), a dispute opened or decided, a refund that failed.
     */
    async applyMoneyAfterSettlement({ paymentId }: { paymentId: string }): Promise<MoneyOutcome> {
      const books = await paymentBooks(db, paymentId);
      if (!books.moov_transfer_id) return outcomeOf(paymentId, [], false);
      const changes: MoneyChange[] = [];
      const transfer = await processor().getTransfer(books.moov_transfer_id);
      if (transfer.processorStatus !== books.moov_status) await deps.payments.recordProcessorStatus({ paymentId, processorStatus: transfer.processorStatus });
      if (transfer.outcome === 'returned' && ['settled', 'disputed', 'frozen', 'returned'].includes(books.status)) {
        const code = transfer.returnCode ?? 'R00';
        // Also when the books already say returned: an attempt that died after booking the return
        // and before queueing its reversal lines is finished here (both steps are idempotent).
        await deps.payments.returnPayment({ paymentId, returnCode: code });
        if (books.status !== 'returned') changes.push({ status: 'returned', event: 'ach_returned', reason: achReturnOperatorWords(code), notice: 'returned' });
      }
      let open = false;
      if (books.method === 'card') {
        const disputes = await processor().listDisputes(books.moov_transfer_id);
        changes.push(...(await applyDisputes(books, disputes)));
        open = disputes.some((dispute) => isOpen(dispute.status));
      }
      const refunds = await processor().listRefunds(books.moov_transfer_id);
      await recordRefundProcessorStatuses(db, paymentId, refunds);
      for (const failed of refunds.filter((refund) => refund.outcome === 'failed')) {
        await db.transaction((trx) => alertOperators(trx, { paymentId, dealerId: books.dealer_id, key: `refund-failed:${failed.refundId}`,
          subject: `Refund on payment ${books.number} failed`,
          text: `The refund of ${formatCents(failed.amountCents)} on payment ${books.number} failed at the processor (${failed.failureReason ?? failed.processorStatus}). The customer has not received the money; the items it re-opened stay open. Send the money another way or refund again.` }));
      }
      open ||= refunds.some((refund) => refund.outcome === 'pending');
      if (changes.length) await refreshAccountStats(db, [books.customer_account_id]);
      return outcomeOf(paymentId, changes, open);
    },

    /**
     * An operator's refund: the processor sends the money (a card refund, or an ACH credit back
     * to the same bank account), then the items it paid are re-opened for exactly that amount
     * and a reversal is queued for the GL. The processor call is keyed by the operator's request,
     * so a retried click or activity refunds once.
     */
    async refundPayment(request: RefundRequest & { paymentId: string }): Promise<MoneyOutcome> {
      const books = await paymentBooks(db, request.paymentId);
      if (books.status !== 'settled') throw refusal('IllegalTransition', `Payment ${books.number} is ${books.status}; only a settled payment can be refunded.`);
      if (!books.moov_transfer_id) throw refusal('RefundNotPossible', `Payment ${books.number} never reached the processor, so there is no money to send back.`);
      const remaining = Number(books.amount_cents) - Number(books.reversed_cents);
      const amountCents = request.items?.length ? request.items.reduce((sum, item) => sum + item.amountCents, 0) : request.amountCents ?? remaining;
      if (amountCents > remaining) {
        throw refusal('RefundInvalid', `Payment ${books.number} can be refunded at most ${formatCents(remaining)}${Number(books.reversed_cents) > 0 ? ` (${formatCents(Number(books.reversed_cents))} has already gone back)` : ''}.`);
      }
      // Checked before any money moves: an item the payment did not pay is refused here, not after the refund.
      const items = request.items?.map((item) => ({ applicationId: Number(item.applicationId), amountCents: item.amountCents }));
      if (items) {
        const problems = validateItemRefund(await reversibleApplications(db, books.id), items);
        if (problems.length) throw refusal('RefundInvalid', problems.join(' '));
      }
      const refund = await processor().refund(books.moov_transfer_id, { idempotencyKey: `refund-${request.requestId}`, amountCents }).catch((error: unknown) => {
        if (error instanceof TransferNotReversible) throw refusal('RefundNotPossible', `The processor cannot send payment ${books.number}'s money back: ${error.message}`);
        if (error instanceof ProcessorRejection) throw refusal('RefundNotPossible', `The processor refused the refund of payment ${books.number}: ${error.message}`);
        throw error;
      });
      const reason = request.reason?.trim() ?? '';
      const result = await db.transaction(async (trx) => {
        const reversal = await reversePaymentAmount(trx, {
          paymentId: books.id, kind: 'refund', sourceId: refund.refundId, amountCents, reason, actorId: request.actorId, items, requestId: request.requestId,
          processorStatus: refund.processorStatus, now: new Date(), workflowIdFor: settlementWorkflowId,
        });
        if (reversal.full) {
          await transitionPayment(trx, { paymentId: books.id, from: ['settled'], to: 'refunded', event: 'refund_full', actor: { kind: 'operator', id: request.actorId }, reason, fields: { finalized_at: trx.fn.now() } });
        }
        return reversal;
      });
      await announce(books.id, result.settlementId);
      await refreshAccountStats(db, [books.customer_account_id]);
      const change: MoneyChange = result.full
        ? { status: 'refunded', event: 'refund_full', reason: `${formatCents(amountCents)} refunded: ${reason}`, notice: 'refunded' }
        : { status: 'settled', event: 'refund_partial', reason: `${formatCents(amountCents)} refunded: ${reason}`, notice: 'reversed_partly' };
      return outcomeOf(books.id, [change], refund.outcome === 'pending');
    },
  };
}

/**
 * A chargeback lost, then won on appeal (pre-arbitration or arbitration): the network sends the
 * money back to the dealer. The items it had reopened may have been paid again meanwhile, so
 * the money is not put back on them by itself: the AR team is told what came back and which
 * items it had reopened, and decides (apply it in Spruce, keep it on account, or refund it).
 */
async function chargebackOverturned(
  trx: Knex.Transaction, books: PaymentBooks, row: DisputeRow, alert: (key: string, subject: string, text: string) => Promise<unknown>,
): Promise<void> {
  const reversal = (await reversalsOfPayment(trx, books.id)).find((candidate) => candidate.kind === 'chargeback' && candidate.sourceId === row.processor_dispute_id);
  const amount = formatCents(Number(row.amount_cents));
  const reopened = reversal?.items.map((item) => `${item.number} (${formatCents(item.amountCents)})`).join(', ');
  await recordAudit(trx, {
    dealerId: books.dealer_id, actorKind: 'processor', action: 'payment.chargeback_overturned', entityType: 'payment', entityId: books.id,
    data: { number: books.number, disputeId: row.processor_dispute_id, amountCents: Number(row.amount_cents), reversalId: reversal?.id, items: reversal?.items.map((item) => ({ number: item.number, amountCents: item.amountCents })) },
  });
  await alert('dispute-overturned', `Payment ${books.number}: chargeback of ${amount} overturned, the money is back`,
    `The card dispute on payment ${books.number} was decided for you on appeal: ${amount} charged back earlier is returned to your account. `
    + `The chargeback had reopened ${reopened || 'no items'}; those stay open in Drypowder and Spruce until you decide: apply the money to them in Spruce if they are still open, keep it on the customer's account, or refund it.`);
}

function disputeSentence(row: DisputeRow): string {
  return `Card dispute for ${formatCents(Number(row.amount_cents))}${row.network_reason ? ` (${row.network_reason})` : ''}`;
}
