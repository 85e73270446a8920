import type { Knex } from 'knex';
import { recordAudit } from './audit';

/**
 * What the payment workflow's processor steps read and record about a payment: the transfer it
 * made, the processor's status, the operator's investigation flag. The status moves and their
 * bookkeeping are db/payments.ts.
 */
type Executor = Knex | Knex.Transaction;

/** The payment with what a processor call needs: the customer's processor method, the dealer's processor account, name and zone. */
export async function paymentForProcessor(db: Executor, paymentId: string): Promise<Record<string, any> | undefined> {
  return db('payments as p')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .join('dealers as d', 'd.id', 'p.dealer_id')
    .where('p.id', paymentId)
    .first('p.*', 'pm.moov_payment_method_id', 'pm.id as method_row_id', 'd.moov_account_id as dealer_moov_account_id', 'd.name as dealer_name', 'd.time_zone as dealer_time_zone');
}

/** The transfer the processor made for the payment (and its status then), so a retried submit makes no second one. */
export async function recordTransfer(db: Executor, paymentId: string, transfer: { transferId: string; processorStatus: string }): Promise<void> {
  await db('payments').where({ id: paymentId }).update({ moov_transfer_id: transfer.transferId, moov_status: transfer.processorStatus, updated_at: db.fn.now() });
}

export async function recordProcessorStatus(db: Executor, paymentId: string, processorStatus: string): Promise<void> {
  await db('payments').where({ id: paymentId }).update({ moov_status: processorStatus, updated_at: db.fn.now() });
}

/** Flags a payment pending past its clearing window for an operator, once, with its audit entry. */
export async function flagPaymentForInvestigation(db: Knex, paymentId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const payment = await trx('payments').where({ id: paymentId }).forUpdate().first();
    if (!payment || payment.needs_investigation) return;
    await trx('payments').where({ id: paymentId }).update({ needs_investigation: true, updated_at: trx.fn.now() });
    await recordAudit(trx, { dealerId: payment.dealer_id, actorKind: 'system', action: 'payment.needs_investigation', entityType: 'payment', entityId: paymentId, data: { number: payment.number, reason: 'Pending longer than the clearing window' } });
  });
}

/** Where a payment stands with its settlement (a freeze takes a settled payment out of it first). */
export async function paymentSettlementState(db: Executor, paymentId: string): Promise<{ status: string; settlement_id: string | null } | undefined> {
  return db('payments').where({ id: paymentId }).first('status', 'settlement_id');
}
