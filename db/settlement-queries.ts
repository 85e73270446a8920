import type { Knex } from 'knex';
import type { DocumentType, LineType, SettlementCategory, SettlementStatus } from '../domain/settlement';
import type { GlLineColumns } from './gl-lines';
import { containsPattern, keysetPageOf, orderBy, type KeysetRequest, type PageRequest } from './list-query';
import type { CategoryRow, SettlementRow } from './settlements';

/**
 * Reads behind the Settlements tab and its files: the dealer's batches, one batch's
 * categories, payments and lines, and the lines an operator posts by hand. Every read names
 * the dealer; a batch of another dealer reads as absent.
 */

type Executor = Knex | Knex.Transaction;

export interface SettlementListRow extends SettlementRow {
  created_at: Date;
  closed_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolved_by_name: string | null;
}

export interface SettlementHeader {
  id: string;
  number: string;
  status: SettlementStatus;
  business_date: string;
}

export interface SettlementCategoryListRow extends CategoryRow {
  posted_by_name: string | null;
}

export interface SettlementLineRow extends GlLineColumns {
  document_type: DocumentType;
  status: 'pending' | 'posted' | 'rejected';
  rejected_reason: string | null;
  erp_posting_id: string | null;
  posted_at: Date | null;
  reverses_line_id: string | null;
}

export type RejectedLineRow = Pick<SettlementLineRow, 'id' | 'category' | 'line_type' | 'document_id' | 'amount_cents' | 'rejected_reason' | 'payment_number'>;

export type PostingFileLineRow = Pick<SettlementLineRow,
  'erp_account_id' | 'erp_job_id' | 'payment_number' | 'amount_cents' | 'document_id' | 'document_type' | 'applied_document_id' | 'gl_account' | 'line_type' | 'idempotency_key'>;

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

export interface SettlementListFilter {
  ids?: string[];
  statuses?: SettlementStatus[];
  q?: string;
  businessDateGte?: string;
  businessDateLte?: string;
  unresolved?: boolean;
}

export interface SettlementLineFilter {
  category?: SettlementCategory;
  statuses?: Array<SettlementLineRow['status']>;
  lineTypes?: LineType[];
}

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

/** Lines in posting order: category, then originals before reversals, then payment and document. */
export const LINE_ORDER = `array_position(array['invoices','credit_adjustments','debit_adjustments']::text[], l.category),
  (l.line_type = 'reversal'), p.number, array_position(array['invoice_payment','statement_discount','terms_discount','unapplied_cash','unapplied_cash_application','credit_application','debit_payment','reversal']::text[], l.line_type),
  l.document_id, l.idempotency_key`;

export const LINE_COLUMNS = [
  'l.id', 'l.category', 'l.line_type', 'l.document_type', 'l.erp_account_id', 'l.erp_job_id', 'l.document_id', 'l.applied_document_id',
  'l.gl_account', 'l.amount_cents', 'l.status', 'l.rejected_reason', 'l.erp_posting_id', 'l.posted_at', 'l.idempotency_key',
  'l.payment_id', 'p.number as payment_number', 'l.reverses_line_id',
];

export async function listSettlementRows(db: Executor, dealerId: string, filter: SettlementListFilter, page: PageRequest): Promise<{ rows: SettlementListRow[]; total: number }> {
  const base = filteredSettlements(db, dealerId, filter);
  const [counted] = await base.clone().count<Array<{ total: string }>>({ total: '*' });
  const total = counted?.total ?? 0;
  const query = base.clone().leftJoin('operator_users as r', 'r.id', 's.resolved_by').select('s.*', 'r.name as resolved_by_name');
  orderBy(query, page.sort, SETTLEMENT_SORTABLE, 's.id');
  const rows: SettlementListRow[] = await query.offset(page.range.start).limit(page.range.end - page.range.start + 1);
  return { rows, total: Number(total) };
}

/** The same rows by keyset, for the public API. */
export async function settlementsAfter(db: Executor, dealerId: string, filter: SettlementListFilter, keyset: KeysetRequest): Promise<{ rows: SettlementListRow[]; hasMore: boolean }> {
  const base = filteredSettlements(db, dealerId, filter).leftJoin('operator_users as r', 'r.id', 's.resolved_by');
  return keysetPageOf<SettlementListRow>(base, ['s.*', 'r.name as resolved_by_name'], 's.id', keyset);
}

function filteredSettlements(db: Executor, dealerId: string, filter: SettlementListFilter): Knex.QueryBuilder {
  const base = db('settlements as s').where('s.dealer_id', dealerId);
  if (filter.ids) base.whereIn('s.id', filter.ids);
  if (filter.statuses) base.whereIn('s.status', filter.statuses);
  if (filter.q) base.whereRaw('lower(s.number) like ?', [containsPattern(filter.q)]);
  if (filter.businessDateGte) base.where('s.business_date', '>=', filter.businessDateGte);
  if (filter.businessDateLte) base.where('s.business_date', '<=', filter.businessDateLte);
  if (filter.unresolved !== undefined) base.where(filter.unresolved ? (q) => q.whereNot('s.status', 'resolved') : (q) => q.where('s.status', 'resolved'));
  return base;
}

