import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import type { PriorityBand } from '../../domain/collection-priority';
import { badRequest } from '../errors';
import { asArray, boolFilter, containsPattern, idFilter, oneOrMany, parseFilter, sumCents } from './list-helpers';
import type { ListParams } from '../simple-rest';

/**
 * The Customers Dashboard read model: `customer_accounts` joined with their precomputed
 * `account_stats` and the latest invitation. List, stats panel and CSV export share these
 * filters and this ordering, so the three always describe the same set of accounts.
 */

/** Score ranges of the Collection Priority bands (see domain/collection-priority bandFor). */
export const PRIORITY_BAND_RANGES: Record<PriorityBand, [number, number]> = { act_now: [8, 10], watch: [5, 7], on_track: [2, 4], nothing_to_do: [0, 1] };

export const INVITATION_STATUSES = ['none', 'pending', 'accepted', 'declined', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Aging filter: the account has an open balance in that bucket. */
const AGING_COLUMNS = {
  current: 's.current_cents',
  past_due: 's.past_due_cents',
  '1_30': 's.aging_1_30_cents',
  '31_60': 's.aging_31_60_cents',
  '61_90': 's.aging_61_90_cents',
  '91_plus': 's.aging_91_plus_cents',
} as const;


export const customerFilterSchema = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(['active', 'inactive'])).optional(),
  account_type: oneOrMany(z.string().trim().min(1).max(50)).optional(),
  invitation_status: oneOrMany(z.enum(INVITATION_STATUSES)).optional(),
  aging_bucket: oneOrMany(z.enum(Object.keys(AGING_COLUMNS) as [keyof typeof AGING_COLUMNS])).optional(),
  over_credit_limit: boolFilter.optional(),
  priority_band: oneOrMany(z.enum(Object.keys(PRIORITY_BAND_RANGES) as [PriorityBand])).optional(),
  id: idFilter.optional(),
});
export type CustomerFilter = z.infer<typeof customerFilterSchema>;

export const parseCustomerFilter = (filter: Record<string, unknown>) => parseFilter(customerFilterSchema, filter);

const INVITATION_STATUS_SQL = `coalesce(inv.status, 'none')`;

/** Sort fields are the JSON keys of a row; priority ties go to the larger balance. */
export const CUSTOMER_SORTABLE: Record<string, string | string[]> = {
  name: 'lower(ca.name)',
  erp_account_id: 'ca.erp_account_id',
  account_type: 'ca.account_type',
  status: 'ca.status',
  collection_priority: ['s.collection_priority', 's.outstanding_cents'],
  outstanding_cents: 's.outstanding_cents',
  current_cents: 's.current_cents',
  past_due_cents: 's.past_due_cents',
  debit_adjustments_cents: 's.debit_adjustments_cents',
  credit_adjustments_cents: 's.credit_adjustments_cents',
  discounts_cents: 's.discounts_cents',
  weighted_days_overdue: 's.weighted_days_overdue_x100',
  aging_1_30_cents: 's.aging_1_30_cents',
  aging_31_60_cents: 's.aging_31_60_cents',
  aging_61_90_cents: 's.aging_61_90_cents',
  aging_91_plus_cents: 's.aging_91_plus_cents',
  open_invoice_count: 's.open_invoice_count',
  past_due_invoice_count: 's.past_due_invoice_count',
  credit_limit_cents: 'ca.credit_limit_cents',
  invitation_status: INVITATION_STATUS_SQL,
};
export const DEFAULT_CUSTOMER_SORT = { field: 'collection_priority', order: 'DESC' as const };

export const CUSTOMER_COLUMNS = [
  'ca.id',
  'ca.name',
  'ca.erp_account_id',
  'ca.account_type',
  'ca.status',
  'ca.credit_limit_cents',
  'ca.portal_access_disabled',
  's.collection_priority',
  's.outstanding_cents',
  's.current_cents',
  's.past_due_cents',
  's.debit_adjustments_cents',
  's.credit_adjustments_cents',
  's.discounts_cents',
  's.weighted_days_overdue_x100',
  's.aging_1_30_cents',
  's.aging_31_60_cents',
  's.aging_61_90_cents',
  's.aging_91_plus_cents',
  's.open_invoice_count',
  's.current_invoice_count',
  's.past_due_invoice_count',
  's.as_of',
];

/**
 * The latest invitation of each of the dealer's accounts, superseded ones skipped; a pending
 * invitation whose link has lapsed reads as expired even before the expiry job marks it.
 * Joined as one set (a hash join), not probed account by account, because filtering or
 * sorting by it touches every account.
 */
