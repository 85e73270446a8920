import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { checkCreditAfterPayment, recordHoldRefusedByErp, recordHoldReleasedByErp, type CreditHoldErpStatus } from '../db/credit-holds';
import { dealerIntegration } from '../db/dealers';
import { SpruceClientError, spruceClientFor, SpruceRejectedError, SpruceUnavailableError } from '../integrations/spruce';

/** The key Spruce remembers a release under: one per payment, so no retry or replay asks twice. */
export const creditHoldReleaseIdempotencyKey = (paymentId: string) => `credit-hold-release:${paymentId}`;

/**
 * Pay-to-release (docs/credit-holds.md). The payment workflow calls it once the payment has
 * settled (card captured, ACH settled): the payment is counted into the account's available
 * credit once, and when it lifts the hold a Spruce dealer's Spruce is asked to lift it (under a
 * key from the payment id) and the branch is emailed once Spruce answers; a file-based dealer's
 * hold is lifted in our books and the branch told to lift it in the ERP. While Spruce is down
 * the activity fails as SpruceUnavailable and is retried until Spruce answers; a refusal is
 * kept and the branch told to lift the hold by hand.
 */
export function createCreditHoldActivities({ db, config }: ActivityDeps) {
  return {
    async releaseCreditHold({ paymentId }: { paymentId: string }): Promise<{ outcome: string; erpStatus: CreditHoldErpStatus | 'not_checked' }> {
      const context = await db.transaction((trx) => checkCreditAfterPayment(trx, paymentId));
      if (!context) return { outcome: 'not_checked', erpStatus: 'not_checked' };
      const { check } = context;
      if (check.erp_status !== 'pending') return { outcome: check.outcome, erpStatus: check.erp_status };

      const refused = async (reason: string) => {
        await db.transaction((trx) => recordHoldRefusedByErp(trx, context, reason));
        return { outcome: check.outcome, erpStatus: 'refused' as const };
      };
      const dealer = await dealerIntegration(db, check.dealer_id);
      if (dealer.integration_mode !== 'spruce' || !dealer.spruce_base_url || !dealer.spruce_tenant_id) return refused('the Spruce connection is not set up.');
      const client = spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, config.DATA_ENCRYPTION_KEY);
      try {
        // Built only from what was recorded, so every retry sends the very same body under the same key.
        const answer = await client.releaseCreditHold(creditHoldReleaseIdempotencyKey(paymentId), context.erpAccountId, {
          payment_reference: context.paymentNumber, amount_cents: check.credited_cents, reason: 'payment_cleared',
        });
        await db.transaction((trx) => recordHoldReleasedByErp(trx, context, answer.replayed));
        return { outcome: check.outcome, erpStatus: 'released' };
      } catch (error) {
        if (error instanceof SpruceUnavailableError) throw ApplicationFailure.create({ type: FailureType.SpruceUnavailable, message: error.message, nonRetryable: false });
        if (error instanceof SpruceRejectedError) return refused(`${error.reason} (${error.code})`);
        if (error instanceof SpruceClientError) return refused(`${error.message}.`);
        throw error;
      }
    },
  };
}
