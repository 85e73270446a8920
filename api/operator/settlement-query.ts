import type { Db } from '../../db/connection';
import { lineCounts } from '../../db/gl-lines';
import { SETTLEMENT_CATEGORIES, type SettlementCategory } from '../../domain/settlement';
import { notFound } from '../errors';
import type { ListParams } from '../simple-rest';
import { lineFilter, settlementFilter } from '../../contracts/operator/settlements';
import { asArray, parseFilter } from './list-helpers';
import { containsPattern, orderBy } from '../../db/list-query';

/**
 * Reads behind the Settlements tab: the dealer's batches with their three posting categories,
 * one batch with its payments and lines, and the persisted progress of an auto-post run.
 */

export const SETTLEMENT_SORTABLE: Record<string, string | string[]> = {
  number: 's.created_at',
  // A day's settlements in the order they were opened (after an early close, the next one).
  business_date: ['s.business_date', 's.sequence'],
  created_at: 's.created_at',
  status: 's.status',
  payment_count: 's.payment_count',
  gross_cents: 's.gross_cents',
  fee_cents: 's.fee_cents',
  net_cents: 's.net_cents',
  closes_at: 's.closes_at',
  resolved_at: 's.resolved_at',
};

export const DEFAULT_SETTLEMENT_SORT: ListParams['sort'] = { field: 'business_date', order: 'DESC' };

export interface CategoryView {
  status: string;
  line_count: number;
  amount_cents: number;
  posted_at: Date | null;
  post_method: 'auto' | 'manual' | null;
  posted_by: string | null;
  posted_by_name: string | null;
}

export async function listSettlements(db: Db, dealerId: string, params: ListParams): Promise<{ rows: unknown[]; total: number }> {
  const filter = parseFilter(settlementFilter, params.filter);
  const base = db('settlements as s').where('s.dealer_id', dealerId);
  if (filter.id) base.whereIn('s.id', asArray(filter.id));
  if (filter.status) base.whereIn('s.status', asArray(filter.status));
  if (filter.q) base.whereRaw('lower(s.number) like ?', [containsPattern(filter.q)]);
  if (filter.business_date_gte) base.where('s.business_date', '>=', filter.business_date_gte);
  if (filter.business_date_lte) base.where('s.business_date', '<=', filter.business_date_lte);
  if (filter.unresolved !== undefined) base.where(filter.unresolved ? (q) => q.whereNot('s.status', 'resolved') : (q) => q.where('s.status', 'resolved'));

  const [counted] = await base.clone().count<Array<{ total: string }>>({ total: '*' });
  const total = counted?.total ?? 0;
  const query = base.clone().leftJoin('operator_users as r', 'r.id', 's.resolved_by').select('s.*', 'r.name as resolved_by_name');
  orderBy(query, params.sort ?? DEFAULT_SETTLEMENT_SORT, SETTLEMENT_SORTABLE, 's.id');
  const rows = await query.offset(params.range.start).limit(params.range.end - params.range.start + 1);
  const categories = await categoriesFor(db, rows.map((row: { id: string }) => row.id));
  return { rows: rows.map((row: Record<string, unknown>) => toSettlementView(row, categories.get(row.id as string))), total: Number(total) };
}

async function categoriesFor(db: Db, settlementIds: string[]): Promise<Map<string, Record<SettlementCategory, CategoryView>>> {
  const byId = new Map<string, Record<SettlementCategory, CategoryView>>();
  if (settlementIds.length === 0) return byId;
  const rows = await db('settlement_categories as c')
    .leftJoin('operator_users as u', 'u.id', 'c.posted_by')
    .whereIn('c.settlement_id', settlementIds)
    .select('c.*', 'u.name as posted_by_name');
  for (const row of rows) {
    const entry = byId.get(row.settlement_id) ?? ({} as Record<SettlementCategory, CategoryView>);
    entry[row.category as SettlementCategory] = {
      status: row.status, line_count: row.line_count, amount_cents: row.amount_cents, posted_at: row.posted_at,
      post_method: row.post_method, posted_by: row.posted_by, posted_by_name: row.posted_by_name,
    };
    byId.set(row.settlement_id, entry);
  }
  return byId;
}

