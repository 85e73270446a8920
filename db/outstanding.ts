import type { Knex } from 'knex';
import { OPEN_ADJUSTMENT_STATUSES, OPEN_INVOICE_STATUSES } from '../domain/aging';
import type { IsoDate } from '../domain/dates';
import type { Db } from './connection';
import { withinJobs } from './portal-scope';

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

export interface OutstandingRows {
  items: OpenItemRow[];
  jobs: JobRow[];
  /** The latest statement of each account. */
  statements: LatestStatementRow[];
  /** The items (invoice or adjustment ids) each of those statements lists. */
  statementItems: Map<string, Set<string>>;
}

/** Open items, jobs and latest statements of the given accounts. */
/**
 * `jobIds` (a project manager's jobs; null for every job) narrows the items and jobs, and
 * leaves statements out: a statement lists every job's items, so paying it is not for someone
 * limited to some of them.
 */
export async function outstandingRows(db: Executor, accountIds: string[], jobIds: string[] | null = null): Promise<OutstandingRows> {
  const [items, jobs, statements] = await Promise.all([
    openItems(db, accountIds, jobIds),
    accountIds.length ? withinJobs(db('jobs').whereIn('customer_account_id', accountIds), jobIds, 'id').select('id', 'name', 'erp_job_id') : [],
    accountIds.length && jobIds === null
      ? db('statements').whereIn('customer_account_id', accountIds).distinctOn('customer_account_id')
        .orderBy([{ column: 'customer_account_id' }, { column: 'statement_date', order: 'desc' }, { column: 'created_at', order: 'desc' }])
        .select('id', 'customer_account_id', 'statement_number', 'statement_date', 'status', 'balance_cents', 'discount_cents', 'discount_date', 'due_date')
      : [],
  ]);
  const statementItems = await itemsOnStatements(db, (statements as LatestStatementRow[]).map((row) => row.id));
  return { items, jobs: jobs as JobRow[], statements: statements as LatestStatementRow[], statementItems };
}

async function openItems(db: Executor, accountIds: string[], jobIds: string[] | null): Promise<OpenItemRow[]> {
  if (accountIds.length === 0) return [];
  const invoices = withinJobs(db('invoices'), jobIds, 'job_id')
    .whereIn('customer_account_id', accountIds)
    .whereIn('status', OPEN_INVOICE_STATUSES as unknown as string[])
    .where('balance_cents', '>', 0)
    .select(
      db.raw("'invoice' as type"), 'id', 'customer_account_id', 'job_id', 'invoice_number as number', 'invoice_date as date', 'due_date',
      'amount_cents', 'balance_cents', 'reserved_cents', 'statement_id', 'po_number', db.raw('null as description'), db.raw('null as applies_to_invoice_number'),
      'terms', 'terms_discount_cents', 'terms_discount_date',
    );
  const adjustments = withinJobs(db('adjustments'), jobIds, 'job_id')
    .whereIn('customer_account_id', accountIds)
    .whereIn('status', OPEN_ADJUSTMENT_STATUSES as unknown as string[])
    .where('balance_cents', '>', 0)
    .select(
      'kind as type', 'id', 'customer_account_id', 'job_id', 'adjustment_number as number', 'transaction_date as date', 'due_date',
      'amount_cents', 'balance_cents', 'reserved_cents', 'statement_id', db.raw('null as po_number'), 'description', 'applies_to_invoice_number',
      db.raw('null as terms'), db.raw('null::bigint as terms_discount_cents'), db.raw('null::date as terms_discount_date'),
    );
  return (await invoices.unionAll(adjustments)) as OpenItemRow[];
}

/** The items each statement lists. */
async function itemsOnStatements(db: Executor, statementIds: string[]): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>();
  if (statementIds.length === 0) return map;
  const rows = await db('statement_items').whereIn('statement_id', statementIds).select('statement_id', 'invoice_id', 'adjustment_id');
  for (const row of rows as Array<{ statement_id: string; invoice_id: string | null; adjustment_id: string | null }>) {
    const set = map.get(row.statement_id) ?? new Set<string>();
    set.add((row.invoice_id ?? row.adjustment_id)!);
    map.set(row.statement_id, set);
  }
  return map;
}

/** What the accounts owe each dealer, counted as the Outstanding page's "Total owed": invoices + debits − credits. */
export async function openBalanceByDealer(db: Executor, accountIds: string[], jobIds: string[] | null = null): Promise<Map<string, number>> {
  const [invoices, adjustments] = await Promise.all([
    withinJobs(db('invoices'), jobIds, 'job_id').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_INVOICE_STATUSES as unknown as string[])
      .groupBy('dealer_id').select('dealer_id', db.raw('coalesce(sum(balance_cents), 0)::bigint as cents')),
    withinJobs(db('adjustments'), jobIds, 'job_id').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_ADJUSTMENT_STATUSES as unknown as string[])
      .groupBy('dealer_id').select('dealer_id', db.raw("coalesce(sum(case when kind = 'credit' then -balance_cents else balance_cents end), 0)::bigint as cents")),
  ]);
  const totals = new Map<string, number>();
  for (const row of [...invoices, ...adjustments] as Array<{ dealer_id: string; cents: string | number }>) totals.set(row.dealer_id, (totals.get(row.dealer_id) ?? 0) + Number(row.cents));
  return totals;
}

export interface QuotableItemsRequest {
  sourceView: 'all' | 'current_statement' | 'new_charges' | 'amount';
  invoiceIds: string[];
  adjustmentIds: string[];
}

/**
 * The invoices and adjustments of one linked account a payment request names. "Pay an amount"
 * spreads cash over every open invoice and debit, oldest first, so it reads all of those too.
 */
export async function quotableItems(db: Executor, customerAccountId: string, request: QuotableItemsRequest, jobIds: string[] | null = null): Promise<{ invoices: Array<Record<string, any>>; adjustments: Array<Record<string, any>> }> {
  const invoicesQuery = withinJobs(db('invoices'), jobIds, 'job_id').where({ customer_account_id: customerAccountId });
  if (request.sourceView !== 'amount') invoicesQuery.whereIn('id', request.invoiceIds);
  else invoicesQuery.whereIn('status', ['open', 'partially_paid']);
  const adjustmentsQuery = withinJobs(db('adjustments'), jobIds, 'job_id').where({ customer_account_id: customerAccountId });
  if (request.sourceView !== 'amount') adjustmentsQuery.whereIn('id', request.adjustmentIds);
  else adjustmentsQuery.where((q) => q.whereIn('id', request.adjustmentIds).orWhere((d) => d.where({ kind: 'debit' }).whereIn('status', ['open', 'partially_applied'])));
  const [invoices, adjustments] = await Promise.all([invoicesQuery, adjustmentsQuery]);
  return { invoices, adjustments };
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
