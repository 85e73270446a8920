import type { CreditHoldReason } from '../domain/credit-hold';
import type { Knex } from 'knex';
import type { PriorityBand } from '../domain/collection-priority';
import { refuseInvalid, refuseNotFound } from '../domain/refusal';
import type { AccountAgingFigures, AccountBalances } from './account-stats';
import type { Db } from './connection';
import { contactEmailFor, effectiveStatus } from './invitations';
import { containsPattern, keysetPageOf, sumCents, type KeysetRequest, type PageRequest } from './list-query';

/**
 * The Customers Dashboard read model: `customer_accounts` (which carries its latest
 * invitation's status, migration 021) joined with their precomputed `account_stats`. List,
 * stats panel and CSV export share these filters and this ordering, so the three always
 * describe the same set of accounts.
 */

/** Score ranges of the Collection Priority bands (see domain/collection-priority bandFor). */
export const PRIORITY_BAND_RANGES: Record<PriorityBand, [number, number]> = { act_now: [8, 10], watch: [5, 7], on_track: [2, 4], nothing_to_do: [0, 1] };

export const INVITATION_STATUSES = ['none', 'pending', 'accepted', 'declined', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Aging filter: the account has an open balance in that bucket. */
export const AGING_COLUMNS = {
  current: 's.current_cents',
  past_due: 's.past_due_cents',
  '1_30': 's.aging_1_30_cents',
  '31_60': 's.aging_31_60_cents',
  '61_90': 's.aging_61_90_cents',
  '91_plus': 's.aging_91_plus_cents',
} as const;

type OneOrMany<T> = T | T[];
const asArray = <T>(value: OneOrMany<T>): T[] => (Array.isArray(value) ? value : [value]);

/** The dashboard filters, as the API validated them. */
export interface CustomerFilter {
  q?: string;
  status?: OneOrMany<'active' | 'inactive'>;
  account_type?: OneOrMany<string>;
  invitation_status?: OneOrMany<InvitationStatus>;
  aging_bucket?: OneOrMany<keyof typeof AGING_COLUMNS>;
  over_credit_limit?: boolean;
  priority_band?: OneOrMany<PriorityBand>;
  lien_deadline_within_days?: number;
  id?: OneOrMany<string>;
}

type Sort = NonNullable<PageRequest['sort']>;

/** A pending invitation whose link has lapsed reads as expired even before the workflow marks it. */
const INVITATION_STATUS_SQL = `(case when ca.invitation_status = 'pending' and ca.invitation_expires_at <= now() then 'expired' else ca.invitation_status end)`;

/**
 * The invitation filter as conditions on the stored columns rather than on the CASE above:
 * the planner estimates those from column statistics (it guessed 18 rows of 3,782 for the
 * CASE and probed every match instead of walking the priority index).
 */
function whereInvitationStatus(db: Db | Knex.Transaction, query: Knex.QueryBuilder, shown: InvitationStatus[]): void {
  const now = db.fn.now();
  query.where((where) => {
    for (const status of shown) {
      if (status === 'pending') where.orWhere((w) => w.where('ca.invitation_status', 'pending').where('ca.invitation_expires_at', '>', now));
      else if (status === 'expired') {
        where.orWhere('ca.invitation_status', 'expired').orWhere((w) => w.where('ca.invitation_status', 'pending').where('ca.invitation_expires_at', '<=', now));
      } else where.orWhere('ca.invitation_status', status);
    }
  });
}

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
  'ca.available_credit_cents',
  'ca.credit_hold',
  'ca.credit_hold_reason',
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
  'ca.invitation_status',
  'ca.invitation_expires_at',
];

/** Filters that read the statistics. */
function usesStats(filter: CustomerFilter): boolean {
  return filter.aging_bucket !== undefined || filter.over_credit_limit !== undefined || filter.priority_band !== undefined
    || filter.lien_deadline_within_days !== undefined;
}

/**
 * Filters that read the account itself. Its status is copied onto the statistics (migration
 * 056), so a status filter reads whichever table the query has already.
 */