function joinLatestInvitation(query: Knex.QueryBuilder, db: Db, dealerId: string, accountId: string): void {
  query.leftJoin(
    db.raw(
      `(select distinct on (i.customer_account_id) i.customer_account_id,
          case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end as status
        from invitations i
        where i.dealer_id = ? and i.status <> 'superseded'
        order by i.customer_account_id, i.created_at desc) as inv`,
      [dealerId],
    ),
    'inv.customer_account_id',
    accountId,
  );
}

function needsInvitationJoin(filter: CustomerFilter, sort: ListParams['sort']): boolean {
  return filter.invitation_status !== undefined || sort?.field === 'invitation_status';
}

/** Filters that read the statistics. */
function usesStats(filter: CustomerFilter): boolean {
  return filter.aging_bucket !== undefined || filter.over_credit_limit !== undefined || filter.priority_band !== undefined;
}

/** Filters that read the account itself. */
function usesAccounts(filter: CustomerFilter): boolean {
  return filter.q !== undefined || filter.status !== undefined || filter.account_type !== undefined || filter.id !== undefined || filter.over_credit_limit !== undefined;
}

/**
 * Which tables a query reads. Statistics rows exist for exactly the live accounts
 * (migrations 014 and 016), so a count or a total that filters on only one side reads only
 * that table; a page of rows reads both.
 */
export type CustomerTables = 'both' | 'stats' | 'accounts';

export function tablesFor(filter: CustomerFilter): CustomerTables {
  const stats = usesStats(filter);
  const accounts = usesAccounts(filter);
  return stats && accounts ? 'both' : stats ? 'stats' : 'accounts';
}

/**
 * Accounts of one dealer (never deleted ones) narrowed by the dashboard filters. With both
 * tables the join is inner, so the planner may walk an `account_stats` index in the requested
 * order.
 */
export function filteredCustomers(db: Db, dealerId: string, filter: CustomerFilter, options: { withInvitation: boolean; tables?: CustomerTables }): Knex.QueryBuilder {
  const tables = options.tables ?? 'both';
  let query: Knex.QueryBuilder;
  if (tables === 'accounts') {
    query = db('customer_accounts as ca').where('ca.dealer_id', dealerId).whereNull('ca.deleted_at');
  } else {
    query = db('account_stats as s').where('s.dealer_id', dealerId);
    if (tables === 'both') query.join('customer_accounts as ca', 'ca.id', 's.customer_account_id').where('ca.dealer_id', dealerId).whereNull('ca.deleted_at');
  }
  if (options.withInvitation) joinLatestInvitation(query, db, dealerId, tables === 'accounts' ? 'ca.id' : 's.customer_account_id');

  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.where((where) => where.whereRaw('lower(ca.name) like ?', [pattern]).orWhereRaw('lower(ca.erp_account_id) like ?', [pattern]));
  }
  if (filter.status) query.whereIn('ca.status', asArray(filter.status));
  if (filter.account_type) query.whereIn('ca.account_type', asArray(filter.account_type));
  if (filter.id) query.whereIn('ca.id', asArray(filter.id));
  if (filter.invitation_status) query.whereRaw(`${INVITATION_STATUS_SQL} = any(?)`, [asArray(filter.invitation_status)]);
  if (filter.aging_bucket) {
    const buckets = asArray(filter.aging_bucket);
    query.where((where) => {
      for (const bucket of buckets) where.orWhere(AGING_COLUMNS[bucket], '>', 0);
    });
  }
  if (filter.over_credit_limit !== undefined) {
    const over = 'ca.credit_limit_cents is not null and s.outstanding_cents > ca.credit_limit_cents';
    query.whereRaw(filter.over_credit_limit ? over : `not (${over})`);
  }
  if (filter.priority_band) {
    const bands = asArray(filter.priority_band);
    query.where((where) => {
      for (const band of bands) where.orWhereBetween('s.collection_priority', PRIORITY_BAND_RANGES[band]);
    });
  }
  return query;
}

/** Columns that may be null sort after every value, whichever the direction. */
const NULLABLE_SORT = new Set(['ca.credit_limit_cents']);

const TEXT_SORT = new Set(['lower(ca.name)', 'ca.erp_account_id', 'ca.account_type', 'ca.status', INVITATION_STATUS_SQL]);

/**
 * The tie-breaker follows the chosen direction so that one index, walked forwards or
 * backwards, yields the whole ordering without a sort step.
 *
 * With a search term the matches are few and found through the trigram indexes; walking the
 * ordering index instead (the planner's favourite under LIMIT) would read thousands of rows
 * to find 25 matches. `x + 0` / `x || ''` hide the ordering index so the planner collects the
 * matches first and sorts only them.
 */
