import { Router } from 'express';
import type { Db } from '../../db/connection';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { adjustmentFilter, invoiceFilter, statementFilter } from '../../contracts/operator/receivables';
import { asArray, parseFilter, routeId } from './list-helpers';
import { containsPattern, dealerToday, pageOf } from '../../db/list-query';

/**
 * What the dealer's customers owe, as the ERP sent it: invoices, credit and debit
 * adjustments, statements. Read-only for operators; changes arrive through the integration.
 */
export function receivableRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/invoices', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'due_date', order: 'ASC' } });
    const filter = parseFilter(invoiceFilter, params.filter);
    const today = await dealerToday(db, dealerId);
    const base = db('invoices as i')
      .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
      .leftJoin('jobs as j', 'j.id', 'i.job_id')
      .where('i.dealer_id', dealerId);
    if (filter.status) base.whereIn('i.status', asArray(filter.status));
    if (filter.customer_account_id) base.where('i.customer_account_id', filter.customer_account_id);
    if (filter.job_id) base.where('i.job_id', filter.job_id);
    if (filter.statement_id) base.where('i.statement_id', filter.statement_id);
    if (filter.id) base.whereIn('i.id', asArray(filter.id));
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
    const { rows, total } = await pageOf<Record<string, unknown>>(base, [...INVOICE_COLUMNS, daysPastDue(db, today)], params, INVOICE_SORTABLE, 'i.id');
    sendList(res, 'invoices', rows, params.range, total);
  });

  router.get('/invoices/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const id = routeId(req.params.id, 'Invoice');
    const today = await dealerToday(db, dealerId);
    const invoice = await db('invoices as i')
      .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
      .leftJoin('jobs as j', 'j.id', 'i.job_id')
      .leftJoin('statements as st', 'st.id', 'i.statement_id')
      .where({ 'i.dealer_id': dealerId, 'i.id': id })
      .first([...INVOICE_COLUMNS, daysPastDue(db, today), 'st.statement_number', 'i.created_at', 'i.updated_at']);
    if (!invoice) throw notFound('Invoice');
    res.json({ ...invoice, payments: await applicationsOf(db, dealerId, 'invoice_id', id) });
  });

  router.get('/adjustments', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'transaction_date', order: 'DESC' } });
    const filter = parseFilter(adjustmentFilter, params.filter);
    const base = db('adjustments as a')
      .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
      .leftJoin('jobs as j', 'j.id', 'a.job_id')
      .where('a.dealer_id', dealerId);
    if (filter.kind) base.where('a.kind', filter.kind);
    if (filter.status) base.whereIn('a.status', asArray(filter.status));
    if (filter.reason) base.whereIn('a.reason', asArray(filter.reason));
    if (filter.customer_account_id) base.where('a.customer_account_id', filter.customer_account_id);
    if (filter.id) base.whereIn('a.id', asArray(filter.id));
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      base.where((where) => where.whereRaw('lower(a.adjustment_number) like ?', [pattern]).orWhereRaw('lower(a.description) like ?', [pattern]).orWhereRaw('lower(a.applies_to_invoice_number) like ?', [pattern]));
    }
    const { rows, total } = await pageOf(base, ADJUSTMENT_COLUMNS, params, ADJUSTMENT_SORTABLE, 'a.id');
    sendList(res, 'adjustments', rows, params.range, total);
  });

  router.get('/adjustments/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const id = routeId(req.params.id, 'Adjustment');
    const adjustment = await db('adjustments as a')
      .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
      .leftJoin('jobs as j', 'j.id', 'a.job_id')
      .where({ 'a.dealer_id': dealerId, 'a.id': id })
      .first([...ADJUSTMENT_COLUMNS, 'a.created_at', 'a.updated_at']);
    if (!adjustment) throw notFound('Adjustment');
    res.json({ ...adjustment, payments: await applicationsOf(db, dealerId, 'adjustment_id', id) });
  });

  router.get('/statements', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'statement_date', order: 'DESC' } });
    const filter = parseFilter(statementFilter, params.filter);
    const base = db('statements as st').join('customer_accounts as ca', 'ca.id', 'st.customer_account_id').where('st.dealer_id', dealerId);
    if (filter.status) base.whereIn('st.status', asArray(filter.status));
    if (filter.customer_account_id) base.where('st.customer_account_id', filter.customer_account_id);
    if (filter.id) base.whereIn('st.id', asArray(filter.id));
    if (filter.q) base.whereRaw('lower(st.statement_number) like ?', [containsPattern(filter.q)]);
    const { rows, total } = await pageOf(base, STATEMENT_COLUMNS, params, STATEMENT_SORTABLE, 'st.id');
    sendList(res, 'statements', rows, params.range, total);
  });

  router.get('/statements/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const id = routeId(req.params.id, 'Statement');
    const statement = await db('statements as st')
      .join('customer_accounts as ca', 'ca.id', 'st.customer_account_id')
      .where({ 'st.dealer_id': dealerId, 'st.id': id })
      .first(STATEMENT_COLUMNS);
    if (!statement) throw notFound('Statement');
    const items = await db('statement_items as si')
      .leftJoin('invoices as i', 'i.id', 'si.invoice_id')
      .leftJoin('adjustments as a', 'a.id', 'si.adjustment_id')
      .where({ 'si.dealer_id': dealerId, 'si.statement_id': id })
      .orderBy('si.id')
      .select('si.id', 'si.item_type', 'si.amount_cents', 'si.invoice_id', 'si.adjustment_id', db.raw('coalesce(i.invoice_number, a.adjustment_number) as document_number'), db.raw('coalesce(i.due_date, a.due_date) as due_date'));
    res.json({ ...statement, items });
  });

  return router;
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

/** Days past due in the dealer's office today; zero for anything not open or not yet due. */
function daysPastDue(db: Db, today: string) {
  return db.raw(`case when i.status in ('open', 'partially_paid') and i.balance_cents > 0 and i.due_date < ?::date then ?::date - i.due_date else 0 end as days_past_due`, [today, today]);
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

/** Payments that applied money to one item, newest first. */
async function applicationsOf(db: Db, dealerId: string, column: 'invoice_id' | 'adjustment_id', id: string) {
  return db('payment_applications as pa')
    .join('payments as p', 'p.id', 'pa.payment_id')
    .where({ 'pa.dealer_id': dealerId, [`pa.${column}`]: id })
    .orderBy('p.submitted_at', 'desc')
    .select('pa.id', 'pa.amount_cents', 'pa.state', 'pa.item_type', 'p.id as payment_id', 'p.number as payment_number', 'p.status as payment_status', 'p.method', 'p.submitted_at');
}
