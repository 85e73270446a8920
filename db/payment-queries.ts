import type { Knex } from 'knex';
import { DECISION_STATUSES } from '../domain/failure-decision';
import type { PaymentStatus } from '../domain/payment-status';
import { containsPattern, dealerTimeZone, keysetPageOf, pageOf, type KeysetRequest, type PageRequest } from './list-query';
import { joinApplicationItems } from './application-items';

/**
 * Reads behind Incoming Payments: the dealer's filtered list (and its CSV export), the daily
 * volume chart, and one payment with its applications, timeline and decisions. The list reads
 * the PostgreSQL read model, never Temporal.
 */

type Executor = Knex | Knex.Transaction;

export interface PaymentListFilter {
  ids?: string[];
  /** Payer, account name, account id or payment number contains this. */
  q?: string;
  statuses?: PaymentStatus[];
  method?: 'ach' | 'card';
  customerAccountId?: string;
  settlementId?: string;
  needsInvestigation?: boolean;
  needsAttention?: boolean;
  needsDecision?: boolean;
  /** Calendar days in the dealer's time zone. */
  submittedGte?: string;
  submittedLte?: string;
  amountGte?: number;
  amountLte?: number;
}

export interface PaymentListRow {
  id: string;
  number: string;
  status: PaymentStatus;
  method: 'ach' | 'card';
  card_funding: string | null;
  amount_cents: number;
  items_cents: number;
  credits_cents: number;
  discount_cents: number;
  on_account_cents: number;
  paid_elsewhere_cents: number;
  fee_cents: number;
  processing_cost_cents: number;
  submitted_at: Date;
  settled_at: Date | null;
  returned_at: Date | null;
  needs_investigation: boolean;
  return_code: string | null;
  failure_reason: string | null;
  hold_reason: string | null;
  settlement_id: string | null;
  customer_account_id: string;
  workflow_id: string;
  moov_transfer_id: string | null;
  moov_status: string | null;
  account_name: string;
  erp_account_id: string;
  payer: string;
  method_label: string | null;
  method_last4: string | null;
  decision_outcome: string | null;
  decision_note: string | null;
  decision_at: Date | null;
  decision_by: string | null;
}

export interface PaymentDetailRow extends PaymentListRow {
  reversed_cents: number | string;
  bank_name: string | null;
  card_brand: string | null;
  settlement_number: string | null;
  settlement_status: string | null;
}

export interface PaymentApplicationRow {
  id: number;
  item_type: string;
  amount_cents: number;
  reversed_cents: number;
  state: string;
  invoice_number: string | null;
  adjustment_number: string | null;
  statement_number: string | null;
  applied_to_invoice_number: string | null;
  document_uuid: string | null;
}

export interface PaymentEventRow {
  from_status: string | null;
  to_status: string | null;
  event: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  reason: string | null;
  at: Date;
}

export interface PaymentDecisionRow {
  payment_status: string;
  outcome: string;
  note: string | null;
  decided_at: Date;
  superseded_at: Date | null;
  decided_by: string;
}

export interface PaymentVolumeRow {
  day: Date | string;
  amount_cents: number;
  count: number;
}

export const PAYMENT_SORTABLE = {
  submitted_at: 'p.submitted_at', amount_cents: 'p.amount_cents', status: 'p.status', number: 'p.number',
  payer: 'lower(c.name)', account_name: 'lower(a.name)', method: 'p.method', settled_at: 'p.settled_at', decision_at: 'fd.decided_at',
};

const COLUMNS = [
  'p.id', 'p.number', 'p.status', 'p.method', 'p.card_funding', 'p.amount_cents', 'p.items_cents', 'p.credits_cents', 'p.discount_cents',
  'p.on_account_cents', 'p.paid_elsewhere_cents',
  'p.fee_cents', 'p.processing_cost_cents', 'p.submitted_at', 'p.settled_at', 'p.returned_at', 'p.needs_investigation', 'p.return_code',
  'p.failure_reason', 'p.hold_reason', 'p.settlement_id', 'p.customer_account_id', 'p.workflow_id', 'p.moov_transfer_id', 'p.moov_status',
  'a.name as account_name', 'a.erp_account_id', 'c.name as payer', 'pm.label as method_label', 'pm.last4 as method_last4',
  // The standing decision on a failed, returned or disputed payment (none while it needs one).
  'fd.outcome as decision_outcome', 'fd.note as decision_note', 'fd.decided_at as decision_at', 'fdo.name as decision_by',
];

