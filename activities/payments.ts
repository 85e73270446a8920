import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType, PaymentRefusalFailure } from './errors';
import { flagPaymentForInvestigation, paymentForProcessor, paymentSettlementState, recordProcessorStatus, recordTransfer } from '../db/payment-processing';
import { disablePaymentMethod } from '../db/payment-methods';
import { alertOperators } from '../db/operator-alerts';
import { applyReservations, releaseReservations, reverseApplications, settledPaymentFacts, transitionPayment } from '../db/payments';
import { refreshAccountStats } from '../db/account-stats';
import { achReturn, achReturnOperatorWords, untimelyReturnNote } from '../domain/ach-returns';
import { localDate } from '../domain/dates';
import { formatCents } from '../domain/money';
import { createMoovClient } from '../integrations/moov';
import { moovProcessor } from '../integrations/moov-processor';
import { ProcessorRejection, TransferNotReversible, type TransferSnapshot } from '../integrations/payment-processor';
import type { PaymentRefusalType } from '../workflows/payment-definitions';
import { queueEmail } from '../db/email-outbox';
import { chargeReturnedPaymentFee, type ReturnedPaymentFee } from '../db/returned-payment-fees';

/**
 * Side effects of the payment workflow. Each activity is safe to retry: processor calls
 * carry keys derived from the payment id, and read-model transitions check the current
 * status first (a replay finds the work done and returns).
 */
