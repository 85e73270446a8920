import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { centsToDecimal } from '../../domain/money';
import { DECISION_STATUSES, takesDecision } from '../../domain/failure-decision';
import { operatorActions, type PaymentStatus } from '../../domain/payment-status';
import { paymentFilter as filterSchema, reasonBody, releaseBody, resolveDisputeBody as resolveBody } from '../../contracts/operator/payments';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { runPaymentAction, type PaymentAction } from '../payment-workflow-client';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { sendCsv } from './csv';
import { asArray, parseFilter, routeId } from './list-helpers';
import { containsPattern, pageOf } from '../../db/list-query';

const EXPORT_PAGE_ROWS = 1000;

/**
 * Incoming Payments: the list reads the PostgreSQL read model (never Temporal); review
 * actions go to the payment's workflow as updates, whose validators refuse illegal moves.
 */

const SORTABLE = {
  submitted_at: 'p.submitted_at', amount_cents: 'p.amount_cents', status: 'p.status', number: 'p.number',
  payer: 'lower(c.name)', account_name: 'lower(a.name)', method: 'p.method', settled_at: 'p.settled_at', decision_at: 'fd.decided_at',
};

const COLUMNS = [
  'p.id', 'p.number', 'p.status', 'p.method', 'p.card_funding', 'p.amount_cents', 'p.items_cents', 'p.credits_cents', 'p.discount_cents',
  'p.fee_cents', 'p.processing_cost_cents', 'p.submitted_at', 'p.settled_at', 'p.returned_at', 'p.needs_investigation', 'p.return_code',
  'p.failure_reason', 'p.hold_reason', 'p.settlement_id', 'p.customer_account_id', 'p.workflow_id', 'p.moov_transfer_id', 'p.moov_status',
  'a.name as account_name', 'a.erp_account_id', 'c.name as payer', 'pm.label as method_label', 'pm.last4 as method_last4',
  // The standing decision on a failed, returned or disputed payment (none while it needs one).
  'fd.outcome as decision_outcome', 'fd.note as decision_note', 'fd.decided_at as decision_at', 'fdo.name as decision_by',
];

/** Whether a row still waits for an operator's decision; computed here so list and detail agree. */
const withDecisionState = <Row extends Record<string, any>>(row: Row) => ({ ...row, needs_decision: takesDecision(row.status) && row.decision_outcome == null });

function filtered(db: Db, dealerId: string, rawFilter: Record<string, unknown>, timeZone: string): Knex.QueryBuilder {
  const filter = parseFilter(filterSchema, rawFilter);
  const query = db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .leftJoin('payment_failure_decisions as fd', (join) => join.on('fd.payment_id', 'p.id').andOnNull('fd.superseded_at'))
    .leftJoin('operator_users as fdo', 'fdo.id', 'fd.operator_id')
    .where('p.dealer_id', dealerId);
  if (filter.id) query.whereIn('p.id', asArray(filter.id));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.where((q) => q.whereRaw('lower(c.name) like ?', [pattern]).orWhereRaw('lower(a.name) like ?', [pattern])
      .orWhereRaw('lower(a.erp_account_id) like ?', [pattern]).orWhereRaw('lower(p.number) like ?', [pattern]));
  }
  if (filter.status) query.whereIn('p.status', asArray(filter.status));
  if (filter.method) query.where('p.method', filter.method);
  if (filter.customer_account_id) query.where('p.customer_account_id', filter.customer_account_id);
  if (filter.settlement_id) query.where('p.settlement_id', filter.settlement_id);
  if (filter.needs_investigation !== undefined) query.where('p.needs_investigation', filter.needs_investigation);
  if (filter.needs_decision === true) query.whereIn('p.status', DECISION_STATUSES).whereNull('fd.id');
  if (filter.needs_decision === false) query.where((q) => q.whereNotIn('p.status', DECISION_STATUSES).orWhereNotNull('fd.id'));
  if (filter.needs_attention) query.where((q) => q.whereIn('p.status', ['frozen', 'returned', 'disputed']).orWhere('p.needs_investigation', true));
  // Date filters are the dealer's calendar days, not UTC's.
  if (filter.submitted_gte) query.whereRaw('(p.submitted_at at time zone ?)::date >= ?', [timeZone, filter.submitted_gte]);
  if (filter.submitted_lte) query.whereRaw('(p.submitted_at at time zone ?)::date <= ?', [timeZone, filter.submitted_lte]);
  if (filter.amount_gte !== undefined) query.where('p.amount_cents', '>=', filter.amount_gte);
  if (filter.amount_lte !== undefined) query.where('p.amount_cents', '<=', filter.amount_lte);
  return query;
}