function filtered(db: Executor, dealerId: string, filter: PaymentListFilter, timeZone: string): Knex.QueryBuilder {
  const query = db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .leftJoin('payment_failure_decisions as fd', (join) => join.on('fd.payment_id', 'p.id').andOnNull('fd.superseded_at'))
    .leftJoin('operator_users as fdo', 'fdo.id', 'fd.operator_id')
    .where('p.dealer_id', dealerId);
  if (filter.ids) query.whereIn('p.id', filter.ids);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.where((q) => q.whereRaw('lower(c.name) like ?', [pattern]).orWhereRaw('lower(a.name) like ?', [pattern])
      .orWhereRaw('lower(a.erp_account_id) like ?', [pattern]).orWhereRaw('lower(p.number) like ?', [pattern]));
  }
  if (filter.statuses) query.whereIn('p.status', filter.statuses);
  if (filter.method) query.where('p.method', filter.method);
  if (filter.customerAccountId) query.where('p.customer_account_id', filter.customerAccountId);
  if (filter.settlementId) query.where('p.settlement_id', filter.settlementId);
  if (filter.needsInvestigation !== undefined) query.where('p.needs_investigation', filter.needsInvestigation);
  if (filter.needsDecision === true) query.whereIn('p.status', DECISION_STATUSES).whereNull('fd.id');
  if (filter.needsDecision === false) query.where((q) => q.whereNotIn('p.status', DECISION_STATUSES).orWhereNotNull('fd.id'));
  if (filter.needsAttention) query.where((q) => q.whereIn('p.status', ['frozen', 'returned', 'disputed', 'charged_back']).orWhere('p.needs_investigation', true));
  // Date filters are the dealer's calendar days, not UTC's.
  if (filter.submittedGte) query.whereRaw('(p.submitted_at at time zone ?)::date >= ?', [timeZone, filter.submittedGte]);
  if (filter.submittedLte) query.whereRaw('(p.submitted_at at time zone ?)::date <= ?', [timeZone, filter.submittedLte]);
  if (filter.amountGte !== undefined) query.where('p.amount_cents', '>=', filter.amountGte);
  if (filter.amountLte !== undefined) query.where('p.amount_cents', '<=', filter.amountLte);
  return query;
}

export async function listPaymentRows(db: Executor, dealerId: string, filter: PaymentListFilter, page: PageRequest): Promise<{ rows: PaymentListRow[]; total: number }> {
  const base = filtered(db, dealerId, filter, await dealerTimeZone(db, dealerId));
  return pageOf<PaymentListRow>(base, COLUMNS, page, PAYMENT_SORTABLE, 'p.id');
}

/** The same rows by keyset, for the public API. */
export async function paymentsAfter(db: Executor, dealerId: string, filter: PaymentListFilter, keyset: KeysetRequest): Promise<{ rows: PaymentListRow[]; hasMore: boolean }> {
  return keysetPageOf<PaymentListRow>(filtered(db, dealerId, filter, await dealerTimeZone(db, dealerId)), COLUMNS, 'p.id', keyset);
}

/**
 * Every filtered payment, newest first, read a page at a time rather than with knex's
 * .stream(): that needs pg-query-stream, which is not installed, and without it a download
 * never answered.
 */
export async function* exportPaymentRows(db: Executor, dealerId: string, filter: PaymentListFilter, pageRows: number): AsyncGenerator<PaymentListRow> {
  const query = filtered(db, dealerId, filter, await dealerTimeZone(db, dealerId)).select(COLUMNS).orderBy('p.submitted_at', 'desc').orderBy('p.id', 'desc');
  for (let offset = 0; ; offset += pageRows) {
    const page: PaymentListRow[] = await query.clone().limit(pageRows).offset(offset);
    yield* page;
    if (page.length < pageRows) return;
  }
}

