import type { Knex } from 'knex';
import { OPEN_ADJUSTMENT_STATUSES, OPEN_INVOICE_STATUSES } from '../domain/aging';
import type { IsoDate } from '../domain/dates';
import type { Db } from './connection';
import { linkedAccountIds, PORTAL_DEALER_COLUMNS, subjectOf, visibleAccountsQuery, withinJobs, type PortalDealer, type PortalSubject, type VisibleAccount } from './portal-scope';

/**
 * The portal's open items: what the linked accounts of a customer's company still owe, the
 * jobs and latest statements they are grouped by, and the items a payment may be quoted on.
 * Every read takes the account ids the caller already scoped (db/portal-scope.ts).
 */
type Executor = Db | Knex.Transaction;

export type OpenItemType = 'invoice' | 'debit' | 'credit';

export interface OpenItemRow {
  type: OpenItemType;
  id: string;
  customer_account_id: string;
  job_id: string | null;
  number: string;
  date: IsoDate | null;
  due_date: IsoDate | null;
  amount_cents: number;
  balance_cents: number;
  reserved_cents: number;
  statement_id: string | null;
  po_number: string | null;
  description: string | null;
  applies_to_invoice_number: string | null;
  terms: string | null;
  terms_discount_cents: number | null;
  terms_discount_date: IsoDate | null;
}

export interface JobRow {
  id: string;
  name: string;
  erp_job_id: string;
}

export interface LatestStatementRow {
  id: string;
  customer_account_id: string;
  statement_number: string;
  statement_date: IsoDate;
  status: 'open' | 'paid' | 'closed';
  balance_cents: number;
  discount_cents: number;
  discount_date: IsoDate | null;
  due_date: IsoDate;
}

export type OutstandingView = 'all' | 'current_statement' | 'new_charges';

const LATEST_STATEMENTS_SQL = `
  latest as (
    select distinct on (customer_account_id) id, customer_account_id, statement_date
    from statements where customer_account_id = any(:accounts::uuid[]) and :allJobs::boolean
    order by customer_account_id, statement_date desc, created_at desc
  )`;

/** The open items of the accounts, as one row shape for invoices and adjustments. */
const OPEN_ITEMS_SQL = `
  open_items as (
    select 'invoice'::text as type, 0 as type_order, i.id, i.customer_account_id, i.job_id, i.invoice_number as number, i.invoice_date as date, i.due_date,
      i.amount_cents, i.balance_cents, i.reserved_cents, i.statement_id, i.po_number, null::text as description, null::text as applies_to_invoice_number,
      i.terms, i.terms_discount_cents, i.terms_discount_date
    from invoices i
    where i.customer_account_id = any(:accounts::uuid[]) and i.status = any(:invoiceStatuses::text[]) and i.balance_cents > 0
      and (:allJobs::boolean or i.job_id = any(:jobIds::uuid[]))
    union all
    select a.kind, case a.kind when 'debit' then 1 else 2 end, a.id, a.customer_account_id, a.job_id, a.adjustment_number, a.transaction_date, a.due_date,
      a.amount_cents, a.balance_cents, a.reserved_cents, a.statement_id, null, a.description, a.applies_to_invoice_number,
      null, null::bigint, null::date
    from adjustments a
    where a.customer_account_id = any(:accounts::uuid[]) and a.status = any(:adjustmentStatuses::text[]) and a.balance_cents > 0
      and (:allJobs::boolean or a.job_id = any(:jobIds::uuid[]))
  )`;

/**
 * Whether the view shows an open item `o`. statement_items is the latest statement's own list,
 * the one payment submission checks the statement discount against, so "Pay full statement"
 * pays exactly what earns it. The subqueries are uncorrelated: PostgreSQL hashes them once.
 */
const IN_VIEW_SQL: Record<OutstandingView, string> = {
  all: 'true',
  current_statement: 'o.id in (select item_id from listed)',
  new_charges: `o.statement_id is null and o.id not in (select item_id from listed)
    and not exists (select 1 from latest where latest.customer_account_id = o.customer_account_id and o.date is not null and o.date <= latest.statement_date)`,
};

/** Open items with `in_view`; the view's statement list is read only by the views that need it. */
function taggedItemsSql(view: OutstandingView): string {
  return `with ${LATEST_STATEMENTS_SQL}, listed as (
      select coalesce(si.invoice_id, si.adjustment_id) as item_id
      from statement_items si join latest on latest.id = si.statement_id
    ), ${OPEN_ITEMS_SQL}, tagged as (
      select o.*, ${IN_VIEW_SQL[view]} as in_view from open_items o
    )`;
}

