import { Router } from 'express';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { listParams, sendList } from '../simple-rest';
import { asArray, parseFilter, routeId } from './list-helpers';
import { dealerToday } from '../../db/list-query';
import { adjustmentById, invoiceById, listAdjustments, listInvoices, listStatements, statementById } from '../../db/receivables';
import { adjustmentFilter, invoiceFilter, statementFilter } from '../../contracts/operator/receivables';

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
    const { rows, total } = await listInvoices(db, dealerId, {
      ...filter,
      status: filter.status ? asArray(filter.status) : undefined,
      id: filter.id ? asArray(filter.id) : undefined,
    }, params, today);
    sendList(res, 'invoices', rows, params.range, total);
  });

  router.get('/invoices/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const id = routeId(req.params.id, 'Invoice');
    const today = await dealerToday(db, dealerId);
    res.json(await invoiceById(db, dealerId, id, today));
  });

  router.get('/adjustments', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'transaction_date', order: 'DESC' } });
    const filter = parseFilter(adjustmentFilter, params.filter);
    const { rows, total } = await listAdjustments(db, dealerId, {
      ...filter,
      status: filter.status ? asArray(filter.status) : undefined,
      reason: filter.reason ? asArray(filter.reason) : undefined,
      id: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'adjustments', rows, params.range, total);
  });

  router.get('/adjustments/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    res.json(await adjustmentById(db, dealerId, routeId(req.params.id, 'Adjustment')));
  });

  router.get('/statements', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'statement_date', order: 'DESC' } });
    const filter = parseFilter(statementFilter, params.filter);
    const { rows, total } = await listStatements(db, dealerId, {
      ...filter,
      status: filter.status ? asArray(filter.status) : undefined,
      id: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'statements', rows, params.range, total);
  });

  router.get('/statements/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    res.json(await statementById(db, dealerId, routeId(req.params.id, 'Statement')));
  });

  return router;
}