function usesAccounts(filter: CustomerFilter): boolean {
  return filter.q !== undefined || filter.account_type !== undefined || filter.id !== undefined
    || filter.over_credit_limit !== undefined || filter.invitation_status !== undefined;
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
export function filteredCustomers(db: Db | Knex.Transaction, dealerId: string, filter: CustomerFilter, options: { tables?: CustomerTables } = {}): Knex.QueryBuilder {
  const tables = options.tables ?? 'both';
  let query: Knex.QueryBuilder;
  if (tables === 'accounts') {
    query = db('customer_accounts as ca').where('ca.dealer_id', dealerId).whereNull('ca.deleted_at');
  } else {
    query = db('account_stats as s').where('s.dealer_id', dealerId);
    if (tables === 'both') query.join('customer_accounts as ca', 'ca.id', 's.customer_account_id').where('ca.dealer_id', dealerId).whereNull('ca.deleted_at');
  }

  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.where((where) => where.whereRaw('lower(ca.name) like ?', [pattern]).orWhereRaw('lower(ca.erp_account_id) like ?', [pattern]));
  }
  if (filter.status) query.whereIn(tables === 'accounts' ? 'ca.status' : 's.account_status', asArray(filter.status));
  if (filter.account_type) query.whereIn('ca.account_type', asArray(filter.account_type));
  if (filter.id) query.whereIn('ca.id', asArray(filter.id));
  if (filter.invitation_status) whereInvitationStatus(db, query, asArray(filter.invitation_status));
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
  if (filter.lien_deadline_within_days !== undefined) {
    // Counted from the dealer's today now, not the statistics' day: a deadline that passed since
    // the last refresh is no longer "within".
    query.whereRaw(
      `s.lien_deadline_date between t_lien.today and t_lien.today + ?::int`,
      [filter.lien_deadline_within_days],
    ).crossJoin(db.raw('(select (now() at time zone d.time_zone)::date as today from dealers d where d.id = ?) t_lien', [dealerId]));
  }
  return query;
}

/** Columns that may be null sort after every value, whichever the direction. */
const NULLABLE_SORT = new Set(['ca.credit_limit_cents']);

const TEXT_SORT = new Set(['lower(ca.name)', 'ca.erp_account_id', 'ca.account_type', 'ca.status', 'ca.invitation_status', INVITATION_STATUS_SQL]);

/**
 * The shown invitation status differs from the stored one only for a pending invitation whose
 * link lapsed before the invitation workflow marked it expired: normally none, at most for
 * moments. While there is none, sorting by the stored column gives the same order and walks
 * its index (the first page reads 25 rows instead of sorting 50,000).
 */
async function hasLapsedPendingInvitation(db: Db, dealerId: string): Promise<boolean> {
  const lapsed = await db('customer_accounts')
    .where({ dealer_id: dealerId, invitation_status: 'pending' })
    .whereNull('deleted_at')
    .where('invitation_expires_at', '<=', db.fn.now())
    .first(db.raw('1 as lapsed'));
  return lapsed !== undefined;
}

/**
 * The tie-breaker follows the chosen direction so that one index, walked forwards or
 * backwards, yields the whole ordering without a sort step.
 *
 * With a search term the matches are few and found through the trigram indexes; walking the
 * ordering index instead (the planner's favourite under LIMIT) would read thousands of rows
 * to find 25 matches. `x + 0` / `x || ''` hide the ordering index so the planner collects the
 * matches first and sorts only them.
 */