export function paymentRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const timeZoneOf = async (dealerId: string) => (await db('dealers').where({ id: dealerId }).first('time_zone')).time_zone as string;

  router.get('/payments', async (req, res) => {
    const operator = operatorOf(req);
    const params = listParams(req, { sort: { field: 'submitted_at', order: 'DESC' } });
    const base = filtered(db, operator.dealerId, params.filter, await timeZoneOf(operator.dealerId));
    const { rows, total } = await pageOf<Record<string, unknown>>(base, COLUMNS, params, SORTABLE, 'p.id');
    sendList(res, 'payments', rows.map(withDecisionState), params.range, total);
  });

  router.get('/payments/volume', async (req, res) => {
    const operator = operatorOf(req);
    const days = z.coerce.number().int().min(1).max(366).default(30).parse(req.query.days ?? undefined);
    const timeZone = await timeZoneOf(operator.dealerId);
    const rows = await db.raw(
      `select d::date as day, coalesce(sum(p.amount_cents), 0)::bigint as amount_cents, count(p.id)::int as count
         from generate_series((now() at time zone ?)::date - (? - 1), (now() at time zone ?)::date, interval '1 day') d
         left join payments p on p.dealer_id = ? and (p.submitted_at at time zone ?)::date = d::date and p.status not in ('failed', 'terminated')
        group by d order by d`,
      [timeZone, days, timeZone, operator.dealerId, timeZone],
    );
    res.json(rows.rows.map((row: Record<string, unknown>) => ({ day: String(row.day).slice(0, 10), amountCents: row.amount_cents, count: row.count })));
  });

  router.get('/payments/export.csv', async (req, res) => {
    const operator = operatorOf(req);
    const params = listParams(req, { sort: { field: 'submitted_at', order: 'DESC' } });
    const query = filtered(db, operator.dealerId, params.filter, await timeZoneOf(operator.dealerId)).select(COLUMNS).orderBy('p.submitted_at', 'desc').orderBy('p.id', 'desc');
    // Pages rather than knex's .stream(): that needs pg-query-stream, which is not installed, and
    // without it the download never answered.
    async function* pages() {
      for (let offset = 0; ; offset += EXPORT_PAGE_ROWS) {
        const page: Array<Record<string, any>> = await query.clone().limit(EXPORT_PAGE_ROWS).offset(offset);
        yield* page;
        if (page.length < EXPORT_PAGE_ROWS) return;
      }
    }
    async function* rows() {
      for await (const row of pages()) {
        yield [row.number, row.payer, row.account_name, row.erp_account_id, row.method, row.status, centsToDecimal(Number(row.amount_cents)),
          centsToDecimal(Number(row.fee_cents)), centsToDecimal(Number(row.discount_cents)), new Date(row.submitted_at).toISOString(), row.settled_at ? new Date(row.settled_at).toISOString() : ''];
      }
    }
    await sendCsv(res, 'payments.csv', ['payment', 'payer', 'account', 'account_id', 'method', 'status', 'amount', 'fee', 'discount', 'submitted_at', 'settled_at'], rows());
  });

  router.get('/payments/:id', async (req, res) => {
    const operator = operatorOf(req);
    res.json(await paymentDetail(db, operator.dealerId, routeId(req.params.id, 'Payment'), config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE));
  });

  // Every review action goes through runPaymentAction, whose one mapping turns any refusal into a 409.
  const action = (path: PaymentAction, schema: z.ZodType<{ reason?: string; outcome?: 'upheld' | 'refunded' }>) => {
    router.post(`/payments/:id/${path}`, async (req, res) => {
      const operator = operatorOf(req);
      const id = routeId(req.params.id, 'Payment');
      const payment = await db('payments').where({ id, dealer_id: operator.dealerId }).first('id');
      if (!payment) throw notFound('Payment');
      const payload = body(req, schema);
      const request = { actorId: operator.id, reason: payload.reason };
      if (path === 'resolve-dispute') await runPaymentAction(temporal, id, 'resolve-dispute', { ...request, outcome: payload.outcome! });
      else await runPaymentAction(temporal, id, path, request);
      res.json(await paymentDetail(db, operator.dealerId, id, config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE));
    });
  };
  action('freeze', reasonBody);
  action('release', releaseBody);
  action('terminate', reasonBody);
  action('dispute', reasonBody);
  action('resolve-dispute', resolveBody);

  return router;
}