/** The order the Outstanding page lists a job's items in: invoices, debits, credits; by due date (else date); by number. */
const ITEM_ORDER_SQL = 'type_order, coalesce(due_date, date) nulls first, number';

/**
 * `jobIds` is a project manager's jobs (null: every job). It narrows the items and leaves
 * statements out: a statement lists every job's items, so paying it is not for someone
 * limited to some of them (docs/company-roles.md).
 */
function taggedBindings(accountIds: string[], today: IsoDate, jobIds: string[] | null) {
  return {
    accounts: accountIds, invoiceStatuses: [...OPEN_INVOICE_STATUSES], adjustmentStatuses: [...OPEN_ADJUSTMENT_STATUSES], today,
    allJobs: jobIds === null, jobIds: jobIds ?? [],
  };
}

/** One account's items of one job (job_id null: not assigned to a job), summed for the view and for the account's totals. */
export interface OutstandingGroupRow {
  customer_account_id: string;
  job_id: string | null;
  job_name: string | null;
  erp_job_id: string | null;
  /** The view's items. */
  view_items: number;
  invoice_count: number;
  debit_count: number;
  credit_count: number;
  balance_cents: number;
  credits_cents: number;
  payable_cents: number;
  max_days_past_due: number;
  /** Every open item, for the account's totals. */
  open_invoice_cents: number;
  past_due_cents: number;
  open_debit_cents: number;
  open_credit_cents: number;
}

/** What the open items the latest statement of an account lists still owe. */
export interface StatementOpenRow {
  customer_account_id: string;
  open_cents: number;
  items: number;
  payable_items: number;
  reserved_items: number;
}

/**
 * The sums the Outstanding page shows for each account and job, counted by the database rather
 * than item by item, with each account's latest statement and what its listed items still owe:
 * one statement, since every visit to the page runs it.
 */
export async function outstandingGroups(db: Executor, accountIds: string[], view: OutstandingView, today: IsoDate, jobIds: string[] | null = null): Promise<{ groups: OutstandingGroupRow[]; statements: LatestStatementRow[]; statementOpen: StatementOpenRow[] }> {
  if (accountIds.length === 0) return { groups: [], statements: [], statementOpen: [] };
  const { rows } = await db.raw(`${taggedItemsSql(view)}, sums as (
        select customer_account_id, job_id,
          count(*) filter (where in_view)::int as view_items,
          count(*) filter (where in_view and type = 'invoice')::int as invoice_count,
          count(*) filter (where in_view and type = 'debit')::int as debit_count,
          count(*) filter (where in_view and type = 'credit')::int as credit_count,
          coalesce(sum(balance_cents) filter (where in_view and type <> 'credit'), 0)::bigint as balance_cents,
          coalesce(sum(balance_cents) filter (where in_view and type = 'credit'), 0)::bigint as credits_cents,
          coalesce(sum(greatest(balance_cents - reserved_cents, 0)) filter (where in_view and type <> 'credit'), 0)::bigint as payable_cents,
          greatest(coalesce(max(:today::date - due_date) filter (where in_view and type = 'invoice'), 0), 0)::int as max_days_past_due,
          coalesce(sum(balance_cents) filter (where type = 'invoice'), 0)::bigint as open_invoice_cents,
          coalesce(sum(balance_cents) filter (where type = 'invoice' and due_date < :today::date), 0)::bigint as past_due_cents,
          coalesce(sum(balance_cents) filter (where type = 'debit'), 0)::bigint as open_debit_cents,
          coalesce(sum(balance_cents) filter (where type = 'credit'), 0)::bigint as open_credit_cents
        from tagged group by customer_account_id, job_id
      ), statement_open as (
        select latest.customer_account_id,
          coalesce(sum(case when a.kind = 'credit' then -a.balance_cents else coalesce(i.balance_cents, a.balance_cents) end), 0)::bigint as open_cents,
          count(*)::int as items,
          count(*) filter (where coalesce(i.balance_cents, a.balance_cents) > coalesce(i.reserved_cents, a.reserved_cents))::int as payable_items,
          count(*) filter (where coalesce(i.reserved_cents, a.reserved_cents) > 0)::int as reserved_items
        from latest
        join statement_items si on si.statement_id = latest.id
        left join invoices i on i.id = si.invoice_id and i.status = any(:invoiceStatuses::text[]) and i.balance_cents > 0
        left join adjustments a on a.id = si.adjustment_id and a.status = any(:adjustmentStatuses::text[]) and a.balance_cents > 0
        where i.id is not null or a.id is not null
        group by latest.customer_account_id
      )
      select
        (select coalesce(json_agg(g), '[]') from (select sums.*, j.name as job_name, j.erp_job_id from sums left join jobs j on j.id = sums.job_id) g) as groups,
        (select coalesce(json_agg(st), '[]') from (
          select s.id, s.customer_account_id, s.statement_number, s.statement_date, s.status, s.balance_cents, s.discount_cents, s.discount_date, s.due_date
          from latest join statements s on s.id = latest.id
        ) st) as statements,
        (select coalesce(json_agg(so), '[]') from statement_open so) as statement_open`, taggedBindings(accountIds, today, jobIds));
  const [row] = rows as Array<{ groups: OutstandingGroupRow[]; statements: LatestStatementRow[]; statement_open: StatementOpenRow[] }>;
  return { groups: row!.groups, statements: row!.statements, statementOpen: row!.statement_open };
}