function applyCustomerOrder(query: Knex.QueryBuilder, sort: Sort, options: { matchesFirst?: boolean; storedInvitationOrder?: boolean } = {}): Knex.QueryBuilder {
  if (sort.field === 'id') return query.orderByRaw(`s.customer_account_id ${sort.order}`);
  const columns = sort.field === 'invitation_status' && options.storedInvitationOrder ? 'ca.invitation_status' : CUSTOMER_SORTABLE[sort.field];
  if (!columns) throw refuseInvalid('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(CUSTOMER_SORTABLE).join(', ')}`);
  const opaque = (column: string) => (!options.matchesFirst ? column : TEXT_SORT.has(column) ? `(${column} || '')` : `(${column} + 0)`);
  for (const column of Array.isArray(columns) ? columns : [columns]) {
    query.orderByRaw(`${opaque(column)} ${sort.order}${NULLABLE_SORT.has(column) ? ' nulls last' : ''}`);
  }
  return query.orderByRaw(`s.customer_account_id ${sort.order}`);
}

export function assertCustomerSort(sort: PageRequest['sort']): void {
  if (sort && sort.field !== 'id' && !CUSTOMER_SORTABLE[sort.field]) throw refuseInvalid('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(CUSTOMER_SORTABLE).join(', ')}`);
}

export interface CustomerRow extends AccountAgingFigures {
  id: string;
  name: string;
  erp_account_id: string;
  account_type: string;
  status: 'active' | 'inactive';
  credit_limit_cents: number | null;
  over_credit_limit: boolean;
  available_credit_cents: number | null;
  credit_hold: boolean;
  credit_hold_reason: CreditHoldReason | null;
  portal_access_disabled: boolean;
  collection_priority: number;
  weighted_days_overdue: number;
  invitation_status: InvitationStatus;
  stats_as_of: string | null;
}

/** An account whose statistics were never computed shows zeros rather than blanks. */
export function toCustomerRow(raw: Record<string, any>): CustomerRow {
  const outstanding = raw.outstanding_cents ?? 0;
  return {
    id: raw.id,
    name: raw.name,
    erp_account_id: raw.erp_account_id,
    account_type: raw.account_type,
    status: raw.status,
    credit_limit_cents: raw.credit_limit_cents,
    over_credit_limit: raw.credit_limit_cents !== null && outstanding > raw.credit_limit_cents,
    available_credit_cents: raw.available_credit_cents === null || raw.available_credit_cents === undefined ? null : Number(raw.available_credit_cents),
    credit_hold: raw.credit_hold ?? false,
    credit_hold_reason: raw.credit_hold_reason ?? null,
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
    invitation_status: effectiveStatus({ status: raw.invitation_status, expires_at: raw.invitation_expires_at }) as InvitationStatus,
    stats_as_of: raw.as_of ?? null,
  };
}

/** One page of the dashboard plus the total, for `Content-Range`. */
export async function listCustomers(db: Db, dealerId: string, filter: CustomerFilter, params: PageRequest): Promise<{ rows: CustomerRow[]; total: number }> {
  const sort = params.sort ?? DEFAULT_CUSTOMER_SORT;
  const storedInvitationOrder = sort.field === 'invitation_status' && !(await hasLapsedPendingInvitation(db, dealerId));
  const pageQuery = filteredCustomers(db, dealerId, filter).select(CUSTOMER_COLUMNS);
  applyCustomerOrder(pageQuery, sort, { matchesFirst: filter.q !== undefined, storedInvitationOrder })
    .offset(params.range.start)
    .limit(params.range.end - params.range.start + 1);
  const count = filteredCustomers(db, dealerId, filter, { tables: tablesFor(filter) }).first(db.raw('count(*) as total'));

  const [raw, counted] = await Promise.all([pageQuery, count]);
  const total = Number((counted as { total: number | string }).total);
  return { rows: raw.map((row: Record<string, any>) => toCustomerRow(row)), total };
}

/**
 * Accounts by keyset, for the public API: every live account, with its statistics when they
 * have been computed (zeros otherwise, as on the dashboard).
 */
export async function customersAfter(db: Db, dealerId: string, filter: Pick<CustomerFilter, 'status' | 'q'>, keyset: KeysetRequest): Promise<{ rows: CustomerRow[]; hasMore: boolean }> {
  const base = filteredCustomers(db, dealerId, filter, { tables: 'accounts' }).leftJoin('account_stats as s', 's.customer_account_id', 'ca.id');
  const { rows, hasMore } = await keysetPageOf<Record<string, any>>(base, CUSTOMER_COLUMNS, 'ca.id', keyset);
  return { rows: rows.map(toCustomerRow), hasMore };
}

/** Every row of the filtered, sorted view, in batches, for the CSV export. */
export async function* allCustomers(db: Db, dealerId: string, filter: CustomerFilter, sort: PageRequest['sort'] = DEFAULT_CUSTOMER_SORT, batchSize = 2000): AsyncGenerator<CustomerRow & { priority_components: unknown }> {
  const query = filteredCustomers(db, dealerId, filter).select(CUSTOMER_COLUMNS).select('s.priority_components');
  applyCustomerOrder(query, sort ?? DEFAULT_CUSTOMER_SORT);
  for (let offset = 0; ; offset += batchSize) {
    const batch: Record<string, any>[] = await query.clone().offset(offset).limit(batchSize);
    for (const row of batch) yield { ...toCustomerRow(row), priority_components: row.priority_components ?? {} };
    if (batch.length < batchSize) return;
  }
}

export interface CustomerSummary extends AccountBalances {
  id: 'summary';
  account_count: number;
  outstanding_invoice_count: number;
  net_ar_cents: number;
}

/** The stats panel above the dashboard, over exactly the accounts the list filter selects. */
export async function summarizeCustomers(db: Db, dealerId: string, filter: CustomerFilter): Promise<CustomerSummary> {
  const row = await (filteredCustomers(db, dealerId, filter, { tables: usesAccounts(filter) ? 'both' : 'stats' })
    .first(
      db.raw('count(*)::int as account_count'),
      db.raw(`${sumCents('s.open_invoice_count')} as outstanding_invoice_count`),
      db.raw(`${sumCents('s.outstanding_cents')} as outstanding_cents`),
      db.raw(`${sumCents('s.current_cents')} as current_cents`),
      db.raw(`${sumCents('s.past_due_cents')} as past_due_cents`),
      db.raw(`${sumCents('s.debit_adjustments_cents')} as debit_adjustments_cents`),
      db.raw(`${sumCents('s.credit_adjustments_cents')} as credit_adjustments_cents`),
      db.raw(`${sumCents('s.discounts_cents')} as discounts_cents`),
    ));
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

/**
 * The stored priority components of up to 50 scored accounts. Every scored account carries
 * the same set of components, so a sample names them all without reading every document.
 */
export async function priorityComponentSamples(db: Db, dealerId: string): Promise<unknown[]> {
  return db('account_stats').where({ dealer_id: dealerId }).whereRaw(`priority_components <> '{}'::jsonb`).limit(50).pluck('priority_components');
}

export interface CustomerContactRow {
  id: string;
  erp_contact_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  role: string | null;
  is_primary: boolean;
}

export interface CustomerJobRow {
  id: string;
  erp_job_id: string;
  name: string;
  status: string;
}

export interface CustomerInvitationRow {
  id: string;
  email: string;
  status: string;
  sent_at: Date | null;
  expires_at: Date;
  responded_at: Date | null;
  created_at: Date;
}

export interface CustomerCompanyRow {
  company_id: string;
  company_name: string;
  status: string;
  linked_at: Date | null;
  active_users: number;
}

/** One account with everything its summary page shows, read together. */
export interface CustomerAccountDetail {
  row: CustomerRow;
  /** The stored columns the summary adds to the dashboard row. */
  raw: Record<string, any>;
  contacts: CustomerContactRow[];
  jobs: CustomerJobRow[];
  /** The latest invitation that was not replaced by a resend. */
  invitation: CustomerInvitationRow | undefined;
  companies: CustomerCompanyRow[];
  /** The address an invitation would go to now, the same one the invite route picks. */
  inviteTo: string | null;
}

/** One account of the dealer (never a deleted one) with its contacts, jobs, invitation and portal companies. */
export async function customerAccountDetail(db: Db, dealerId: string, id: string): Promise<CustomerAccountDetail> {
  const raw = await db('customer_accounts as ca')
    .leftJoin('account_stats as s', 's.customer_account_id', 'ca.id')
    .where({ 'ca.dealer_id': dealerId, 'ca.id': id })
    .whereNull('ca.deleted_at')
    .first([...CUSTOMER_COLUMNS, 's.priority_components', 's.computed_at', 'ca.address_line1', 'ca.city', 'ca.state', 'ca.postal_code', 'ca.phone', 'ca.created_at']);
  if (!raw) throw refuseNotFound('Customer');

  const [contacts, jobs, invitation, companies, inviteTo] = await Promise.all([
    db('contacts')
      .where({ dealer_id: dealerId, customer_account_id: id })
      .whereNull('deleted_at')
      .orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'name' }])
      .select('id', 'erp_contact_id', 'name', 'email', 'phone', 'role', 'is_primary'),
    db('jobs').where({ dealer_id: dealerId, customer_account_id: id }).orderBy('name').select('id', 'erp_job_id', 'name', 'status'),
    db('invitations')
      .where({ dealer_id: dealerId, customer_account_id: id })
      .whereNot('status', 'superseded')
      .orderBy('created_at', 'desc')
      .first('id', 'email', 'status', 'sent_at', 'expires_at', 'responded_at', 'created_at'),
    db('company_account_links as l')
      .join('customer_companies as c', 'c.id', 'l.company_id')
      .where({ 'l.dealer_id': dealerId, 'l.customer_account_id': id })
      .select('c.id as company_id', 'c.name as company_name', 'l.status', 'l.linked_at', db.raw('(select count(*)::int from portal_users u where u.company_id = c.id and u.status = ?) as active_users', ['active'])),
    contactEmailFor(db, id),
  ]);
  return { row: toCustomerRow(raw), raw, contacts, jobs, invitation, companies, inviteTo };
}
