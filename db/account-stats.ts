import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  OPEN_ADJUSTMENT_STATUSES, OPEN_INVOICE_STATUSES, PAST_DUE_BUCKETS, weightedDaysOverdueX100, type AgingSummary,
} from '../domain/aging';
import { collectionPriority, type CollectionPriority } from '../domain/collection-priority';
import { nearestLienFiling } from '../domain/lien-deadlines';

/**
 * The Customers Dashboard's precomputed per-account statistics (`account_stats`).
 *
 * Callers that change receivables call `refreshAccountStats` for the accounts they touched,
 * inside their own transaction and after their writes, so the statistics commit with the
 * change. A nightly per-dealer job (`refreshDealerAccountStats`) recomputes every account,
 * because aging moves with the calendar even when no data changes.
 *
 * The aging rules are those of domain/aging.ts, applied here set-based in one SQL statement
 * per chunk of accounts; a test checks the two agree on random portfolios.
 */

type Queryable = Knex | Knex.Transaction;

/** Accounts per statement: large enough to amortise round trips, small enough for short locks. */
export const REFRESH_CHUNK_SIZE = 2_000;

export async function refreshAccountStats(db: Queryable, accountIds: string[], now: Date = new Date()): Promise<void> {
  const ids = [...new Set(accountIds)].sort();
  if (ids.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (let start = 0; start < ids.length; start += REFRESH_CHUNK_SIZE) {
      await refreshChunk(trx, ids.slice(start, start + REFRESH_CHUNK_SIZE), now);
    }
  });
}

export interface DealerRefreshResult {
  accounts: number;
  medianBalanceCents: number | null;
}

/**
 * Recomputes the dealer's typical balance, then every account, one chunk per transaction so
 * a 50,000-account dealer never holds locks on all its accounts at once.
 */
export async function refreshDealerAccountStats(
  db: Knex,
  dealerId: string,
  now: Date = new Date(),
  options: { chunkSize?: number; onChunk?: (accountsDone: number) => void } = {},
): Promise<DealerRefreshResult> {
  const chunkSize = options.chunkSize ?? REFRESH_CHUNK_SIZE;
  const medianBalanceCents = await refreshDealerReference(db, dealerId);
  let accounts = 0;
  let after: string | null = null;
  for (;;) {
    const query = db('customer_accounts').where({ dealer_id: dealerId }).orderBy('id').limit(chunkSize).pluck('id');
    if (after) query.andWhere('id', '>', after);
    const ids: string[] = await query;
    if (ids.length === 0) break;
    await db.transaction((trx) => refreshChunk(trx, ids, now));
    accounts += ids.length;
    after = ids[ids.length - 1]!;
    options.onChunk?.(accounts);
  }
  return { accounts, medianBalanceCents };
}

/** The median open-invoice balance over the dealer's accounts that owe something. */
export async function refreshDealerReference(db: Queryable, dealerId: string): Promise<number | null> {
  const result = await db.raw(
    `with balances as (
       select customer_account_id, sum(balance_cents) as balance
       from invoices
       where dealer_id = :dealerId and status in (${sqlList(OPEN_INVOICE_STATUSES)}) and balance_cents > 0
       group by customer_account_id)
     select percentile_disc(0.5) within group (order by balance)::int8 as median, count(*)::int4 as accounts from balances`,
    { dealerId },
  );
  const row = result.rows[0] as { median: number | null; accounts: number };
  if (row.median === null) {
    await db('dealer_ar_reference').where({ dealer_id: dealerId }).delete();
    return null;
  }
  await db('dealer_ar_reference')
    .insert({ dealer_id: dealerId, median_balance_cents: row.median, accounts_with_balance: row.accounts, computed_at: db.fn.now() })
    .onConflict('dealer_id')
    .merge();
  return row.median;
}

async function inTransaction(db: Queryable, work: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  if ((db as Knex.Transaction).isTransaction) return work(db as Knex.Transaction);
  return db.transaction(work);
}

/** The balances `account_stats` keeps per account: the figures the dashboard's stats panel sums. */
export interface AccountBalances {
  outstanding_cents: number;
  current_cents: number;
  past_due_cents: number;
  debit_adjustments_cents: number;
  credit_adjustments_cents: number;
  discounts_cents: number;
}

/** Every aging figure `account_stats` keeps per account, named as its columns are. */
export interface AccountAgingFigures extends AccountBalances {
  aging_1_30_cents: number;
  aging_31_60_cents: number;
  aging_61_90_cents: number;
  aging_91_plus_cents: number;
  open_invoice_count: number;
  current_invoice_count: number;
  past_due_invoice_count: number;
}