export async function paymentDetail(db: Db, dealerId: string, id: string, temporalUiUrl: string, namespace: string) {
  const payment = await db('payments as p')
    .join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .leftJoin('settlements as s', 's.id', 'p.settlement_id')
    .leftJoin('payment_failure_decisions as fd', (join) => join.on('fd.payment_id', 'p.id').andOnNull('fd.superseded_at'))
    .leftJoin('operator_users as fdo', 'fdo.id', 'fd.operator_id')
    .where({ 'p.id': id, 'p.dealer_id': dealerId })
    .first(...COLUMNS, 'pm.bank_name', 'pm.card_brand', 's.number as settlement_number', 's.status as settlement_status');
  if (!payment) throw notFound('Payment');
  const [applications, events, posted, decisions] = await Promise.all([
    db('payment_applications as pa')
      .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
      .leftJoin('adjustments as ad', 'ad.id', 'pa.adjustment_id')
      .leftJoin('statements as st', 'st.id', 'pa.statement_id')
      .leftJoin('invoices as ai', 'ai.id', 'pa.applied_to_invoice_id')
      .where('pa.payment_id', id)
      .orderBy('pa.id')
      .select('pa.id', 'pa.item_type', 'pa.amount_cents', 'pa.state', 'i.invoice_number', 'ad.adjustment_number', 'st.statement_number', 'ai.invoice_number as applied_to_invoice_number',
        db.raw('coalesce(i.id, ad.id, st.id) as document_uuid')),
    // Who acted, by name: the operator of this dealer or the customer's portal user.
    db('payment_events as e')
      .leftJoin('operator_users as eo', (join) => join.on(db.raw('eo.id::text = e.actor_id')).andOnVal('e.actor_kind', '=', 'operator').andOnVal('eo.dealer_id', '=', dealerId))
      .leftJoin('portal_users as eu', (join) => join.on(db.raw('eu.id::text = e.actor_id')).andOnVal('e.actor_kind', '=', 'customer'))
      .where('e.payment_id', id)
      .orderBy([{ column: 'e.at' }, { column: 'e.id' }])
      .select('e.from_status', 'e.to_status', 'e.event', 'e.actor_kind', 'e.actor_id', db.raw('coalesce(eo.name, eu.name) as actor_name'), 'e.reason', 'e.at'),
    db('gl_posting_lines').where({ payment_id: id, status: 'posted' }).first('id'),
    db('payment_failure_decisions as d')
      .join('operator_users as o', 'o.id', 'd.operator_id')
      .where('d.payment_id', id)
      .orderBy([{ column: 'd.decided_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
      .select('d.payment_status', 'd.outcome', 'd.note', 'd.decided_at', 'd.superseded_at', 'o.name as decided_by'),
  ]);
  const status = payment.status as PaymentStatus;
  return {
    ...withDecisionState(payment),
    /** Every decision recorded on this payment, newest first; superseded ones answered an earlier status. */
    decisions,
    applications: applications.map((row) => ({
      id: row.id, type: row.item_type, amountCents: row.amount_cents, state: row.state, documentId: row.document_uuid,
      documentNumber: row.invoice_number ?? row.adjustment_number ?? row.statement_number, appliedToInvoiceNumber: row.applied_to_invoice_number,
    })),
    timeline: events,
    actions: operatorActions(status, { posted: Boolean(posted) }),
    workflowUrl: `${temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(payment.workflow_id)}`,
  };
}

