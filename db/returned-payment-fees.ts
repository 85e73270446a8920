import type { Knex } from 'knex';
import { localDate } from '../domain/dates';
import { returnedPaymentFee } from '../domain/returned-payment-fee';
import { recordAudit } from './audit';

/**
 * The fee charged for a returned ACH payment: a debit adjustment on the customer's account
 * (payable in the portal like any other) and the `returned_payment_fees` row that ties it to
 * the payment. Booked in the transaction that marks the payment returned, so the amount is
 * the dealer's setting at that moment and a return reported twice charges once (the row's
 * key is the payment). The copy in Spruce is sent afterwards by its own activity
 * (activities/returned-payment-fee.ts); `erp_status` says where that stands.
 */

type Db = Knex | Knex.Transaction;

export type FeeErpStatus = 'books_only' | 'pending' | 'sent' | 'refused';

export interface ReturnedPaymentFee {
  paymentId: string;
  dealerId: string;
  adjustmentId: string;
  adjustmentNumber: string;
  amountCents: number;
  returnCode: string;
  description: string;
  erpStatus: FeeErpStatus;
  erpError: string | null;
}

/**
 * Charges the dealer's returned payment fee for this payment, once. Returns the fee (the one
 * booked earlier, if any), or null when nothing is charged: the dealer's fee is off, the
 * payment is not an ACH debit, or there is no return code.
 */
export async function chargeReturnedPaymentFee(trx: Knex.Transaction, input: { paymentId: string; returnCode: string | null; now: Date }): Promise<ReturnedPaymentFee | null> {
  const existing = await returnedPaymentFeeOf(trx, input.paymentId);
  if (existing) return existing;
  const payment = await trx('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').where('p.id', input.paymentId)
    .first('p.id', 'p.number', 'p.dealer_id', 'p.customer_account_id', 'p.method', 'd.returned_payment_fee_cents', 'd.time_zone', 'd.integration_mode');
  if (!payment) return null;
  const plan = returnedPaymentFee({ method: payment.method, returnCode: input.returnCode, feeCents: Number(payment.returned_payment_fee_cents), paymentNumber: payment.number });
  if (!plan) return null;
  const today = localDate(input.now, payment.time_zone);
  const adjustment = await trx('adjustments').insert({
    dealer_id: payment.dealer_id, customer_account_id: payment.customer_account_id, kind: 'debit', reason: 'charge', adjustment_number: plan.adjustmentNumber,
    transaction_date: today, due_date: today, amount_cents: plan.amountCents, balance_cents: plan.amountCents, status: 'open', description: plan.description,
  }).onConflict(['dealer_id', 'adjustment_number']).ignore().returning('id');
  if (adjustment.length === 0) {
    // A document of that number exists already (typed in by hand); charging under another name would hide the clash.
    await recordAudit(trx, { dealerId: payment.dealer_id, actorKind: 'system', action: 'payment.returned_fee_not_charged', entityType: 'payment', entityId: payment.id,
      data: { number: payment.number, reason: `an adjustment ${plan.adjustmentNumber} already exists` } });
    return null;
  }
  const erpStatus: FeeErpStatus = payment.integration_mode === 'spruce' ? 'pending' : 'books_only';
  await trx('returned_payment_fees').insert({
    payment_id: payment.id, dealer_id: payment.dealer_id, adjustment_id: adjustment[0]!.id, amount_cents: plan.amountCents, return_code: input.returnCode, erp_status: erpStatus,
    created_at: input.now,
  });
  await recordAudit(trx, {
    dealerId: payment.dealer_id, actorKind: 'system', action: 'payment.returned_fee_charged', entityType: 'payment', entityId: payment.id,
    data: { number: payment.number, adjustmentNumber: plan.adjustmentNumber, amountCents: plan.amountCents, returnCode: input.returnCode, erpStatus },
  });
  return (await returnedPaymentFeeOf(trx, payment.id))!;
}

export async function returnedPaymentFeeOf(db: Db, paymentId: string): Promise<ReturnedPaymentFee | null> {
  const row = await db('returned_payment_fees as f').join('adjustments as a', 'a.id', 'f.adjustment_id').where('f.payment_id', paymentId)
    .first('f.payment_id', 'f.dealer_id', 'f.adjustment_id', 'a.adjustment_number', 'a.description', 'f.amount_cents', 'f.return_code', 'f.erp_status', 'f.erp_error');
  if (!row) return null;
  return {
    paymentId: row.payment_id, dealerId: row.dealer_id, adjustmentId: row.adjustment_id, adjustmentNumber: row.adjustment_number, amountCents: Number(row.amount_cents),
    returnCode: row.return_code, description: row.description ?? '', erpStatus: row.erp_status, erpError: row.erp_error ?? null,
  };
}

/** What the Spruce copy of a fee is made of: the adjustment as booked and the account's ERP id. */
export async function returnedPaymentFeeForErp(db: Db, paymentId: string) {
  return db('returned_payment_fees as f')
    .join('adjustments as a', 'a.id', 'f.adjustment_id')
    .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
    .join('payments as p', 'p.id', 'f.payment_id')
    .where('f.payment_id', paymentId)
    .first('f.payment_id', 'f.dealer_id', 'f.erp_status', 'f.amount_cents', 'a.adjustment_number', 'a.description', 'a.transaction_date', 'a.due_date',
      'ca.erp_account_id', 'p.number as payment_number') as Promise<
      { payment_id: string; dealer_id: string; erp_status: FeeErpStatus; amount_cents: number; adjustment_number: string; description: string | null;
        transaction_date: string | null; due_date: string | null; erp_account_id: string; payment_number: string } | undefined>;
}

/** Spruce has the fee; recorded and audited once. */
export async function recordFeeSentToErp(db: Knex, paymentId: string, replayed: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('returned_payment_fees').where({ payment_id: paymentId }).whereNot({ erp_status: 'sent' })
      .update({ erp_status: 'sent', erp_error: null, erp_sent_at: trx.fn.now() }).returning(['dealer_id']);
    if (updated.length === 0) return;
    await recordAudit(trx, { dealerId: updated[0]!.dealer_id, actorKind: 'system', action: 'payment.returned_fee_sent_to_erp', entityType: 'payment', entityId: paymentId, data: { replayed } });
  });
}

/** Spruce refused the fee for good (its answer is kept for the operators). */
export async function recordFeeRefusedByErp(trx: Knex.Transaction, paymentId: string, error: string): Promise<boolean> {
  const updated = await trx('returned_payment_fees').where({ payment_id: paymentId, erp_status: 'pending' }).update({ erp_status: 'refused', erp_error: error }).returning(['dealer_id']);
  if (updated.length === 0) return false;
  await recordAudit(trx, { dealerId: updated[0]!.dealer_id, actorKind: 'system', action: 'payment.returned_fee_refused_by_erp', entityType: 'payment', entityId: paymentId, data: { error } });
  return true;
}