function toSettlementView(row: Record<string, any>, categories: Record<SettlementCategory, CategoryView> | undefined) {
  return {
    id: row.id,
    number: row.number,
    business_date: row.business_date,
    sequence: row.sequence,
    created_at: row.created_at,
    status: row.status,
    payment_count: row.payment_count,
    gross_cents: row.gross_cents,
    fee_cents: row.fee_cents,
    net_cents: row.net_cents,
    closes_at: row.closes_at,
    closed_at: row.closed_at,
    resolved_at: row.resolved_at,
    resolved_by: row.resolved_by,
    resolved_by_name: row.resolved_by_name ?? null,
    workflow_id: row.workflow_id,
    categories: Object.fromEntries(SETTLEMENT_CATEGORIES.map((category) => [category, categories?.[category] ?? null])),
  };
}

/** One settlement with every payment it holds (or reverses) and its first lines. */
export async function settlementDetail(db: Db, dealerId: string, settlementId: string, lineLimit = 500) {
  const row = await db('settlements as s')
    .leftJoin('operator_users as r', 'r.id', 's.resolved_by')
    .where({ 's.id': settlementId, 's.dealer_id': dealerId })
    .first('s.*', 'r.name as resolved_by_name');
  if (!row) throw notFound('Settlement');
  const categories = await categoriesFor(db, [row.id]);
  const payments = await settlementPayments(db, row.id);
  const lines = await db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .where('l.settlement_id', row.id)
    .orderByRaw(LINE_ORDER)
    .limit(lineLimit)
    .select(LINE_COLUMNS);
  const counts = await lineCounts(db, row.id);
  return {
    ...toSettlementView(row, categories.get(row.id)),
    returned_cents: payments.filter((payment) => payment.reversed_here).reduce((total, payment) => total + payment.amount_cents, 0),
    line_counts: counts,
    line_total: counts.reduce((total, count) => total + count.total, 0),
    payments,
    lines,
  };
}

/** Lines in posting order: category, then originals before reversals, then payment and document. */
export const LINE_ORDER = `array_position(array['invoices','credit_adjustments','debit_adjustments']::text[], l.category),
  (l.line_type = 'reversal'), p.number, array_position(array['invoice_payment','statement_discount','credit_application','debit_payment','reversal']::text[], l.line_type),
  l.document_id, l.idempotency_key`;

export const LINE_COLUMNS = [
  'l.id', 'l.category', 'l.line_type', 'l.document_type', 'l.erp_account_id', 'l.erp_job_id', 'l.document_id', 'l.applied_document_id',
  'l.gl_account', 'l.amount_cents', 'l.status', 'l.rejected_reason', 'l.erp_posting_id', 'l.posted_at', 'l.idempotency_key',
  'l.payment_id', 'p.number as payment_number', 'l.reverses_line_id',
];

export interface SettlementPaymentView {
  id: string;
  number: string;
  customer_account_id: string;
  account_name: string;
  erp_account_id: string;
  method: 'ach' | 'card';
  status: string;
  amount_cents: number;
  fee_cents: number;
  processing_cost_cents: number;
  items_cents: number;
  credits_cents: number;
  discount_cents: number;
  submitted_at: Date;
  settled_at: Date | null;
  returned_at: Date | null;
  moov_transfer_id: string | null;
  /** A member of this batch (false: only its reversal is handled here). */
  member: boolean;
  /** Its return is reversed on this batch. */
  reversed_here: boolean;
}

export async function settlementPayments(db: Db, settlementId: string): Promise<SettlementPaymentView[]> {
  const rows = await db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .where('p.settlement_id', settlementId)
    .orWhereIn('p.id', db('gl_posting_lines').where({ settlement_id: settlementId, line_type: 'reversal' }).select('payment_id'))
    .orderBy('p.number')
    .select(
      'p.id', 'p.number', 'p.customer_account_id', 'a.name as account_name', 'a.erp_account_id', 'p.method', 'p.status', 'p.amount_cents', 'p.fee_cents',
      'p.processing_cost_cents', 'p.items_cents', 'p.credits_cents', 'p.discount_cents', 'p.submitted_at', 'p.settled_at', 'p.returned_at',
      'p.moov_transfer_id', 'p.settlement_id',
      db.raw(`exists (select 1 from gl_posting_lines r where r.payment_id = p.id and r.settlement_id = ? and r.line_type = 'reversal') as reversed_here`, [settlementId]),
    );
  return rows.map(({ settlement_id, ...row }: Record<string, any>) => ({ ...row, member: settlement_id === settlementId }) as SettlementPaymentView);
}

