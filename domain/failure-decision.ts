import type { PaymentStatus } from './payment-status';

/**
 * What an AR operator decided about a payment that failed, came back from the bank or is
 * disputed: the money did not arrive (or may be taken back), so someone has to follow up.
 * A decision is a note on the follow-up, never a move of the payment: the payment workflow
 * alone changes status (domain/payment-status.ts).
 *
 * A decision answers the status the payment had when it was recorded. When the status later
 * changes (a disputed payment comes back as an ACH return, or its dispute is resolved) the
 * decision is kept as history but no longer stands, so a payment that lands in another
 * problem status asks for a fresh decision (db/migrations/022_payment_failure_decisions.ts).
 */
export const DECISION_STATUSES = ['failed', 'returned', 'disputed', 'charged_back'] as const satisfies readonly PaymentStatus[];
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

export const DECISION_OUTCOMES = ['contacted_customer', 'paying_another_way', 'resubmitted', 'written_off', 'no_action_needed'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DECISION_OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  contacted_customer: 'Contacted customer',
  paying_another_way: 'Customer will pay another way',
  resubmitted: 'Payment resubmitted',
  written_off: 'Written off',
  no_action_needed: 'No action needed',
};

/** One line under each choice in the console, so two operators pick the same one for the same case. */
export const DECISION_OUTCOME_HINTS: Record<DecisionOutcome, string> = {
  contacted_customer: 'Reached the customer about it; waiting on them.',
  paying_another_way: 'They will pay by check, wire or another card or account.',
  resubmitted: 'A new payment for the same items has been made.',
  written_off: 'The amount will not be collected.',
  no_action_needed: 'For example a duplicate attempt, or already paid otherwise.',
};

export const DECISION_NOTE_MAX = 1000;

export function takesDecision(status: PaymentStatus): status is DecisionStatus {
  return (DECISION_STATUSES as readonly PaymentStatus[]).includes(status);
}
