import type { Knex } from 'knex';
import type { LineType, SettlementStatus } from '../domain/settlement';

/**
 * What the reconciliation report reads of Drypowder's own side: the batches compared, the
 * lines they hold, and which payments' returns are reversed on another batch. Every read names
 * the dealer.
 */

type Executor = Knex | Knex.Transaction;

export interface ReconSettlementRow {
  id: string;
  number: string;
  business_date: string;
  status: SettlementStatus;
  payment_count: number;
  gross_cents: number;
  fee_cents: number;
  net_cents: number;
}

export interface ReconLineRow {
  idempotency_key: string;
  number: string;
  line_type: LineType;
  reverses_type: LineType | null;
  document_id: string;
  amount_cents: number;
  status: 'pending' | 'posted' | 'rejected';
  erp_posting_id: string | null;
  rejected_reason: string | null;
}

export interface ErpConnectionRow {
  integration_mode: string;
  spruce_base_url: string | null;
  spruce_api_key: string | null;
  spruce_tenant_id: string | null;
}

/** The ids of the dealer's batches of one business day. */
export async function settlementIdsOfDay(db: Executor, dealerId: string, businessDate: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('settlements').where({ dealer_id: dealerId, business_date: businessDate }).select('id');
  return rows.map((row) => row.id);
}

export async function reconSettlementRows(db: Executor, dealerId: string, settlementIds: string[]): Promise<ReconSettlementRow[]> {
  return db('settlements').where('dealer_id', dealerId).whereIn('id', settlementIds).orderBy('business_date')
    .select('id', 'number', 'business_date', 'status', 'payment_count', 'gross_cents', 'fee_cents', 'net_cents');
}

/** Of these payments, those whose return is reversed on a batch other than these. */
export async function paymentsReversedElsewhere(db: Executor, dealerId: string, paymentIds: string[], settlementIds: string[]): Promise<string[]> {
  return db('gl_posting_lines').where('dealer_id', dealerId).whereIn('payment_id', paymentIds).where('line_type', 'reversal')
    .whereNotIn('settlement_id', settlementIds).distinct().pluck('payment_id');
}

export async function reconLineRows(db: Executor, dealerId: string, settlementIds: string[]): Promise<ReconLineRow[]> {
  return db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .leftJoin('gl_posting_lines as o', 'o.id', 'l.reverses_line_id')
    .where('l.dealer_id', dealerId)
    .whereIn('l.settlement_id', settlementIds)
    .select('l.idempotency_key', 'p.number', 'l.line_type', 'o.line_type as reverses_type', 'l.document_id', 'l.amount_cents', 'l.status', 'l.erp_posting_id', 'l.rejected_reason');
}

/** Every idempotency key Drypowder ever gave a line of these payments, on any batch. */
export async function lineKeysOfPayments(db: Executor, dealerId: string, paymentIds: string[]): Promise<string[]> {
  if (paymentIds.length === 0) return [];
  return db('gl_posting_lines').where('dealer_id', dealerId).whereIn('payment_id', paymentIds).pluck('idempotency_key');
}

/** How the dealer reaches its ERP's ledger, if it has one. */
export async function erpConnectionOf(db: Executor, dealerId: string): Promise<ErpConnectionRow> {
  return db('dealers').where({ id: dealerId }).first('integration_mode', 'spruce_base_url', 'spruce_api_key', 'spruce_tenant_id');
}