interface AggregateRow extends AccountAgingFigures {
  account_id: string;
  dealer_id: string;
  status: string;
  credit_limit_cents: number | null;
  deleted: boolean;
  today: string;
  reference_cents: number | null;
  past_due_balance_days: string;
  account_state: string | null;
  lien_jobs: Array<{ state: string | null; last: string }> | null;
  lien_overrides: Array<{ state: string; preliminary: number | null; filing: number }> | null;
}

async function refreshChunk(trx: Knex.Transaction, ids: string[], now: Date): Promise<void> {
  const shape = ids.length === 1 ? 'one' : 'many';
  const accounts = ids.length === 1 ? ids[0] : ids;
  await runPrepared(trx, LOCK_ACCOUNTS[shape], [accounts]);
  const aggregates = await runPrepared<AggregateRow>(trx, AGGREGATE_ACCOUNTS[shape], [now.toISOString(), accounts]);
  await fillMissingReferences(trx, aggregates);

  const deleted = aggregates.filter((row) => row.deleted).map((row) => row.account_id);
  if (deleted.length > 0) await trx('account_stats').whereIn('customer_account_id', deleted).delete();
  const live = aggregates.filter((row) => !row.deleted);
  if (live.length > 0) await upsert(trx, live.map(toStatsRow));
}

/**
 * A dealer's first refresh (e.g. its first CSV upload) has no typical balance yet: compute it
 * now, inside the caller's transaction so it already reflects the new data, rather than
 * scaling the whole first import against the default until the nightly run.
 */
async function fillMissingReferences(trx: Knex.Transaction, aggregates: AggregateRow[]): Promise<void> {
  const dealers = [...new Set(aggregates.filter((row) => row.reference_cents === null).map((row) => row.dealer_id))];
  for (const dealerId of dealers) {
    const median = await refreshDealerReference(trx, dealerId);
    for (const row of aggregates) if (row.dealer_id === dealerId) row.reference_cents = median;
  }
}

export interface AccountStatsRow extends AccountAgingFigures {
  customer_account_id: string;
  dealer_id: string;
  weighted_days_overdue_x100: number;
  collection_priority: number;
  priority_components: PriorityComponentsJson;
  as_of: string;
  /** The soonest lien-filing deadline still ahead of a job with an open balance. */
  lien_deadline_date: string | null;
}

/** Stored shape of the components: keyed by component, in tenths of a point with its label. */
export type PriorityComponentsJson = Record<string, { tenths: number; max_tenths: number; label: string }>;

export function priorityComponentsJson(priority: CollectionPriority): PriorityComponentsJson {
  return Object.fromEntries(priority.components.map((c) => [c.key, { tenths: c.tenths, max_tenths: c.maxTenths, label: c.label }]));
}

function toStatsRow(row: AggregateRow): AccountStatsRow {
  const aging: AgingSummary = {
    asOf: row.today,
    outstandingCents: row.outstanding_cents,
    currentCents: row.current_cents,
    pastDueCents: row.past_due_cents,
    aging1To30Cents: row.aging_1_30_cents,
    aging31To60Cents: row.aging_31_60_cents,
    aging61To90Cents: row.aging_61_90_cents,
    aging91PlusCents: row.aging_91_plus_cents,
    openInvoiceCount: row.open_invoice_count,
    currentInvoiceCount: row.current_invoice_count,
    pastDueInvoiceCount: row.past_due_invoice_count,
    weightedDaysOverdueX100: weightedDaysOverdueX100(BigInt(row.past_due_balance_days), row.past_due_cents),
    debitAdjustmentsCents: row.debit_adjustments_cents,
    creditAdjustmentsCents: row.credit_adjustments_cents,
    discountsCents: row.discounts_cents,
  };
  const lienFiling = nearestLienFiling(
    (row.lien_jobs ?? []).map((job) => ({ jobState: job.state, accountState: row.account_state, firstDeliveryDate: null, lastDeliveryDate: job.last })),
    (row.lien_overrides ?? []).map((entry) => ({ state: entry.state, preliminaryNoticeDays: entry.preliminary, lienFilingDays: entry.filing })),
    row.today,
  );
  const priority = collectionPriority({
    aging,
    accountStatus: row.status,
    creditLimitCents: row.credit_limit_cents,
    referenceBalanceCents: row.reference_cents,
    lienFilingDaysLeft: lienFiling?.daysLeft ?? null,
  });
  return {
    customer_account_id: row.account_id,
    dealer_id: row.dealer_id,
    outstanding_cents: aging.outstandingCents,
    current_cents: aging.currentCents,
    past_due_cents: aging.pastDueCents,
    aging_1_30_cents: aging.aging1To30Cents,
    aging_31_60_cents: aging.aging31To60Cents,
    aging_61_90_cents: aging.aging61To90Cents,
    aging_91_plus_cents: aging.aging91PlusCents,
    debit_adjustments_cents: aging.debitAdjustmentsCents,
    credit_adjustments_cents: aging.creditAdjustmentsCents,
    discounts_cents: aging.discountsCents,
    open_invoice_count: aging.openInvoiceCount,
    current_invoice_count: aging.currentInvoiceCount,
    past_due_invoice_count: aging.pastDueInvoiceCount,
    weighted_days_overdue_x100: aging.weightedDaysOverdueX100,
    collection_priority: priority.score,
    priority_components: priorityComponentsJson(priority),
    as_of: aging.asOf,
    lien_deadline_date: lienFiling?.due ?? null,
  };
}

