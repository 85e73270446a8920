import type { Knex } from 'knex';
import type { PaymentStatus } from '../domain/payment-status';

/** What the money-after-settlement activities read of a payment before acting on it. */
export interface PaymentBooks {
  id: string;
  number: string;
  dealer_id: string;
  customer_account_id: string;
  method: 'ach' | 'card';
  status: PaymentStatus;
  amount_cents: number;
  reversed_cents: number;
  moov_transfer_id: string | null;
  moov_status: string | null;
  needs_investigation: boolean;
  settlement_id: string | null;
  return_code: string | null;
  failure_reason: string | null;
  /** Every GL line of the payment is in the ledger. */
  gl_posted: boolean;
}

export async function paymentBooks(db: Knex | Knex.Transaction, paymentId: string): Promise<PaymentBooks> {
  const row = await db('payments as p')
    .where('p.id', paymentId)
    .first(
      'p.id', 'p.number', 'p.dealer_id', 'p.customer_account_id', 'p.method', 'p.status', 'p.amount_cents', 'p.reversed_cents', 'p.moov_transfer_id', 'p.moov_status',
      'p.needs_investigation', 'p.settlement_id', 'p.return_code', 'p.failure_reason',
      db.raw(`exists (select 1 from gl_posting_lines l where l.payment_id = p.id) and not exists (select 1 from gl_posting_lines l where l.payment_id = p.id and l.status <> 'posted') as gl_posted`),
    );
  if (!row) throw new Error(`payment ${paymentId} not found`);
  return { ...row, amount_cents: Number(row.amount_cents), reversed_cents: Number(row.reversed_cents) };
}
