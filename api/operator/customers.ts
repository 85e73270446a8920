import { Router } from 'express';
import { customerAccountDetail, priorityComponentSamples } from '../../db/customers';
import type { Db } from '../../db/connection';
import { centsToDecimal } from '../../domain/money';
import { bandFor } from '../../domain/collection-priority';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { listParams, sendList } from '../simple-rest';
import { sendCsv } from './csv';
import { priorityBreakdown, priorityPoints } from './priority-breakdown';
import {
  allCustomers,
  assertCustomerSort,
  DEFAULT_CUSTOMER_SORT,
  listCustomers,
  parseCustomerFilter,
  summarizeCustomers,
  type CustomerRow,
} from './customer-query';
import { routeId } from './list-helpers';
import { dealerToday } from '../../db/list-query';

/** Customers Dashboard: list, stats panel, CSV export and one account's summary. */
export function customerRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/customers', async (req, res) => {
    const params = listParams(req, { sort: DEFAULT_CUSTOMER_SORT });
    const { rows, total } = await listCustomers(db, operatorOf(req).dealerId, parseCustomerFilter(params.filter), params);
    sendList(res, 'customers', rows, params.range, total);
  });

  router.get('/customers/summary', async (req, res) => {
    const { filter } = listParams(req);
    res.json(await summarizeCustomers(db, operatorOf(req).dealerId, parseCustomerFilter(filter)));
  });

  router.get('/customers/export.csv', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: DEFAULT_CUSTOMER_SORT });
    // Refuse bad input while a JSON error can still be sent, before the download starts.
    const filter = parseCustomerFilter(params.filter);
    assertCustomerSort(params.sort);
    const componentKeys = await priorityComponentKeys(db, dealerId);
    const today = await dealerToday(db, dealerId);
    async function* rows() {
      for await (const row of allCustomers(db, dealerId, filter, params.sort)) {
        const points = priorityPoints(row.priority_components);
        yield [...exportCells(row), ...componentKeys.map((key) => points[key] ?? '')];
      }
    }
    await sendCsv(res, `customers-${today}.csv`, [...EXPORT_HEADER, ...componentKeys.map((key) => `priority_${key}`)], rows());
  });

  router.get('/customers/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    res.json(await customerDetail(db, dealerId, routeId(req.params.id, 'Customer')));
  });

  return router;
}

const EXPORT_HEADER = [
  'account_name', 'erp_account_id', 'account_type', 'status', 'collection_priority', 'priority_band',
  'outstanding', 'invoices_current', 'invoices_past_due', 'debit_adjustments', 'credit_adjustments', 'discounts',
  'weighted_avg_days_overdue', 'aging_1_30', 'aging_31_60', 'aging_61_90', 'aging_91_plus',
  'open_invoices', 'past_due_invoices', 'credit_limit', 'over_credit_limit', 'invitation_status', 'stats_as_of',
];

/** Money as plain decimals (1234.56) so spreadsheets sum them. */
function exportCells(row: CustomerRow): unknown[] {
  return [
    row.name, row.erp_account_id, row.account_type, row.status, row.collection_priority, bandFor(row.collection_priority),
    centsToDecimal(row.outstanding_cents), centsToDecimal(row.current_cents), centsToDecimal(row.past_due_cents),
    centsToDecimal(row.debit_adjustments_cents), centsToDecimal(row.credit_adjustments_cents), centsToDecimal(row.discounts_cents),
    row.weighted_days_overdue.toFixed(2),
    centsToDecimal(row.aging_1_30_cents), centsToDecimal(row.aging_31_60_cents), centsToDecimal(row.aging_61_90_cents), centsToDecimal(row.aging_91_plus_cents),
    row.open_invoice_count, row.past_due_invoice_count,
    row.credit_limit_cents === null ? '' : centsToDecimal(row.credit_limit_cents), row.over_credit_limit ? 'yes' : 'no',
    row.invitation_status, row.stats_as_of ?? '',
  ];
}

/**
 * Component keys become extra export columns. Every scored account carries the same set, so a
 * sample of rows names them all without reading 50,000 JSON documents.
 */
async function priorityComponentKeys(db: Db, dealerId: string): Promise<string[]> {
  const sample = await priorityComponentSamples(db, dealerId);
  return [...new Set(sample.flatMap((stored) => Object.keys(priorityPoints(stored))))];
}

/** One account's summary: balances, aging, priority and its components, credit, contacts, portal access. */
export async function customerDetail(db: Db, dealerId: string, id: string) {
  const { row, raw, contacts, jobs, invitation, companies, inviteTo } = await customerAccountDetail(db, dealerId, id);
  const limit = row.credit_limit_cents;
  const linkedActive = companies.some((company) => company.status === 'active');
  return {
    ...row,
    priority_band: bandFor(row.collection_priority),
    priority_components: raw.priority_components ?? {},
    priority_breakdown: priorityBreakdown(raw.priority_components),
    stats_computed_at: raw.computed_at ?? null,
    net_ar_cents: row.outstanding_cents + row.debit_adjustments_cents - row.credit_adjustments_cents,
    address: { line1: raw.address_line1, city: raw.city, state: raw.state, postal_code: raw.postal_code },
    phone: raw.phone,
    created_at: raw.created_at,
    credit: {
      limit_cents: limit,
      available_cents: limit === null ? null : limit - row.outstanding_cents,
      // Basis points of the limit in use: 12500 means 125 %.
      utilisation_bps: limit === null || limit === 0 ? null : Math.round((row.outstanding_cents * 10_000) / limit),
    },
    contacts,
    jobs,
    portal_access: {
      state: row.portal_access_disabled ? 'disabled' : linkedActive ? 'active' : invitation && row.invitation_status === 'pending' ? 'invited' : 'not_invited',
      disabled: row.portal_access_disabled,
      invitation: invitation ? { ...invitation, status: row.invitation_status } : null,
      invite_to: inviteTo,
      companies,
    },
  };
}
