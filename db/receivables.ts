import type { Knex } from 'knex';
import { refuseNotFound } from '../domain/refusal';
import type { Db } from './connection';
import { containsPattern, keysetPageOf, pageOf, type KeysetRequest, type PageRequest } from './list-query';

/**
 * What a dealer's customers owe, as the ERP sent it: invoices, credit and debit adjustments,
 * statements, each with the payments applied to it. Read-only here; the integration writes.
 */
type Executor = Db | Knex.Transaction;
type Page<Row> = { rows: Row[]; total: number };

export interface InvoiceRow {
  id: string;
  invoice_number: string;
  invoice_date: string;
  due_date: string;
  amount_cents: number;
  balance_cents: number;
  reserved_cents: number;
  status: 'open' | 'partially_paid' | 'paid' | 'void';
  po_number: string | null;
  customer_account_id: string;
  customer_name: string;
  erp_account_id: string;
  job_id: string | null;
  job_name: string | null;
  erp_job_id: string | null;
  statement_id: string | null;
  /** Days past due in the dealer's office today; zero for anything not open or not yet due. */
  days_past_due: number;
}

export interface InvoiceFilter {
  q?: string;
  status?: InvoiceRow['status'][];
  customer_account_id?: string;
  job_id?: string;
  statement_id?: string;
  id?: string[];
  due_date_gte?: string;
  due_date_lte?: string;
  past_due?: boolean;
}

const INVOICE_COLUMNS = [
  'i.id', 'i.invoice_number', 'i.invoice_date', 'i.due_date', 'i.amount_cents', 'i.balance_cents', 'i.reserved_cents', 'i.status', 'i.po_number',
  'i.customer_account_id', 'ca.name as customer_name', 'ca.erp_account_id', 'i.job_id', 'j.name as job_name', 'j.erp_job_id', 'i.statement_id',
];

const INVOICE_SORTABLE = {
  invoice_number: 'i.invoice_number',
  invoice_date: 'i.invoice_date',
  due_date: 'i.due_date',
  amount_cents: 'i.amount_cents',
  balance_cents: 'i.balance_cents',
  status: 'i.status',
  po_number: 'i.po_number',
  customer_name: 'lower(ca.name)',
  erp_account_id: 'ca.erp_account_id',
  job_name: 'lower(j.name)',
};

function daysPastDue(db: Executor, today: string) {
  return db.raw(`case when i.status in ('open', 'partially_paid') and i.balance_cents > 0 and i.due_date < ?::date then ?::date - i.due_date else 0 end as days_past_due`, [today, today]);
}

/** `today` is the dealer's calendar date (`dealerToday`): past due flips at midnight in its office. */
export async function listInvoices(db: Executor, dealerId: string, filter: InvoiceFilter, page: PageRequest, today: string): Promise<Page<InvoiceRow>> {
  return pageOf<InvoiceRow>(filteredInvoices(db, dealerId, filter, today), [...INVOICE_COLUMNS, daysPastDue(db, today)], page, INVOICE_SORTABLE, 'i.id');
}

/** The same rows by keyset, for the public API. */
export async function invoicesAfter(db: Executor, dealerId: string, filter: InvoiceFilter, keyset: KeysetRequest, today: string): Promise<{ rows: InvoiceRow[]; hasMore: boolean }> {
  return keysetPageOf<InvoiceRow>(filteredInvoices(db, dealerId, filter, today), [...INVOICE_COLUMNS, daysPastDue(db, today)], 'i.id', keyset);
}

function filteredInvoices(db: Executor, dealerId: string, filter: InvoiceFilter, today: string): Knex.QueryBuilder {
  const base = db('invoices as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .leftJoin('jobs as j', 'j.id', 'i.job_id')
    .where('i.dealer_id', dealerId);
  if (filter.status) base.whereIn('i.status', filter.status);
  if (filter.customer_account_id) base.where('i.customer_account_id', filter.customer_account_id);
  if (filter.job_id) base.where('i.job_id', filter.job_id);
  if (filter.statement_id) base.where('i.statement_id', filter.statement_id);
  if (filter.id) base.whereIn('i.id', filter.id);
  if (filter.due_date_gte) base.where('i.due_date', '>=', filter.due_date_gte);
  if (filter.due_date_lte) base.where('i.due_date', '<=', filter.due_date_lte);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    base.where((where) =>
      where.whereRaw('lower(i.invoice_number) like ?', [pattern]).orWhereRaw('lower(i.po_number) like ?', [pattern]).orWhereRaw('lower(ca.name) like ?', [pattern]).orWhereRaw('lower(ca.erp_account_id) like ?', [pattern]),
    );
  }
  if (filter.past_due !== undefined) {
    const pastDue = `(i.status in ('open', 'partially_paid') and i.balance_cents > 0 and i.due_date < ?::date)`;
    base.whereRaw(filter.past_due ? pastDue : `not ${pastDue}`, [today]);
  }
  return base;
}