/** Every line of a settlement, paged (a batch can hold tens of thousands). */
export async function listSettlementLines(db: Db, dealerId: string, settlementId: string, params: ListParams): Promise<{ rows: unknown[]; total: number }> {
  const own = await db('settlements').where({ id: settlementId, dealer_id: dealerId }).first('id');
  if (!own) throw notFound('Settlement');
  const filter = parseFilter(lineFilter, params.filter);
  const base = db('gl_posting_lines as l').join('payments as p', 'p.id', 'l.payment_id').where('l.settlement_id', settlementId);
  if (filter.category) base.where('l.category', filter.category);
  if (filter.status) base.whereIn('l.status', asArray(filter.status));
  if (filter.line_type) base.whereIn('l.line_type', asArray(filter.line_type));
  const [counted] = await base.clone().count<Array<{ total: string }>>({ total: '*' });
  const total = counted?.total ?? 0;
  const rows = await base.clone().orderByRaw(LINE_ORDER).offset(params.range.start).limit(params.range.end - params.range.start + 1).select(LINE_COLUMNS);
  return { rows, total: Number(total) };
}

/** The auto-post progress the console draws: persisted by the posting activities. */
export async function postingProgress(db: Db, dealerId: string, settlementId: string) {
  const settlement = await db('settlements').where({ id: settlementId, dealer_id: dealerId }).first('id', 'number', 'status');
  if (!settlement) throw notFound('Settlement');
  const run = await db('gl_posting_runs').where({ settlement_id: settlementId }).first();
  const counts = await lineCounts(db, settlementId);
  const categories = await categoriesFor(db, [settlementId]);
  const rejected = await db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .where({ 'l.settlement_id': settlementId, 'l.status': 'rejected' })
    .orderByRaw(LINE_ORDER)
    .limit(100)
    .select('l.id', 'l.category', 'l.line_type', 'l.document_id', 'l.amount_cents', 'l.rejected_reason', 'p.number as payment_number');
  const totals = counts.reduce((sum, row) => ({ total: sum.total + row.total, posted: sum.posted + row.posted, rejected: sum.rejected + row.rejected, pending: sum.pending + row.pending }), { total: 0, posted: 0, rejected: 0, pending: 0 });
  const state = !run ? 'idle' : run.status === 'running' ? (run.waiting_for_erp ? 'waiting_for_spruce' : 'posting') : run.status === 'failed' ? 'failed' : totals.rejected > 0 ? 'completed_with_rejections' : 'completed';
  return {
    id: settlement.id,
    settlement_number: settlement.number,
    settlement_status: settlement.status,
    state,
    message: progressMessage(state, run?.last_error ?? null),
    current_step: run?.status === 'running' ? run.current_category ?? 'starting' : null,
    waiting_for_spruce: Boolean(run?.status === 'running' && run.waiting_for_erp),
    last_error: run?.last_error ?? null,
    last_error_at: run?.last_error_at ?? null,
    started_at: run?.started_at ?? null,
    finished_at: run?.finished_at ?? null,
    run_count: run?.run_count ?? 0,
    workflow_id: run?.workflow_id ?? null,
    totals,
    percent: totals.total === 0 ? 100 : Math.floor(((totals.posted + totals.rejected) * 100) / totals.total),
    categories: counts.map((row) => ({ ...row, status: categories.get(settlementId)?.[row.category]?.status ?? 'empty', posted_at: categories.get(settlementId)?.[row.category]?.posted_at ?? null })),
    rejected_lines: rejected,
  };
}

function progressMessage(state: string, lastError: string | null): string {
  switch (state) {
    case 'idle': return 'Not auto-posted yet.';
    case 'posting': return 'Posting to Spruce.';
    case 'waiting_for_spruce': return 'Waiting for Spruce: it is not answering right now. Postings are queued and will continue by themselves when it is back.';
    case 'failed': return `Auto-post stopped: ${lastError ?? 'unknown error'}`;
    case 'completed_with_rejections': return 'Posted, except lines Spruce refused; see the reasons below. Fix them in Spruce and retry, or post them by hand.';
    default: return 'Every line is posted.';
  }
}
