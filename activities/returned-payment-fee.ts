import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { dealerIntegration } from '../db/dealers';
import { alertOperators } from '../db/operator-alerts';
import { recordFeeRefusedByErp, recordFeeSentToErp, returnedPaymentFeeForErp, type FeeErpStatus } from '../db/returned-payment-fees';
import { formatCents } from '../domain/money';
import { SpruceClientError, spruceClientFor, SpruceRejectedError, SpruceUnavailableError } from '../integrations/spruce';

/** The key Spruce remembers the fee under: one per payment, so no retry or replay can charge twice. */
export const returnedPaymentFeeIdempotencyKey = (paymentId: string) => `returned-payment-fee:${paymentId}`;

/**
 * Sends a returned payment fee, booked with the return (db/returned-payment-fees.ts), to the
 * dealer's Spruce as a debit adjustment under the same document number. The payment's
 * workflow calls it after the return; while Spruce is down it fails as SpruceUnavailable and
 * the activity retry policy tries again until Spruce answers. A refusal (unknown account, a
 * document of that number already there, a wrong API key) is kept on the fee and the
 * operators are told to enter it by hand; retrying would not change Spruce's answer.
 * File-based dealers' fees stay in our books (`books_only`): nothing to send.
 */
export function createReturnedPaymentFeeActivities({ db, config }: ActivityDeps) {
  return {
    async sendReturnedPaymentFee({ paymentId }: { paymentId: string }): Promise<{ erpStatus: FeeErpStatus | 'none' }> {
      const fee = await returnedPaymentFeeForErp(db, paymentId);
      if (!fee) return { erpStatus: 'none' };
      if (fee.erp_status !== 'pending') return { erpStatus: fee.erp_status };

      const refused = async (reason: string) => {
        await db.transaction(async (trx) => {
          if (!(await recordFeeRefusedByErp(trx, paymentId, reason))) return;
          await alertOperators(trx, {
            paymentId, dealerId: fee.dealer_id, key: 'returned-fee-refused',
            subject: `Returned payment fee ${fee.adjustment_number} is not in Spruce`,
            text: `The returned payment fee of ${formatCents(Number(fee.amount_cents))} for payment ${fee.payment_number} is on the customer's account in Drypowder as debit adjustment ${fee.adjustment_number}, but Spruce did not take it: ${reason} Enter it in Spruce by hand under the same number, or void it there if it should not be charged.`,
          });
        });
        return { erpStatus: 'refused' as const };
      };

      const dealer = await dealerIntegration(db, fee.dealer_id);
      if (dealer.integration_mode !== 'spruce' || !dealer.spruce_base_url || !dealer.spruce_tenant_id) {
        return refused('the Spruce connection is not set up.');
      }
      const client = spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, config.DATA_ENCRYPTION_KEY);
      try {
        // Built only from what was booked, so every retry sends the very same body under the same key.
        const sent = await client.createDebitAdjustment(returnedPaymentFeeIdempotencyKey(paymentId), {
          id: fee.adjustment_number, account_id: fee.erp_account_id, kind: 'debit', reason: 'charge',
          transaction_date: fee.transaction_date!, due_date: fee.due_date, amount_cents: Number(fee.amount_cents), description: fee.description,
        });
        await recordFeeSentToErp(db, paymentId, sent.replayed);
        return { erpStatus: 'sent' };
      } catch (error) {
        if (error instanceof SpruceUnavailableError) throw ApplicationFailure.create({ type: FailureType.SpruceUnavailable, message: error.message, nonRetryable: false });
        if (error instanceof SpruceRejectedError) return refused(`${error.reason} (${error.code})`);
        if (error instanceof SpruceClientError) return refused(`${error.message}.`);
        throw error;
      }
    },
  };
}