/** A payment's application of money to one invoice or adjustment. */
export interface AppliedPaymentRow {
  id: string;
  amount_cents: number;
  state: string;
  item_type: string;
  payment_id: string;
  payment_number: string;
  payment_status: string;
  method: string;
  submitted_at: Date;
}

export type InvoiceDetail = InvoiceRow & { statement_number: string | null; created_at: Date; updated_at: Date; payments: AppliedPaymentRow[] };

export async function invoiceById(db: Executor, dealerId: string, id: string, today: string): Promise<InvoiceDetail> {
  const invoice = await db('invoices as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .leftJoin('jobs as j', 'j.id', 'i.job_id')
    .leftJoin('statements as st', 'st.id', 'i.statement_id')
    .where({ 'i.dealer_id': dealerId, 'i.id': id })
    .first([...INVOICE_COLUMNS, daysPastDue(db, today), 'st.statement_number', 'i.created_at', 'i.updated_at']);
  if (!invoice) throw refuseNotFound('Invoice');
  return { ...invoice, payments: await applicationsOf(db, dealerId, 'invoice_id', id) };
}

export interface AdjustmentRow {
  id: string;
  adjustment_number: string;
  kind: 'credit' | 'debit';
  reason: string;
  voucher_id: string | null;
  applies_to_invoice_number: string | null;
  transaction_date: string;
  due_date: string | null;
  amount_cents: number;
  balance_cents: number;
  reserved_cents: number;
  status: 'open' | 'partially_applied' | 'applied' | 'void';
  description: string | null;
  currency: string;
  customer_account_id: string;
  customer_name: string;
  erp_account_id: string;
  job_id: string | null;
  job_name: string | null;
  statement_id: string | null;
}

export interface AdjustmentFilter {
  q?: string;
  kind?: AdjustmentRow['kind'];
  status?: AdjustmentRow['status'][];
  reason?: string[];
  customer_account_id?: string;
  id?: string[];
}

const ADJUSTMENT_COLUMNS = [
  'a.id', 'a.adjustment_number', 'a.kind', 'a.reason', 'a.voucher_id', 'a.applies_to_invoice_number', 'a.transaction_date', 'a.due_date',
  'a.amount_cents', 'a.balance_cents', 'a.reserved_cents', 'a.status', 'a.description', 'a.currency',
  'a.customer_account_id', 'ca.name as customer_name', 'ca.erp_account_id', 'a.job_id', 'j.name as job_name', 'a.statement_id',
];

const ADJUSTMENT_SORTABLE = {
  adjustment_number: 'a.adjustment_number',
  kind: 'a.kind',
  reason: 'a.reason',
  transaction_date: 'a.transaction_date',
  due_date: 'a.due_date',
  amount_cents: 'a.amount_cents',
  balance_cents: 'a.balance_cents',
  status: 'a.status',
  customer_name: 'lower(ca.name)',
};

export async function listAdjustments(db: Executor, dealerId: string, filter: AdjustmentFilter, page: PageRequest): Promise<Page<AdjustmentRow>> {
  return pageOf<AdjustmentRow>(filteredAdjustments(db, dealerId, filter), ADJUSTMENT_COLUMNS, page, ADJUSTMENT_SORTABLE, 'a.id');
}

export async function adjustmentsAfter(db: Executor, dealerId: string, filter: AdjustmentFilter, keyset: KeysetRequest): Promise<{ rows: AdjustmentRow[]; hasMore: boolean }> {
  return keysetPageOf<AdjustmentRow>(filteredAdjustments(db, dealerId, filter), ADJUSTMENT_COLUMNS, 'a.id', keyset);
}

function filteredAdjustments(db: Executor, dealerId: string, filter: AdjustmentFilter): Knex.QueryBuilder {
  const base = db('adjustments as a')
    .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .where('a.dealer_id', dealerId);
  if (filter.kind) base.where('a.kind', filter.kind);
  if (filter.status) base.whereIn('a.status', filter.status);
  if (filter.reason) base.whereIn('a.reason', filter.reason);
  if (filter.customer_account_id) base.where('a.customer_account_id', filter.customer_account_id);
  if (filter.id) base.whereIn('a.id', filter.id);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    base.where((where) => where.whereRaw('lower(a.adjustment_number) like ?', [pattern]).orWhereRaw('lower(a.description) like ?', [pattern]).orWhereRaw('lower(a.applies_to_invoice_number) like ?', [pattern]));
  }
  return base;
}

export type AdjustmentDetail = AdjustmentRow & { created_at: Date; updated_at: Date; payments: AppliedPaymentRow[] };

