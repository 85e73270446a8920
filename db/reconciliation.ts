import type { Knex } from 'knex';
import type { ReconLine, ReconPayment } from '../domain/reconciliation';
import { reversalIdOfKey, type LineType, type SettlementStatus } from '../domain/settlement';
import { settlementPayments } from './settlement-queries';
import { reversedMoneyOn } from './settlements';

/**
 * What the reconciliation report reads of Drypowder's own side: the batches compared, the
 * lines they hold, which payments' returns are reversed on another batch, and how much money
 * was taken back from each (returns, refunds, chargebacks). Every read names the dealer.
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

export interface ReversalMoney {
  /** Taken back on the settlements compared. */
  reversedHereCents: number;
  /** Taken back in all, on any settlement. */
  reversedCents: number;
}

/**
 * Money taken back from each of these payments, here and in all. A payment returned in full
 * before amounts were recorded per reversal counts its whole amount.
 */
export async function reversalMoneyOfPayments(db: Executor, dealerId: string, paymentIds: string[], settlementIds: string[]): Promise<Map<string, ReversalMoney>> {
  const result = new Map<string, ReversalMoney>();
  if (paymentIds.length === 0) return result;
  const own: string[] = await db('settlements').where('dealer_id', dealerId).whereIn('id', settlementIds).pluck('id');
  const here = await reversedMoneyOn(db, own);
  const payments: Array<{ id: string; amount_cents: string | number; reversed_cents: string | number }> = await db('payments')
    .where('dealer_id', dealerId).whereIn('id', paymentIds).select('id', 'amount_cents', 'reversed_cents');
  const wholeReturns: Array<{ payment_id: string; idempotency_key: string }> = await db('gl_posting_lines')
    .where('dealer_id', dealerId).whereIn('payment_id', paymentIds).where('line_type', 'reversal').select('payment_id', 'idempotency_key');
  const returnedWhole = new Set(wholeReturns.filter((line) => reversalIdOfKey(line.idempotency_key) === null).map((line) => line.payment_id));
  for (const payment of payments) {
    const recorded = Number(payment.reversed_cents);
    result.set(payment.id, {
      reversedHereCents: here.get(payment.id) ?? 0,
      reversedCents: returnedWhole.has(payment.id) ? Math.max(recorded, Number(payment.amount_cents)) : recorded,
    });
  }
  return result;
}

/**
 * Drypowder's side of the report for these settlements: every payment they hold or reverse
 * (with the money taken back from each), their lines, and every line key these payments ever
 * had. The caller adds the processor's and the ERP's sides.
 */
export async function drypowderReconSide(db: Executor, dealerId: string, settlementIds: string[]): Promise<{ payments: ReconPayment[]; lines: ReconLine[]; knownKeys: Set<string> }> {
  const payments = new Map<string, ReconPayment>();
  for (const id of settlementIds) {
    for (const row of await settlementPayments(db, dealerId, id)) {
      const seen = payments.get(row.id);
      payments.set(row.id, {
        id: row.id, number: row.number, amountCents: Number(row.amount_cents), customerFeeCents: Number(row.fee_cents), transferId: row.moov_transfer_id,
        member: (seen?.member ?? false) || row.member, reversedHere: (seen?.reversedHere ?? false) || row.reversed_here, reversedElsewhere: false,
      });
    }
  }
  const paymentIds = [...payments.keys()];
  if (paymentIds.length > 0) {
    for (const id of await paymentsReversedElsewhere(db, dealerId, paymentIds, settlementIds)) payments.get(id)!.reversedElsewhere = true;
    for (const [id, money] of await reversalMoneyOfPayments(db, dealerId, paymentIds, settlementIds)) Object.assign(payments.get(id)!, money);
  }
  const lines: ReconLine[] = (await reconLineRows(db, dealerId, settlementIds)).map((row) => ({
    key: row.idempotency_key, paymentNumber: row.number, lineType: row.line_type, reversesType: row.reverses_type ?? null, documentId: row.document_id,
    amountCents: Number(row.amount_cents), status: row.status, erpPostingId: row.erp_posting_id, rejectedReason: row.rejected_reason,
  }));
  return {
    payments: [...payments.values()].sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)),
    lines,
    knownKeys: new Set(await lineKeysOfPayments(db, dealerId, paymentIds)),
  };
}

/** What Drypowder has taken back from each of these payments in all (refunds, chargebacks; a whole return leaves it 0). */
export async function reversedCentsOfPayments(db: Executor, dealerId: string, paymentIds: string[]): Promise<Map<string, number>> {
  if (paymentIds.length === 0) return new Map();
  const rows: Array<{ id: string; reversed_cents: string | number }> = await db('payments').where('dealer_id', dealerId).whereIn('id', paymentIds).select('id', 'reversed_cents');
  return new Map(rows.map((row) => [row.id, Number(row.reversed_cents)]));
}
