import { Router } from 'express';
import { adjustmentById, adjustmentsAfter, invoiceById, invoicesAfter, statementById, statementsAfter } from '../../db/receivables';
import { customersAfter } from '../../db/customers';
import { domainEventsAfter, publicEvent } from '../../db/domain-events';
import { dealerToday } from '../../db/list-query';
import { findPaymentDetail, paymentsAfter } from '../../db/payment-queries';
import { settlementsAfter } from '../../db/settlement-queries';
import { takesDecision } from '../../domain/failure-decision';
import type { PaymentStatus } from '../../domain/payment-status';
import {
  adjustmentListQuery, customerListQuery, eventListQuery, invoiceListQuery, paymentListQuery, postingFileQuery, settlementListQuery, statementListQuery,
} from '../../contracts/v1/resources';
import { closeSettlementEarly } from '../../services/settlement-close';
import { apiClientOf, requireWriteScope } from '../auth/api-key';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { customerDetail } from '../operator/customers';
import { sendCsv } from '../operator/csv';
import { routeId } from '../operator/list-helpers';
import { POSTING_FILE_COLUMNS, ownSettlement, postingFileRows } from '../operator/settlement-files';
import { settlementDetail, settlementViews } from '../operator/settlement-query';
import { query } from '../validate';
import { documentRoutes } from './documents';
import { idempotentPost } from './idempotency';
import { ingestionRoutes } from './ingestion';
import { decodeCursor, encodeCursor, sendPage } from './paging';

/**
 * /api/v1, the API for dealers' own systems (docs/api-v1.md). Mounted behind the API-key
 * guard; every query is scoped by the key's dealer. Rows are the console's rows (the same
 * store queries and contracts), paged by keyset rather than by offset.
 */
const withDecisionState = <Row extends { status: string; decision_outcome: string | null }>(row: Row) =>
  ({ ...row, needs_decision: takesDecision(row.status as PaymentStatus) && row.decision_outcome == null });

export function publicApiRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();
  const idempotent = idempotentPost(db);

  router.get('/customers', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, customerListQuery);
    const page = await customersAfter(db, dealerId, { status: q.status }, { afterId: decodeCursor('customers', q.starting_after, 'starting_after'), limit: q.limit });
    sendPage(res, 'customers', page, (row) => row.id);
  });

  router.get('/customers/:id', async (req, res) => {
    res.json(await customerDetail(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Customer')));
  });

  router.get('/invoices', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, invoiceListQuery);
    const page = await invoicesAfter(db, dealerId, { customer_account_id: q.customer_id, status: q.status },
      { afterId: decodeCursor('invoices', q.starting_after, 'starting_after'), limit: q.limit }, await dealerToday(db, dealerId));
    sendPage(res, 'invoices', page, (row) => row.id);
  });

  router.get('/invoices/:id', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    res.json(await invoiceById(db, dealerId, routeId(req.params.id, 'Invoice'), await dealerToday(db, dealerId)));
  });

  router.get('/adjustments', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, adjustmentListQuery);
    const page = await adjustmentsAfter(db, dealerId, { customer_account_id: q.customer_id, kind: q.kind, status: q.status },
      { afterId: decodeCursor('adjustments', q.starting_after, 'starting_after'), limit: q.limit });
    sendPage(res, 'adjustments', page, (row) => row.id);
  });

  router.get('/adjustments/:id', async (req, res) => {
    res.json(await adjustmentById(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Adjustment')));
  });

  router.get('/statements', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, statementListQuery);
    const page = await statementsAfter(db, dealerId, { customer_account_id: q.customer_id, status: q.status },
      { afterId: decodeCursor('statements', q.starting_after, 'starting_after'), limit: q.limit });
    sendPage(res, 'statements', page, (row) => row.id);
  });

  router.get('/statements/:id', async (req, res) => {
    res.json(await statementById(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Statement')));
  });

  router.get('/payments', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, paymentListQuery);
    const page = await paymentsAfter(db, dealerId, {
      statuses: q.status, method: q.method, customerAccountId: q.customer_id, settlementId: q.settlement_id, submittedGte: q.submitted_from, submittedLte: q.submitted_to,
    }, { afterId: decodeCursor('payments', q.starting_after, 'starting_after'), limit: q.limit });
    sendPage(res, 'payments', { rows: page.rows.map(withDecisionState), hasMore: page.hasMore }, (row) => row.id);
  });

  router.get('/payments/:id', async (req, res) => {
    const detail = await findPaymentDetail(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Payment'));
    if (!detail) throw notFound('Payment');
    const { payment, applications, events } = detail;
    const { reversed_cents, bank_name: _bank, card_brand: _brand, settlement_number: _number, settlement_status: _status, ...row } = payment;
    res.json({
      ...withDecisionState(row),
      reversed_cents: Number(reversed_cents),
      applications: applications.map((application) => ({
        id: application.id, type: application.item_type, amountCents: application.amount_cents, reversedCents: Number(application.reversed_cents), state: application.state,
        documentId: application.document_uuid, documentNumber: application.invoice_number ?? application.adjustment_number ?? application.statement_number,
        appliedToInvoiceNumber: application.applied_to_invoice_number,
      })),
      timeline: events,
    });
  });

  router.get('/settlements', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, settlementListQuery);
    const page = await settlementsAfter(db, dealerId, { statuses: q.status, businessDateGte: q.business_date_from, businessDateLte: q.business_date_to },
      { afterId: decodeCursor('settlements', q.starting_after, 'starting_after'), limit: q.limit });
    sendPage(res, 'settlements', { rows: await settlementViews(db, dealerId, page.rows), hasMore: page.hasMore }, (row) => row.id);
  });

  router.get('/settlements/:id', async (req, res) => {
    res.json(await settlementDetail(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Settlement')));
  });

  router.get('/settlements/:id/posting-file.csv', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const settlement = await ownSettlement(db, dealerId, routeId(req.params.id, 'Settlement'));
    const options = query(req, postingFileQuery);
    await sendCsv(res, `posting-${settlement.number}.csv`, [...POSTING_FILE_COLUMNS], postingFileRows(db, dealerId, settlement, { lines: options.lines ?? 'unposted' }));
  });

  router.post('/settlements/:id/close', requireWriteScope(), idempotent, async (req, res) => {
    const client = apiClientOf(req);
    const id = routeId(req.params.id, 'Settlement');
    await closeSettlementEarly(deps, { settlementId: id, dealerId: client.dealerId, actor: { kind: 'api_key', id: client.keyId } });
    res.json(await settlementDetail(db, client.dealerId, id));
  });

  router.use(ingestionRoutes(deps));
  router.use(documentRoutes(deps));

  router.get('/events', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const q = query(req, eventListQuery);
    const after = decodeCursor('events', q.after, 'after');
    const rows = await domainEventsAfter(db, dealerId, { afterId: after, limit: q.limit, types: q.type });
    const data = rows.slice(0, q.limit).map(publicEvent);
    const last = data[data.length - 1];
    // A feed is read again later from where it stopped, so the cursor is given on the last page too.
    const position = last?.id ?? after;
    res.json({ data, has_more: rows.length > q.limit, next_cursor: position === undefined ? null : encodeCursor('events', position) });
  });

  return router;
}