export async function adjustmentById(db: Executor, dealerId: string, id: string): Promise<AdjustmentDetail> {
  const adjustment = await db('adjustments as a')
    .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .where({ 'a.dealer_id': dealerId, 'a.id': id })
    .first([...ADJUSTMENT_COLUMNS, 'a.created_at', 'a.updated_at']);
  if (!adjustment) throw refuseNotFound('Adjustment');
  return { ...adjustment, payments: await applicationsOf(db, dealerId, 'adjustment_id', id) };
}

export interface StatementRow {
  id: string;
  statement_number: string;
  statement_date: string;
  balance_cents: number;
  discount_cents: number;
  discount_date: string | null;
  due_date: string | null;
  status: 'open' | 'paid' | 'closed';
  customer_account_id: string;
  customer_name: string;
  erp_account_id: string;
}

export interface StatementFilter {
  q?: string;
  status?: StatementRow['status'][];
  customer_account_id?: string;
  id?: string[];
}

const STATEMENT_COLUMNS = [
  'st.id', 'st.statement_number', 'st.statement_date', 'st.balance_cents', 'st.discount_cents', 'st.discount_date', 'st.due_date', 'st.status',
  'st.customer_account_id', 'ca.name as customer_name', 'ca.erp_account_id',
];

const STATEMENT_SORTABLE = {
  statement_number: 'st.statement_number',
  statement_date: 'st.statement_date',
  due_date: 'st.due_date',
  discount_date: 'st.discount_date',
  balance_cents: 'st.balance_cents',
  discount_cents: 'st.discount_cents',
  status: 'st.status',
  customer_name: 'lower(ca.name)',
};

export async function listStatements(db: Executor, dealerId: string, filter: StatementFilter, page: PageRequest): Promise<Page<StatementRow>> {
  return pageOf<StatementRow>(filteredStatements(db, dealerId, filter), STATEMENT_COLUMNS, page, STATEMENT_SORTABLE, 'st.id');
}

export async function statementsAfter(db: Executor, dealerId: string, filter: StatementFilter, keyset: KeysetRequest): Promise<{ rows: StatementRow[]; hasMore: boolean }> {
  return keysetPageOf<StatementRow>(filteredStatements(db, dealerId, filter), STATEMENT_COLUMNS, 'st.id', keyset);
}

function filteredStatements(db: Executor, dealerId: string, filter: StatementFilter): Knex.QueryBuilder {
  const base = db('statements as st').join('customer_accounts as ca', 'ca.id', 'st.customer_account_id').where('st.dealer_id', dealerId);
  if (filter.status) base.whereIn('st.status', filter.status);
  if (filter.customer_account_id) base.where('st.customer_account_id', filter.customer_account_id);
  if (filter.id) base.whereIn('st.id', filter.id);
  if (filter.q) base.whereRaw('lower(st.statement_number) like ?', [containsPattern(filter.q)]);
  return base;
}

export interface StatementItemRow {
  id: string;
  item_type: string;
  amount_cents: number;
  invoice_id: string | null;
  adjustment_id: string | null;
  document_number: string | null;
  due_date: string | null;
}

export type StatementDetail = StatementRow & { items: StatementItemRow[] };

export async function statementById(db: Executor, dealerId: string, id: string): Promise<StatementDetail> {
  const statement = await db('statements as st')
    .join('customer_accounts as ca', 'ca.id', 'st.customer_account_id')
    .where({ 'st.dealer_id': dealerId, 'st.id': id })
    .first(STATEMENT_COLUMNS);
  if (!statement) throw refuseNotFound('Statement');
  const items = await db('statement_items as si')
    .leftJoin('invoices as i', 'i.id', 'si.invoice_id')
    .leftJoin('adjustments as a', 'a.id', 'si.adjustment_id')
    .where({ 'si.dealer_id': dealerId, 'si.statement_id': id })
    .orderBy('si.id')
    .select('si.id', 'si.item_type', 'si.amount_cents', 'si.invoice_id', 'si.adjustment_id', db.raw('coalesce(i.invoice_number, a.adjustment_number) as document_number'), db.raw('coalesce(i.due_date, a.due_date) as due_date'));
  return { ...statement, items };
}

/** Payments that applied money to one item, newest first. */
async function applicationsOf(db: Executor, dealerId: string, column: 'invoice_id' | 'adjustment_id', id: string): Promise<AppliedPaymentRow[]> {
  return db('payment_applications as pa')
    .join('payments as p', 'p.id', 'pa.payment_id')
    .where({ 'pa.dealer_id': dealerId, [`pa.${column}`]: id })
    .orderBy('p.submitted_at', 'desc')
    .select('pa.id', 'pa.amount_cents', 'pa.state', 'pa.item_type', 'p.id as payment_id', 'p.number as payment_number', 'p.status as payment_status', 'p.method', 'p.submitted_at');
}