const STATS_COLUMNS = [
  ['customer_account_id', 'uuid'], ['dealer_id', 'uuid'],
  ['outstanding_cents', 'int8'], ['current_cents', 'int8'], ['past_due_cents', 'int8'],
  ['aging_1_30_cents', 'int8'], ['aging_31_60_cents', 'int8'], ['aging_61_90_cents', 'int8'], ['aging_91_plus_cents', 'int8'],
  ['debit_adjustments_cents', 'int8'], ['credit_adjustments_cents', 'int8'], ['discounts_cents', 'int8'],
  ['open_invoice_count', 'int4'], ['current_invoice_count', 'int4'], ['past_due_invoice_count', 'int4'],
  ['weighted_days_overdue_x100', 'int4'], ['collection_priority', 'int2'], ['priority_components', 'jsonb'], ['as_of', 'date'],
  ['lien_deadline_date', 'date'],
] as const satisfies readonly (readonly [keyof AccountStatsRow, string])[];

/** One statement for the whole chunk: each column travels as one array parameter. */
async function upsert(trx: Knex.Transaction, rows: AccountStatsRow[]): Promise<void> {
  const column = (row: AccountStatsRow, name: keyof AccountStatsRow, type: string) => (type === 'jsonb' ? JSON.stringify(row[name]) : row[name]);
  if (rows.length === 1) {
    await runPrepared(trx, UPSERT_STATS.one, STATS_COLUMNS.map(([name, type]) => column(rows[0]!, name, type)));
  } else {
    await runPrepared(trx, UPSERT_STATS.many, STATS_COLUMNS.map(([name, type]) => rows.map((row) => column(row, name, type))));
  }
}

const UPSERT_STATS = (() => {
  const names = STATS_COLUMNS.map(([name]) => name).join(', ');
  const updates = STATS_COLUMNS.filter(([name]) => name !== 'customer_account_id').map(([name]) => `${name} = excluded.${name}`);
  const onConflict = `on conflict (customer_account_id) do update set ${[...updates, 'computed_at = excluded.computed_at'].join(', ')}`;
  const scalars = STATS_COLUMNS.map(([, type], index) => `$${index + 1}::${type}`).join(', ');
  const unnest = STATS_COLUMNS.map(([, type], index) => `$${index + 1}::${type === 'jsonb' ? 'text' : type}[]`).join(', ');
  const fromArrays = STATS_COLUMNS.map(([name, type]) => (type === 'jsonb' ? `${name}::jsonb` : name)).join(', ');
  return {
    one: prepared(`insert into account_stats (${names}, computed_at) values (${scalars}, now()) ${onConflict}`),
    many: prepared(`insert into account_stats (${names}, computed_at) select ${fromArrays}, now() from unnest(${unnest}) as t(${names}) ${onConflict}`),
  };
})();

interface PreparedStatement {
  name: string;
  text: string;
}

