/**
 * Credit holds (docs/credit-holds.md): whether a cleared payment lifts the hold on a customer's
 * account. Pure: the caller reads the account's credit as the ERP last reported it and the
 * past-due balance left in our books after the payment was applied.
 */

export const CREDIT_HOLD_REASONS = ['over_limit', 'past_due', 'other'] as const;
export type CreditHoldReason = (typeof CREDIT_HOLD_REASONS)[number];

export type CreditHoldOutcome = 'released' | 'still_over_limit' | 'still_past_due' | 'not_releasable' | 'not_on_hold';

export interface AccountCredit {
  onHold: boolean;
  reason: CreditHoldReason | null;
  limitCents: number | null;
  /** As the ERP last reported it (limit − balance); negative when over the limit; null when unknown. */
  availableCents: number | null;
}

export interface CreditAfterPayment {
  outcome: CreditHoldOutcome;
  /** Available credit once the payment counts: null when the ERP reported none. */
  availableAfterCents: number | null;
}

/**
 * What a cleared payment that took `creditedCents` off the account's balance does to its hold:
 * - over_limit: lifted once the account is within its limit (available credit ≥ 0), or has no limit;
 * - past_due: lifted once nothing past due is left and the payment does not leave it over the limit;
 * - other (a hold placed by hand in the ERP): never lifted by a payment;
 * - no hold: nothing to lift, but the available credit still moves.
 */
export function creditAfterPayment(account: AccountCredit, creditedCents: number, pastDueAfterCents: number): CreditAfterPayment {
  const availableAfterCents = account.availableCents === null ? null : account.availableCents + creditedCents;
  const overLimit = account.limitCents !== null && (availableAfterCents === null || availableAfterCents < 0);
  if (!account.onHold) return { outcome: 'not_on_hold', availableAfterCents };
  switch (account.reason) {
    case 'over_limit':
      return { outcome: overLimit ? 'still_over_limit' : 'released', availableAfterCents };
    case 'past_due':
      if (pastDueAfterCents > 0) return { outcome: 'still_past_due', availableAfterCents };
      return { outcome: overLimit ? 'still_over_limit' : 'released', availableAfterCents };
    default:
      return { outcome: 'not_releasable', availableAfterCents };
  }
}

export const CREDIT_HOLD_REASON_LABELS: Record<CreditHoldReason, string> = {
  over_limit: 'over the credit limit',
  past_due: 'past due',
  other: 'held in the ERP',
};