/** Each of the last `days` dealer-local days with what was submitted (failed and terminated left out). */
export async function paymentVolumeByDay(db: Executor, dealerId: string, days: number): Promise<PaymentVolumeRow[]> {
  const timeZone = await dealerTimeZone(db, dealerId);
  const result = await db.raw<{ rows: PaymentVolumeRow[] }>(
    `select d::date as day, coalesce(sum(p.amount_cents), 0)::bigint as amount_cents, count(p.id)::int as count
       from generate_series((now() at time zone ?)::date - (? - 1), (now() at time zone ?)::date, interval '1 day') d
       left join payments p on p.dealer_id = ? and (p.submitted_at at time zone ?)::date = d::date and p.status not in ('failed', 'terminated')
      group by d order by d`,
    [timeZone, days, timeZone, dealerId, timeZone],
  );
  return result.rows;
}

export async function isDealerPayment(db: Executor, dealerId: string, paymentId: string): Promise<boolean> {
  return Boolean(await db('payments').where({ id: paymentId, dealer_id: dealerId }).first('id'));
}

/**
 * A payment's applications joined to the documents they name (`i` invoice, `ad` adjustment,
 * `st` statement, `ai` the invoice a credit applied to), in the order they were made. The
 * caller has already found the payment in its dealer's or company's scope.
 */
export function applicationsWithDocuments(db: Executor, paymentId: string) {
  return joinApplicationItems(db('payment_applications as pa'))
    .leftJoin('invoices as ai', 'ai.id', 'pa.applied_to_invoice_id')
    .where('pa.payment_id', paymentId)
    .orderBy('pa.id');
}

/** One payment with everything its detail page shows; undefined when not the dealer's. */
export async function findPaymentDetail(db: Executor, dealerId: string, id: string): Promise<{
  payment: PaymentDetailRow; applications: PaymentApplicationRow[]; events: PaymentEventRow[]; posted: boolean; decisions: PaymentDecisionRow[];
} | undefined> {
  const payment: PaymentDetailRow | undefined = await db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .leftJoin('settlements as s', 's.id', 'p.settlement_id')
    .leftJoin('payment_failure_decisions as fd', (join) => join.on('fd.payment_id', 'p.id').andOnNull('fd.superseded_at'))
    .leftJoin('operator_users as fdo', 'fdo.id', 'fd.operator_id')
    .where({ 'p.id': id, 'p.dealer_id': dealerId })
    .first(...COLUMNS, 'p.reversed_cents', 'pm.bank_name', 'pm.card_brand', 's.number as settlement_number', 's.status as settlement_status');
  if (!payment) return undefined;
  const [applications, events, posted, decisions] = await Promise.all([
    applicationsWithDocuments(db, id)
      .select('pa.id', 'pa.item_type', 'pa.amount_cents', 'pa.reversed_cents', 'pa.state', 'i.invoice_number', 'ad.adjustment_number', 'st.statement_number', 'ai.invoice_number as applied_to_invoice_number',
        db.raw('coalesce(i.id, ad.id, st.id) as document_uuid')) as Promise<PaymentApplicationRow[]>,
    // Who acted, by name: the operator of this dealer or the customer's portal user.
    db('payment_events as e')
      .leftJoin('operator_users as eo', (join) => join.on(db.raw('eo.id::text = e.actor_id')).andOnVal('e.actor_kind', '=', 'operator').andOnVal('eo.dealer_id', '=', dealerId))
      .leftJoin('portal_users as eu', (join) => join.on(db.raw('eu.id::text = e.actor_id')).andOnVal('e.actor_kind', '=', 'customer'))
      .where('e.payment_id', id)
      .orderBy([{ column: 'e.at' }, { column: 'e.id' }])
      .select('e.from_status', 'e.to_status', 'e.event', 'e.actor_kind', 'e.actor_id', db.raw('coalesce(eo.name, eu.name) as actor_name'), 'e.reason', 'e.at') as Promise<PaymentEventRow[]>,
    db('gl_posting_lines').where({ payment_id: id, status: 'posted' }).first('id'),
    db('payment_failure_decisions as d')
      .join('operator_users as o', 'o.id', 'd.operator_id')
      .where('d.payment_id', id)
      .orderBy([{ column: 'd.decided_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
      .select('d.payment_status', 'd.outcome', 'd.note', 'd.decided_at', 'd.superseded_at', 'o.name as decided_by') as Promise<PaymentDecisionRow[]>,
  ]);
  return { payment, applications, events, posted: Boolean(posted), decisions };
}