/** A run of one group's items in display order: `take` items from `skip`. */
export interface GroupSlice {
  accountId: string;
  jobId: string | null;
  skip: number;
  take: number;
}

/** The view's items of the given slices, in display order within each. */
export async function outstandingSlices(db: Executor, accountIds: string[], view: OutstandingView, today: IsoDate, slices: GroupSlice[], jobIds: string[] | null = null): Promise<OpenItemRow[]> {
  const wanted = slices.filter((slice) => slice.take > 0);
  if (wanted.length === 0) return [];
  const values = wanted.map((_slice, index) => `(:account${index}::uuid, :job${index}::uuid, :skip${index}::int, :take${index}::int)`).join(', ');
  const bindings: Record<string, unknown> = taggedBindings(accountIds, today, jobIds);
  wanted.forEach((slice, index) => Object.assign(bindings, { [`account${index}`]: slice.accountId, [`job${index}`]: slice.jobId, [`skip${index}`]: slice.skip, [`take${index}`]: slice.take }));
  // Ranking only the wanted groups' rows: a job's first page should not sort every other job.
  const { rows } = await db.raw(`${taggedItemsSql(view)}, ranked as (
      select t.*, wanted.skip, wanted.take,
        row_number() over (partition by t.customer_account_id, t.job_id order by ${ITEM_ORDER_SQL}) as position
      from tagged t
      join (values ${values}) as wanted(account_id, job_id, skip, take)
        on wanted.account_id = t.customer_account_id and wanted.job_id is not distinct from t.job_id
      where in_view
    )
    select * from ranked where position > skip and position <= skip + take
    order by customer_account_id, job_id, position`, bindings);
  return rows as OpenItemRow[];
}

/** The view's items narrowed to an account, a job or ids, in display order, with how many match in all. */
export async function outstandingItemPage(
  db: Executor, accountIds: string[], view: OutstandingView, today: IsoDate,
  filter: { accountId?: string; jobId?: string | null; ids?: string[]; offset: number; limit: number }, jobIds: string[] | null = null,
): Promise<{ rows: OpenItemRow[]; total: number }> {
  if (accountIds.length === 0) return { rows: [], total: 0 };
  const conditions = ['in_view'];
  const bindings: Record<string, unknown> = { ...taggedBindings(accountIds, today, jobIds), offset: filter.offset, limit: filter.limit };
  if (filter.accountId !== undefined) {
    conditions.push('customer_account_id = :accountId::uuid');
    bindings.accountId = filter.accountId;
  }
  if (filter.jobId !== undefined) {
    conditions.push('job_id is not distinct from :jobId::uuid');
    bindings.jobId = filter.jobId;
  }
  if (filter.ids !== undefined) {
    conditions.push('id = any(:ids::uuid[])');
    bindings.ids = filter.ids;
  }
  const { rows } = await db.raw(`${taggedItemsSql(view)}
    select t.*, count(*) over () as total from tagged t where ${conditions.join(' and ')}
    order by customer_account_id, job_id nulls last, ${ITEM_ORDER_SQL} offset :offset limit :limit`, bindings);
  if (rows.length > 0 || filter.offset === 0) return { rows: rows as OpenItemRow[], total: rows.length ? Number(rows[0].total) : 0 };
  const { rows: counted } = await db.raw(`${taggedItemsSql(view)} select count(*)::int as total from tagged where ${conditions.join(' and ')}`, bindings);
  return { rows: [], total: counted[0].total as number };
}

/** What the accounts owe each dealer (`dealer_id`, `cents`), counted as the Outstanding page's "Total owed": invoices + debits − credits. */
function openBalanceByDealer(db: Executor, accountIds: string[], jobIds: string[] | null): Knex.QueryBuilder {
  const invoices = withinJobs(db('invoices'), jobIds, 'job_id').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_INVOICE_STATUSES as unknown as string[])
    .select('dealer_id', 'balance_cents as cents');
  const adjustments = withinJobs(db('adjustments'), jobIds, 'job_id').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_ADJUSTMENT_STATUSES as unknown as string[])
    .select('dealer_id', db.raw("case when kind = 'credit' then -balance_cents else balance_cents end as cents"));
  return db.from(invoices.unionAll(adjustments, true).as('items')).groupBy('dealer_id').select('dealer_id', db.raw('coalesce(sum(cents), 0)::bigint as cents'));
}

