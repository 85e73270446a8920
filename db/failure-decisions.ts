import type { Knex } from 'knex';
import type { DecisionOutcome } from '../domain/failure-decision';
import type { PaymentStatus } from '../domain/payment-status';

/**
 * Decisions the AR team records on failed, returned or disputed payments. The payment row is
 * locked first, so a status change (which locks it too) cannot slip between the check and the
 * insert.
 */

export interface PaymentForDecision {
  id: string;
  number: string;
  status: PaymentStatus;
  customer_account_id: string;
}

export interface StandingDecision {
  outcome: DecisionOutcome;
  /** Who recorded it. */
  name: string;
}

export interface NewFailureDecision {
  paymentId: string;
  paymentStatus: PaymentStatus;
  outcome: DecisionOutcome;
  note: string | null;
  operatorId: string;
}

/** The dealer's payment, locked for the rest of the transaction; undefined when not the dealer's. */
export async function lockPaymentForDecision(trx: Knex.Transaction, dealerId: string, paymentId: string): Promise<PaymentForDecision | undefined> {
  return trx('payments').where({ id: paymentId, dealer_id: dealerId }).forUpdate().first('id', 'number', 'status', 'customer_account_id');
}

/** The decision that still answers the payment's current status, if any. */
export async function standingDecision(trx: Knex.Transaction, dealerId: string, paymentId: string): Promise<StandingDecision | undefined> {
  return trx('payment_failure_decisions as d').join('operator_users as o', 'o.id', 'd.operator_id')
    .where({ 'd.payment_id': paymentId, 'd.dealer_id': dealerId }).whereNull('d.superseded_at').first('d.outcome', 'o.name');
}

/** Throws the database's unique violation (23505) when a standing decision already exists. */
export async function insertFailureDecision(trx: Knex.Transaction, dealerId: string, decision: NewFailureDecision): Promise<void> {
  await trx('payment_failure_decisions').insert({
    payment_id: decision.paymentId, dealer_id: dealerId, payment_status: decision.paymentStatus, outcome: decision.outcome, note: decision.note, operator_id: decision.operatorId,
  });
}