export async function findSettlementRow(db: Executor, dealerId: string, settlementId: string): Promise<SettlementListRow | undefined> {
  return db('settlements as s')
    .leftJoin('operator_users as r', 'r.id', 's.resolved_by')
    .where({ 's.id': settlementId, 's.dealer_id': dealerId })
    .first('s.*', 'r.name as resolved_by_name');
}

/** The few fields that name a batch in a file name or a progress answer; undefined when not the dealer's. */
export async function findSettlementHeader(db: Executor, dealerId: string, settlementId: string): Promise<SettlementHeader | undefined> {
  return db('settlements').where({ id: settlementId, dealer_id: dealerId }).first('id', 'number', 'status', 'business_date');
}

/** The categories of the dealer's batches, with who posted each by hand. */
export async function settlementCategoryRows(db: Executor, dealerId: string, settlementIds: string[]): Promise<SettlementCategoryListRow[]> {
  if (settlementIds.length === 0) return [];
  return db('settlement_categories as c')
    .join('settlements as s', 's.id', 'c.settlement_id')
    .leftJoin('operator_users as u', 'u.id', 'c.posted_by')
    .where('s.dealer_id', dealerId)
    .whereIn('c.settlement_id', settlementIds)
    .select('c.*', 'u.name as posted_by_name');
}

/** The first lines of a batch in posting order. */
export async function settlementLineRows(db: Executor, dealerId: string, settlementId: string, limit: number): Promise<SettlementLineRow[]> {
  return db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .where({ 'l.settlement_id': settlementId, 'l.dealer_id': dealerId })
    .orderByRaw(LINE_ORDER)
    .limit(limit)
    .select(LINE_COLUMNS);
}

/** One page of a batch's lines (a batch can hold tens of thousands). */
export async function listSettlementLineRows(db: Executor, dealerId: string, settlementId: string, filter: SettlementLineFilter, range: PageRequest['range']): Promise<{ rows: SettlementLineRow[]; total: number }> {
  const base = db('gl_posting_lines as l').join('payments as p', 'p.id', 'l.payment_id').where({ 'l.settlement_id': settlementId, 'l.dealer_id': dealerId });
  if (filter.category) base.where('l.category', filter.category);
  if (filter.statuses) base.whereIn('l.status', filter.statuses);
  if (filter.lineTypes) base.whereIn('l.line_type', filter.lineTypes);
  const [counted] = await base.clone().count<Array<{ total: string }>>({ total: '*' });
  const total = counted?.total ?? 0;
  const rows: SettlementLineRow[] = await base.clone().orderByRaw(LINE_ORDER).offset(range.start).limit(range.end - range.start + 1).select(LINE_COLUMNS);
  return { rows, total: Number(total) };
}

/** Lines the ERP refused, first in posting order. */
export async function rejectedLineRows(db: Executor, dealerId: string, settlementId: string, limit: number): Promise<RejectedLineRow[]> {
  return db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .where({ 'l.settlement_id': settlementId, 'l.dealer_id': dealerId, 'l.status': 'rejected' })
    .orderByRaw(LINE_ORDER)
    .limit(limit)
    .select('l.id', 'l.category', 'l.line_type', 'l.document_id', 'l.amount_cents', 'l.rejected_reason', 'p.number as payment_number');
}

/** One page of the posting file's lines, in posting order. */
export async function postingFileLineRows(
  db: Executor,
  dealerId: string,
  settlementId: string,
  options: { category?: SettlementCategory; lines: 'unposted' | 'all'; offset: number; limit: number },
): Promise<PostingFileLineRow[]> {
  const query = db('gl_posting_lines as l')
    .join('payments as p', 'p.id', 'l.payment_id')
    .where({ 'l.settlement_id': settlementId, 'l.dealer_id': dealerId })
    .orderByRaw(LINE_ORDER)
    .offset(options.offset)
    .limit(options.limit)
    .select('l.erp_account_id', 'l.erp_job_id', 'p.number as payment_number', 'l.amount_cents', 'l.document_id', 'l.document_type', 'l.applied_document_id', 'l.gl_account', 'l.line_type', 'l.idempotency_key');
  if (options.category) query.where('l.category', options.category);
  if (options.lines === 'unposted') query.whereNot('l.status', 'posted');
  return query;
}

/** Every payment a batch holds or reverses, by number. */
export async function settlementPayments(db: Executor, dealerId: string, settlementId: string): Promise<SettlementPaymentView[]> {
  const rows = await db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .where('p.dealer_id', dealerId)
    .where((q) => q.where('p.settlement_id', settlementId)
      .orWhereIn('p.id', db('gl_posting_lines').where({ settlement_id: settlementId, line_type: 'reversal' }).select('payment_id')))
    .orderBy('p.number')
    .select(
      'p.id', 'p.number', 'p.customer_account_id', 'a.name as account_name', 'a.erp_account_id', 'p.method', 'p.status', 'p.amount_cents', 'p.fee_cents',
      'p.processing_cost_cents', 'p.items_cents', 'p.credits_cents', 'p.discount_cents', 'p.submitted_at', 'p.settled_at', 'p.returned_at',
      'p.moov_transfer_id', 'p.settlement_id',
      db.raw(`exists (select 1 from gl_posting_lines r where r.payment_id = p.id and r.settlement_id = ? and r.line_type = 'reversal') as reversed_here`, [settlementId]),
    );
  return rows.map(({ settlement_id, ...row }: Record<string, any>) => ({ ...row, member: settlement_id === settlementId }) as SettlementPaymentView);
}