/**
 * The supplier list: the subject's accounts (with their credit), their dealers by name and what
 * the accounts owe each, in one statement, since every portal visit starts there.
 */
export async function supplierList(db: Executor, subject: string | PortalSubject): Promise<{ accounts: VisibleAccount[]; dealers: Array<PortalDealer & { open_balance_cents: number }> }> {
  const ids = await linkedAccountIds(db, subject);
  if (ids.length === 0) return { accounts: [], dealers: [] };
  const dealers = db('dealers as d')
    .leftJoin(openBalanceByDealer(db, ids, subjectOf(subject).jobIds).as('b'), 'b.dealer_id', 'd.id')
    .whereIn('d.id', db('customer_accounts').whereIn('id', ids).select('dealer_id'))
    .select(...PORTAL_DEALER_COLUMNS.map((column) => `d.${column}`), db.raw('coalesce(b.cents, 0)::bigint as open_balance_cents'));
  const { rows } = await db.raw(
    `select (select coalesce(json_agg(a order by a.name, a.erp_account_id), '[]') from (?) a) as accounts,
            (select coalesce(json_agg(d order by d.name, d.id), '[]') from (?) d) as dealers`,
    [visibleAccountsQuery(db, ids), dealers],
  );
  return rows[0];
}

export interface QuotableItemsRequest {
  sourceView: 'all' | 'current_statement' | 'new_charges' | 'amount';
  invoiceIds: string[];
  adjustmentIds: string[];
}

/**
 * The invoices and adjustments of one linked account a payment request names, as queries for
 * the quote's one read (db/quote-parties.ts); null where the request names none of a kind. "Pay
 * an amount" spreads cash over every open invoice and debit, oldest first, so it reads all of
 * those too.
 */
export function quotableItemQueries(db: Executor, customerAccountId: string, request: QuotableItemsRequest, jobIds: string[] | null = null): { invoices: Knex.QueryBuilder | null; adjustments: Knex.QueryBuilder | null } {
  const invoicesQuery = withinJobs(db('invoices'), jobIds, 'job_id').where({ customer_account_id: customerAccountId });
  if (request.sourceView !== 'amount') invoicesQuery.whereIn('id', request.invoiceIds);
  else invoicesQuery.whereIn('status', ['open', 'partially_paid']);
  const adjustmentsQuery = withinJobs(db('adjustments'), jobIds, 'job_id').where({ customer_account_id: customerAccountId });
  if (request.sourceView !== 'amount') adjustmentsQuery.whereIn('id', request.adjustmentIds);
  else adjustmentsQuery.where((q) => q.whereIn('id', request.adjustmentIds).orWhere((d) => d.where({ kind: 'debit' }).whereIn('status', ['open', 'partially_applied'])));
  // A selection of invoices only (the usual one) asks nothing about adjustments, and the other way round.
  const byIds = request.sourceView !== 'amount';
  return {
    invoices: byIds && request.invoiceIds.length === 0 ? null : invoicesQuery,
    adjustments: byIds && request.adjustmentIds.length === 0 ? null : adjustmentsQuery,
  };
}

export interface StatementItemRow {
  item_type: string;
  amount_cents: number;
  invoice_id: string | null;
  invoice_number: string | null;
  invoice_balance: number | null;
  invoice_reserved: number | null;
  adjustment_id: string | null;
  adjustment_number: string | null;
  adjustment_balance: number | null;
  adjustment_reserved: number | null;
}

/** A statement of one account with the items it lists and what each still owes; undefined when the account has no such statement. */
export async function statementWithItems(db: Executor, customerAccountId: string, statementId: string): Promise<{ statement: Record<string, any>; items: StatementItemRow[] } | undefined> {
  const statement = await db('statements').where({ id: statementId, customer_account_id: customerAccountId }).first();
  if (!statement) return undefined;
  const items = await db('statement_items as si')
    .leftJoin('invoices as i', 'i.id', 'si.invoice_id')
    .leftJoin('adjustments as a', 'a.id', 'si.adjustment_id')
    .where('si.statement_id', statementId)
    .select('si.item_type', 'si.amount_cents', 'i.id as invoice_id', 'i.invoice_number', 'i.balance_cents as invoice_balance', 'i.reserved_cents as invoice_reserved',
      'a.id as adjustment_id', 'a.adjustment_number', 'a.balance_cents as adjustment_balance', 'a.reserved_cents as adjustment_reserved');
  return { statement, items };
}