export function createPaymentActivities(deps: ActivityDeps & { settlementActivities?: SettlementHooks }) {
  const { db } = deps;
  // Moov through its SDK unless a test or tool injects another processor.
  let configured = deps.processor;
  const processor = () => (configured ??= moovProcessor(createMoovClient(deps.config)));

  const loadPayment = async (paymentId: string) => {
    const payment = await paymentForProcessor(db, paymentId);
    if (!payment) throw ApplicationFailure.nonRetryable(`payment ${paymentId} not found`, FailureType.NonRetryable);
    return payment;
  };

  const rethrow = (error: unknown): never => {
    if (error instanceof ProcessorRejection) throw ApplicationFailure.nonRetryable(error.message, FailureType.NonRetryable, error.code);
    throw error;
  };

  /** A refusal the operator reads in the action dialog: one sentence saying what to do instead. */
  const refusal = (type: PaymentRefusalType, message: string): ApplicationFailure => ApplicationFailure.create({ type, message, nonRetryable: true });

  /**
   * Terminating an ACH debit the bank already has: nothing was changed, and the sentence says
   * where the money is and the next step (a refund once it settles, or a freeze meanwhile).
   */
  const notCancellable = (payment: Record<string, any>, error: TransferNotReversible): ApplicationFailure => {
    if (error.cleared || payment.status === 'settled') {
      return refusal(PaymentRefusalFailure.TransferNotCancellable, `Payment ${payment.number} has already cleared at the customer's bank, so it can no longer be cancelled; the money must be sent back to the customer as a refund instead. Freeze the payment to keep it out of settlement until the refund is arranged.`);
    }
    const next = payment.status === 'frozen'
      ? 'It stays frozen, and out of settlement, until you release it; refund it once it has settled.'
      : 'Refund it once it has settled, or freeze it now to keep it out of settlement.';
    return refusal(PaymentRefusalFailure.TransferNotCancellable, `Payment ${payment.number} has already been sent to the customer's bank, so it can no longer be cancelled; the money must be sent back instead. ${next}`);
  };

  return {
    async submitTransfer({ paymentId }: { paymentId: string }): Promise<{ transferId: string; processorStatus: string }> {
      const payment = await loadPayment(paymentId);
      if (payment.moov_transfer_id) return { transferId: payment.moov_transfer_id, processorStatus: payment.moov_status ?? 'created' };
      if (!payment.dealer_moov_account_id) throw ApplicationFailure.nonRetryable(`dealer ${payment.dealer_name} has no processor account`, FailureType.NonRetryable);
      const transfer = await processor()
        .createTransfer({
          idempotencyKey: `payment-${paymentId}`,
          amountCents: Number(payment.amount_cents),
          sourcePaymentMethodId: payment.moov_payment_method_id,
          destinationAccountId: payment.dealer_moov_account_id,
          description: `${payment.dealer_name} payment ${payment.number}`,
          metadata: { paymentId, paymentNumber: payment.number, dealerId: payment.dealer_id },
        })
        .catch(rethrow);
      await recordTransfer(db, paymentId, transfer);
      return { transferId: transfer.transferId, processorStatus: transfer.processorStatus };
    },

    async refreshTransfer({ paymentId }: { paymentId: string }): Promise<TransferSnapshot> {
      const payment = await loadPayment(paymentId);
      if (!payment.moov_transfer_id) throw new Error(`payment ${payment.number} has no transfer yet`);
      const transfer = await processor().getTransfer(payment.moov_transfer_id).catch(rethrow);
      if (transfer.processorStatus !== payment.moov_status) {
        await recordProcessorStatus(db, paymentId, transfer.processorStatus);
      }
      return transfer;
    },

    async recordProcessorStatus({ paymentId, processorStatus }: { paymentId: string; processorStatus: string }): Promise<void> {
      await recordProcessorStatus(db, paymentId, processorStatus);
    },

    async failPayment({ paymentId, reason, returnCode = null }: { paymentId: string; reason: string | null; returnCode?: string | null }): Promise<void> {
      const payment = await loadPayment(paymentId);
      await db.transaction(async (trx) => {
        const moved = await transitionPayment(trx, { paymentId, from: ['pending', 'frozen'], to: 'failed', event: 'processor_failed', actor: { kind: 'processor' }, reason, fields: { failure_reason: reason, return_code: returnCode, finalized_at: trx.fn.now() } });
        if (!moved) return;
        await releaseReservations(trx, paymentId);
        if (returnCode) await disableUnusableBankAccount(trx, payment.method_row_id, returnCode);
        // A debit the bank returned before it cleared is a returned payment all the same (NSF mostly).
        if (returnCode) await chargeReturnedPaymentFee(trx, { paymentId, returnCode, now: new Date() });
      });
      await refreshAccountStats(db, [payment.customer_account_id]);
    },

    /** Returns the dealer-local date the money settled, which starts the return window. */
    async settlePayment({ paymentId }: { paymentId: string }): Promise<{ settledOn: string }> {
      const payment = await db.transaction(async (trx) => {
        const settled = await transitionPayment(trx, { paymentId, from: ['pending'], to: 'settled', event: 'processor_completed', actor: { kind: 'processor' }, fields: { settled_at: trx.fn.now(), needs_investigation: false } });
        if (settled) await applyReservations(trx, settled);
        // A retry after the move committed finds it made: the facts are read instead.
        const facts = settled ?? await settledPaymentFacts(trx, paymentId);
        // In the move's transaction: the account is locked already, and its priority changes with the balances.
        await refreshAccountStats(trx, [facts.customer_account_id]);
        return facts;
      });
      return { settledOn: localDate(new Date(payment.settled_at!), payment.dealer_time_zone) };
    },

    async flagForInvestigation({ paymentId }: { paymentId: string }): Promise<void> {
      await flagPaymentForInvestigation(db, paymentId);
    },

    async freezePayment({ paymentId, actorId, reason }: { paymentId: string; actorId: string; reason: string | null }): Promise<{ settlementId: string | null }> {
      const payment = await paymentSettlementState(db, paymentId);
      if (payment?.status === 'settled' && payment.settlement_id) await deps.settlementActivities?.removeFromSettlement({ paymentId });
      await db.transaction(async (trx) => {
        await transitionPayment(trx, { paymentId, from: ['pending', 'settled'], to: 'frozen', event: 'freeze', actor: { kind: 'operator', id: actorId }, reason, fields: { hold_reason: reason } });
      });
      return { settlementId: null };
    },

    async releasePayment({ paymentId, actorId, reason, to }: { paymentId: string; actorId: string; reason: string | null; to: 'pending' | 'settled' }): Promise<void> {
      await db.transaction(async (trx) => {
        await transitionPayment(trx, { paymentId, from: ['frozen'], to, event: 'release', actor: { kind: 'operator', id: actorId }, reason, fields: { hold_reason: null } });
      });
    },

    async terminatePayment({ paymentId, actorId, reason, afterClearing }: { paymentId: string; actorId: string; reason: string; afterClearing: boolean }): Promise<{ processorStatus: string }> {
      const payment = await loadPayment(paymentId);
      let processorStatus = payment.moov_status ?? 'not submitted';
      if (payment.moov_transfer_id) {
        const result = await processor()
          .cancelOrRefund(payment.moov_transfer_id, { idempotencyKey: `terminate-${paymentId}`, amountCents: Number(payment.amount_cents) })
          .catch((error: unknown) => {
            if (error instanceof TransferNotReversible) throw notCancellable(payment, error);
            return rethrow(error);
          });
        processorStatus = result.processorStatus;
      }
      if (payment.settlement_id) await deps.settlementActivities?.removeFromSettlement({ paymentId });
      await db.transaction(async (trx) => {
        const moved = await transitionPayment(trx, { paymentId, from: ['pending', 'frozen', 'settled', 'disputed'], to: 'terminated', event: 'terminate', actor: { kind: 'operator', id: actorId }, reason, fields: { moov_status: processorStatus, finalized_at: trx.fn.now(), settlement_id: null } });
        if (!moved) return;
        // Whatever the payment had taken off the items is owed again; whatever it held is free.
        if (afterClearing) await reverseApplications(trx, paymentId);
        await releaseReservations(trx, paymentId);
      });
      await refreshAccountStats(db, [payment.customer_account_id]);
      return { processorStatus };
    },

    async disputePayment({ paymentId, actorId, reason }: { paymentId: string; actorId: string; reason: string | null }): Promise<void> {
      await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['settled'], to: 'disputed', event: 'dispute', actor: { kind: 'operator', id: actorId }, reason }));
    },

    async resolveDispute({ paymentId, actorId, reason, outcome }: { paymentId: string; actorId: string; reason: string | null; outcome: 'upheld' | 'refunded' }): Promise<{ status: 'settled' | 'terminated' }> {
      if (outcome === 'upheld') {
        await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['disputed'], to: 'settled', event: 'dispute_upheld', actor: { kind: 'operator', id: actorId }, reason }));
        return { status: 'settled' };
      }
      const payment = await loadPayment(paymentId);
      if (payment.moov_transfer_id) {
        await processor().cancelOrRefund(payment.moov_transfer_id, { idempotencyKey: `dispute-refund-${paymentId}`, amountCents: Number(payment.amount_cents) }).catch((error: unknown) => {
          if (error instanceof TransferNotReversible) {
            throw refusal(PaymentRefusalFailure.RefundNotPossible, `Payment ${payment.number} is an ACH debit the bank has already collected, so it cannot be refunded through the processor; the money must be sent back to the customer as a separate bank credit. The dispute stays open until you resolve it as upheld or the credit is sent.`);
          }
          return rethrow(error);
        });
      }
      await db.transaction(async (trx) => {
        const moved = await transitionPayment(trx, { paymentId, from: ['disputed'], to: 'terminated', event: 'dispute_refunded', actor: { kind: 'operator', id: actorId }, reason, fields: { finalized_at: trx.fn.now() } });
        if (moved) await reverseApplications(trx, paymentId);
      });
      if (payment.settlement_id) await deps.settlementActivities?.queueReversal({ paymentId });
      await refreshAccountStats(db, [payment.customer_account_id]);
      return { status: 'terminated' };
    },

    async returnPayment({ paymentId, returnCode }: { paymentId: string; returnCode: string }): Promise<void> {
      const payment = await loadPayment(paymentId);
      const untimely = payment.settled_at
        ? untimelyReturnNote(returnCode, localDate(new Date(payment.settled_at), payment.dealer_time_zone), localDate(new Date(), payment.dealer_time_zone))
        : null;
      await db.transaction(async (trx) => {
        const reason = untimely ? `ACH return ${returnCode}, after Nacha's deadline` : `ACH return ${returnCode}`;
        const moved = await transitionPayment(trx, { paymentId, from: ['settled', 'frozen', 'disputed'], to: 'returned', event: 'ach_returned', actor: { kind: 'processor' }, reason, fields: { return_code: returnCode, returned_at: trx.fn.now(), finalized_at: trx.fn.now() } });
        if (!moved) return;
        await reverseApplications(trx, paymentId);
        await disableUnusableBankAccount(trx, payment.method_row_id, returnCode);
        const fee = await chargeReturnedPaymentFee(trx, { paymentId, returnCode, now: new Date() });
        await alertOperators(trx, { paymentId, dealerId: payment.dealer_id, key: `returned:${returnCode}`,
          subject: `Payment ${payment.number} was returned (${returnCode})${untimely ? ' after the Nacha deadline' : ''}`,
          text: `The bank returned payment ${payment.number} of ${formatCents(Number(payment.amount_cents))} with code ${achReturnOperatorWords(returnCode)}. The items it paid are open again and a reversal is queued for GL posting.${feeWords(fee)}${untimely ? ` ${untimely}` : ''}` });
      });
      if (payment.settlement_id) await deps.settlementActivities?.queueReversal({ paymentId });
      await refreshAccountStats(db, [payment.customer_account_id]);
    },

    async joinSettlement({ paymentId }: { paymentId: string }): Promise<{ settlementId: string | null }> {
      if (!deps.settlementActivities) return { settlementId: null };
      return deps.settlementActivities.addToSettlement({ paymentId });
    },
  };
}

/** Hooks into the settlement area, supplied by its activities. */
export interface SettlementHooks {
  addToSettlement(input: { paymentId: string }): Promise<{ settlementId: string | null }>;
  removeFromSettlement(input: { paymentId: string }): Promise<void>;
  queueReversal(input: { paymentId: string }): Promise<{ settlementId: string | null } | void>;
}

/** The operators' alert names the fee the customer was charged, if any. */
function feeWords(fee: ReturnedPaymentFee | null): string {
  return fee ? ` A returned payment fee of ${formatCents(fee.amountCents)} was added to the customer's account as debit adjustment ${fee.adjustmentNumber}.` : '';
}

/** Some returns (account closed, no account, authorization revoked…) mean the saved bank account can never be debited again. */
async function disableUnusableBankAccount(trx: import('knex').Knex.Transaction, paymentMethodId: string, returnCode: string): Promise<void> {
  if (!achReturn(returnCode).disablesBankAccount) return;
  await disablePaymentMethod(trx, paymentMethodId, `ACH return ${returnCode}`);
}