/** Named after a hash of its text, so a changed statement can never reuse a stale preparation. */
function prepared(text: string): PreparedStatement {
  return { name: `account_stats_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
}

/**
 * The three statements of a refresh run on every receivable change; for one account, parsing
 * and planning them cost more than executing them. Prepared by name on the transaction's own
 * connection, PostgreSQL parses them once per connection, and the single-account shapes
 * (scalar parameters, so the generic plan is as good as a custom one) are planned once too.
 */
async function runPrepared<Row>(trx: Knex.Transaction, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const connection = (await trx.client.acquireConnection()) as pg.ClientBase;
  const result = await connection.query({ name: statement.name, text: statement.text, values });
  return result.rows as Row[];
}

// Serialise refreshes of the same account: after this lock the next statement reads a fresh
// snapshot, so a concurrent transaction's committed change is never overwritten by stale
// figures. NO KEY UPDATE does not block inserts of invoices referencing the account.
const LOCK_ACCOUNTS = {
  one: prepared('select id from customer_accounts where id = $1::uuid for no key update'),
  many: prepared('select id from customer_accounts where id = any($1::uuid[]) order by id for no key update'),
};

function sqlList(values: readonly string[]): string {
  return values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
}

/** `today - due_date` bounds of each past-due bucket, from the domain's bucket table. */
function bucketPredicate(index: number): string {
  const from = PAST_DUE_BUCKETS[index]!.fromDay;
  const next = PAST_DUE_BUCKETS[index + 1];
  return next ? `t.today - i.due_date between ${from} and ${next.fromDay - 1}` : `t.today - i.due_date >= ${from}`;
}

/**
 * Per account: the dealer-local date (`now at time zone dealers.time_zone`), the reference
 * balance, and lateral aggregates over its open invoices (with their jobs' delivery dates, in
 * the same pass), adjustments and statements (each served by an index on customer_account_id,
 * so the cost follows the account's open items, not the dealer's size).
 */
const aggregateSql = (accountFilter: string) => `
select a.id as account_id, a.dealer_id, a.status, a.credit_limit_cents, a.deleted_at is not null as deleted,
       t.today::text as today,
       coalesce(d.collection_priority_scale_cents, r.median_balance_cents) as reference_cents,
       a.state as account_state, inv.*, adj.*, disc.*, lien_rules.*
from customer_accounts a
join dealers d on d.id = a.dealer_id
left join dealer_ar_reference r on r.dealer_id = a.dealer_id
cross join lateral (select (($1::timestamptz) at time zone d.time_zone)::date as today) t
cross join lateral (
  select coalesce(sum(i.balance_cents), 0)::int8 as outstanding_cents,
         coalesce(sum(i.balance_cents) filter (where i.due_date >= t.today), 0)::int8 as current_cents,
         coalesce(sum(i.balance_cents) filter (where i.due_date < t.today), 0)::int8 as past_due_cents,
         coalesce(sum(i.balance_cents) filter (where ${bucketPredicate(0)}), 0)::int8 as aging_1_30_cents,
         coalesce(sum(i.balance_cents) filter (where ${bucketPredicate(1)}), 0)::int8 as aging_31_60_cents,
         coalesce(sum(i.balance_cents) filter (where ${bucketPredicate(2)}), 0)::int8 as aging_61_90_cents,
         coalesce(sum(i.balance_cents) filter (where ${bucketPredicate(3)}), 0)::int8 as aging_91_plus_cents,
         count(*)::int4 as open_invoice_count,
         (count(*) filter (where i.due_date >= t.today))::int4 as current_invoice_count,
         (count(*) filter (where i.due_date < t.today))::int4 as past_due_invoice_count,
         coalesce(sum(i.balance_cents::numeric * (t.today - i.due_date)) filter (where i.due_date < t.today), 0)::text as past_due_balance_days,
         jsonb_agg(distinct jsonb_build_object('state', j.state, 'last', j.last_delivery_date)) filter (where j.last_delivery_date is not null) as lien_jobs
  from invoices i
  left join jobs j on j.id = i.job_id
  where i.customer_account_id = a.id and i.status in (${sqlList(OPEN_INVOICE_STATUSES)}) and i.balance_cents > 0
) inv
cross join lateral (
  select coalesce(sum(x.balance_cents) filter (where x.kind = 'debit'), 0)::int8 as debit_adjustments_cents,
         coalesce(sum(x.balance_cents) filter (where x.kind = 'credit'), 0)::int8 as credit_adjustments_cents
  from adjustments x
  where x.customer_account_id = a.id and x.status in (${sqlList(OPEN_ADJUSTMENT_STATUSES)}) and x.balance_cents > 0
) adj
cross join lateral (
  select coalesce(sum(s.discount_cents), 0)::int8 as discounts_cents
  from statements s
  where s.customer_account_id = a.id and s.status = 'open' and s.discount_cents > 0
    and t.today <= coalesce(s.discount_date, s.due_date)
) disc
cross join lateral (
  select jsonb_agg(jsonb_build_object('state', o.state, 'preliminary', o.preliminary_notice_days, 'filing', o.lien_filing_days)) as lien_overrides
  from lien_deadline_overrides o
  where o.dealer_id = a.dealer_id
) lien_rules
where ${accountFilter}`;

const AGGREGATE_ACCOUNTS = {
  one: prepared(aggregateSql('a.id = $2::uuid')),
  many: prepared(aggregateSql('a.id = any($2::uuid[])')),
};

/** The single-account aggregation, for EXPLAIN in bench/priority-update.ts: $1 = now, $2 = account id. */
export const ACCOUNT_AGGREGATION_SQL = AGGREGATE_ACCOUNTS.one.text;