function applyCustomerOrder(query: Knex.QueryBuilder, sort: NonNullable<ListParams['sort']>, options: { matchesFirst?: boolean } = {}): Knex.QueryBuilder {
  if (sort.field === 'id') return query.orderByRaw(`s.customer_account_id ${sort.order}`);
  const columns = CUSTOMER_SORTABLE[sort.field];
  if (!columns) throw badRequest('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(CUSTOMER_SORTABLE).join(', ')}`);
  const opaque = (column: string) => (!options.matchesFirst ? column : TEXT_SORT.has(column) ? `(${column} || '')` : `(${column} + 0)`);
  for (const column of Array.isArray(columns) ? columns : [columns]) {
    query.orderByRaw(`${opaque(column)} ${sort.order}${NULLABLE_SORT.has(column) ? ' nulls last' : ''}`);
  }
  return query.orderByRaw(`s.customer_account_id ${sort.order}`);
}

export function assertCustomerSort(sort: ListParams['sort']): void {
  if (sort && sort.field !== 'id' && !CUSTOMER_SORTABLE[sort.field]) throw badRequest('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(CUSTOMER_SORTABLE).join(', ')}`);
}

export interface CustomerRow {
  id: string;
  name: string;
  erp_account_id: string;
  account_type: string;
  status: 'active' | 'inactive';
  credit_limit_cents: number | null;
  over_credit_limit: boolean;
  portal_access_disabled: boolean;
  collection_priority: number;
  outstanding_cents: number;
  current_cents: number;
  past_due_cents: number;
  debit_adjustments_cents: number;
  credit_adjustments_cents: number;
  discounts_cents: number;
  weighted_days_overdue: number;
  aging_1_30_cents: number;
  aging_31_60_cents: number;
  aging_61_90_cents: number;
  aging_91_plus_cents: number;
  open_invoice_count: number;
  current_invoice_count: number;
  past_due_invoice_count: number;
  invitation_status: InvitationStatus;
  stats_as_of: string | null;
}

/** An account whose statistics were never computed shows zeros rather than blanks. */
export function toCustomerRow(raw: Record<string, any>, invitationStatus: InvitationStatus): CustomerRow {
  const outstanding = raw.outstanding_cents ?? 0;
  return {
    id: raw.id,
    name: raw.name,
    erp_account_id: raw.erp_account_id,
    account_type: raw.account_type,
    status: raw.status,
    credit_limit_cents: raw.credit_limit_cents,
    over_credit_limit: raw.credit_limit_cents !== null && outstanding > raw.credit_limit_cents,
    portal_access_disabled: raw.portal_access_disabled,
    collection_priority: raw.collection_priority ?? 0,
    outstanding_cents: outstanding,
    current_cents: raw.current_cents ?? 0,
    past_due_cents: raw.past_due_cents ?? 0,
    debit_adjustments_cents: raw.debit_adjustments_cents ?? 0,
    credit_adjustments_cents: raw.credit_adjustments_cents ?? 0,
    discounts_cents: raw.discounts_cents ?? 0,
    // Hundredths of a day in storage; a day count with two decimals for people.
    weighted_days_overdue: (raw.weighted_days_overdue_x100 ?? 0) / 100,
    aging_1_30_cents: raw.aging_1_30_cents ?? 0,
    aging_31_60_cents: raw.aging_31_60_cents ?? 0,
    aging_61_90_cents: raw.aging_61_90_cents ?? 0,
    aging_91_plus_cents: raw.aging_91_plus_cents ?? 0,
    open_invoice_count: raw.open_invoice_count ?? 0,
    current_invoice_count: raw.current_invoice_count ?? 0,
    past_due_invoice_count: raw.past_due_invoice_count ?? 0,
    invitation_status: invitationStatus,
    stats_as_of: raw.as_of ?? null,
  };
}

/** Latest invitation status for a page of accounts, in one query. */
export async function latestInvitationStatuses(db: Db, accountIds: string[]): Promise<Map<string, InvitationStatus>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db('invitations')
    .distinctOn('customer_account_id')
    .select('customer_account_id', db.raw(`case when status = 'pending' and expires_at <= now() then 'expired' else status end as status`))
    .whereIn('customer_account_id', accountIds)
    .whereNot('status', 'superseded')
    .orderBy([{ column: 'customer_account_id' }, { column: 'created_at', order: 'desc' }]);
  return new Map(rows.map((row: { customer_account_id: string; status: InvitationStatus }) => [row.customer_account_id, row.status]));
}

/** One page of the dashboard plus the total, for `Content-Range`. */
export async function listCustomers(db: Db, dealerId: string, params: ListParams): Promise<{ rows: CustomerRow[]; total: number }> {
  const filter = parseCustomerFilter(params.filter);
  const sort = params.sort ?? DEFAULT_CUSTOMER_SORT;
  // The invitation join costs a look-up per account; only pay it when the filter or sort needs
  // it, otherwise fetch the statuses of the page's rows afterwards.
  const withInvitation = needsInvitationJoin(filter, sort);
  const pageQuery = filteredCustomers(db, dealerId, filter, { withInvitation }).select(CUSTOMER_COLUMNS);
  if (withInvitation) pageQuery.select(db.raw(`${INVITATION_STATUS_SQL} as invitation_status`));
  applyCustomerOrder(pageQuery, sort, { matchesFirst: filter.q !== undefined })
    .offset(params.range.start)
    .limit(params.range.end - params.range.start + 1);
  const countQuery = filteredCustomers(db, dealerId, filter, { withInvitation: filter.invitation_status !== undefined, tables: tablesFor(filter) }).count({ total: '*' });

  const [raw, [counted]] = await Promise.all([pageQuery, countQuery]);
  const total = Number((counted as { total: number | string }).total);
  const statuses = withInvitation ? undefined : await latestInvitationStatuses(db, raw.map((row: { id: string }) => row.id));
  const rows = raw.map((row: Record<string, any>) => toCustomerRow(row, row.invitation_status ?? statuses?.get(row.id) ?? 'none'));
  return { rows, total };
}

/** Every row of the filtered, sorted view, in batches, for the CSV export. */
export async function* allCustomers(db: Db, dealerId: string, params: Pick<ListParams, 'filter' | 'sort'>, batchSize = 2000): AsyncGenerator<CustomerRow & { priority_components: unknown }> {
  const filter = parseCustomerFilter(params.filter);
  const sort = params.sort ?? DEFAULT_CUSTOMER_SORT;
  const query = filteredCustomers(db, dealerId, filter, { withInvitation: true })
    .select(CUSTOMER_COLUMNS)
    .select('s.priority_components', db.raw(`${INVITATION_STATUS_SQL} as invitation_status`));
  applyCustomerOrder(query, sort);
  for (let offset = 0; ; offset += batchSize) {
    const batch: Record<string, any>[] = await query.clone().offset(offset).limit(batchSize);
    for (const row of batch) yield { ...toCustomerRow(row, row.invitation_status), priority_components: row.priority_components ?? {} };
    if (batch.length < batchSize) return;
  }
}

export interface CustomerSummary {
  id: 'summary';
  account_count: number;
  outstanding_invoice_count: number;
  outstanding_cents: number;
  current_cents: number;
  past_due_cents: number;
  debit_adjustments_cents: number;
  credit_adjustments_cents: number;
  discounts_cents: number;
  net_ar_cents: number;
}

/** The stats panel above the dashboard, over exactly the accounts the list filter selects. */
export async function summarizeCustomers(db: Db, dealerId: string, rawFilter: Record<string, unknown>): Promise<CustomerSummary> {
  const filter = parseCustomerFilter(rawFilter);
  const row = await filteredCustomers(db, dealerId, filter, { withInvitation: filter.invitation_status !== undefined, tables: usesAccounts(filter) ? 'both' : 'stats' })
    .first(
      db.raw('count(*)::int as account_count'),
      db.raw(`${sumCents('s.open_invoice_count')} as outstanding_invoice_count`),
      db.raw(`${sumCents('s.outstanding_cents')} as outstanding_cents`),
      db.raw(`${sumCents('s.current_cents')} as current_cents`),
      db.raw(`${sumCents('s.past_due_cents')} as past_due_cents`),
      db.raw(`${sumCents('s.debit_adjustments_cents')} as debit_adjustments_cents`),
      db.raw(`${sumCents('s.credit_adjustments_cents')} as credit_adjustments_cents`),
      db.raw(`${sumCents('s.discounts_cents')} as discounts_cents`),
    );
  return {
    id: 'summary',
    account_count: row.account_count,
    outstanding_invoice_count: row.outstanding_invoice_count,
    outstanding_cents: row.outstanding_cents,
    current_cents: row.current_cents,
    past_due_cents: row.past_due_cents,
    debit_adjustments_cents: row.debit_adjustments_cents,
    credit_adjustments_cents: row.credit_adjustments_cents,
    discounts_cents: row.discounts_cents,
    // What customers owe once adjustments are netted: invoices plus debits minus credits.
    // Statement discounts are only earned by paying early, so they are shown, not subtracted.
    net_ar_cents: row.outstanding_cents + row.debit_adjustments_cents - row.credit_adjustments_cents,
  };
}
