import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ACCOUNT_AGGREGATION_SQL, refreshAccountStats, refreshDealerAccountStats } from '../db/account-stats';
import { createDb, dropDatabase, ensureDatabase, migrateLatest, type Db } from '../db/connection';

/**
 * What keeping account statistics and Collection Priority current costs per change.
 *
 * Seeds a dealer with 50,000 accounts and 1,000,000 invoices (60% paid history, the rest open
 * or partly paid, due dates spread over 230 days) plus adjustments, and a second dealer
 * sharing the tables; then times:
 *   - one changed invoice: update its balance and refresh its account, in one transaction
 *     (what a sync event or a payment posting does), wall time of the refresh and the
 *     server-side execution time of the aggregation statement;
 *   - batches of changed invoices on distinct accounts (10 … 10,000);
 *   - the full nightly recompute of the dealer.
 * Every figure is given as wall time and as DB time: the CPU time the PostgreSQL backend
 * spent (from /proc/<backend pid>/schedstat, when the server is local), which is what the
 * refresh costs the database whatever else is competing for the machine.
 *
 *   npx tsx bench/priority-update.ts          (temporary database on local PostgreSQL, dropped after)
 *   BENCH_DATABASE_URL=postgres://… BENCH_ACCOUNTS=50000 BENCH_INVOICES_PER_ACCOUNT=20 [BENCH_KEEP_DATA=1] npx tsx bench/priority-update.ts
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50_000);
const INVOICES_PER_ACCOUNT = Number(process.env.BENCH_INVOICES_PER_ACCOUNT ?? 20);
const SINGLE_ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 500);
const NOW = new Date('2026-11-20T18:00:00Z');

async function seedDealer(db: Db, slug: string, accounts: number, invoicesPerAccount: number): Promise<string> {
  const [dealer] = await db('dealers').insert({ name: `Bench ${slug}`, slug, integration_mode: 'spruce', time_zone: 'America/Chicago' }).returning('id');
  await db.raw(
    `insert into customer_accounts (dealer_id, erp_account_id, name, status, credit_limit_cents)
     select :dealer, 'C' || lpad(g::text, 6, '0'), 'Account ' || g,
       case when g % 17 = 0 then 'inactive' else 'active' end,
       case when g % 3 = 0 then (1 + g % 50) * 100000 else null end
     from generate_series(1, :accounts) g`,
    { dealer: dealer.id, accounts },
  );
  await db.raw(
    `insert into invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status)
     select a.dealer_id, a.id, a.erp_account_id || '-' || k, due - 30, due, amount,
       case when h % 10 < 6 then 0 when h % 10 = 6 then amount / 2 else amount end,
       case when h % 10 < 6 then 'paid' when h % 10 = 6 then 'partially_paid' else 'open' end
     from customer_accounts a
     cross join lateral generate_series(1, :perAccount) k
     cross join lateral (select abs(hashtext(a.id::text || ':' || k)) as h) r
     cross join lateral (select date '2026-12-20' - (r.h / 10 % 230)::int as due, 1000 + (r.h / 7 % 500000) as amount) v
     where a.dealer_id = :dealer`,
    { dealer: dealer.id, perAccount: invoicesPerAccount },
  );
  await db.raw(
    `insert into adjustments (dealer_id, customer_account_id, kind, reason, adjustment_number, amount_cents, balance_cents, status)
     select a.dealer_id, a.id, case when k = 1 then 'credit' else 'debit' end, case when k = 1 then 'credit' else 'charge' end,
       'ADJ-' || a.erp_account_id || '-' || k, 5000, case when abs(hashtext(a.id::text || k)) % 3 = 0 then 0 else 5000 end,
       case when abs(hashtext(a.id::text || k)) % 3 = 0 then 'applied' else 'open' end
     from customer_accounts a cross join generate_series(1, 2) k
     where a.dealer_id = :dealer and abs(hashtext(a.id::text)) % 4 = 0`,
    { dealer: dealer.id },
  );
  return dealer.id;
}

/** On-CPU nanoseconds of the one backend all bench queries run on (pool of one connection). */
let backendPid = 0;
function backendCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/${backendPid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; wallMs: number; dbMs: number }> {
  const cpu = backendCpuMs();
  const started = performance.now();
  const result = await work();
  return { result, wallMs: performance.now() - started, dbMs: backendCpuMs() - cpu };
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return `p50 ${at(50).toFixed(2)} ms, p95 ${at(95).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms (n=${samples.length})`;
}

/** Picks `count` invoices that are open, on distinct accounts, deterministically. */
async function openInvoicesOnDistinctAccounts(db: Db, dealerId: string, count: number, offset: number): Promise<{ id: string; customer_account_id: string; balance_cents: number }[]> {
  const { rows } = await db.raw(
    `select distinct on (customer_account_id) id, customer_account_id, balance_cents
     from invoices where dealer_id = ? and status = 'open' and balance_cents > 100
     order by customer_account_id, id offset ? limit ?`,
    [dealerId, offset, count],
  );
  return rows;
}

/** A partial payment on each invoice and the refresh of the touched accounts, in one transaction. */
async function applyChangesAndRefresh(db: Db, invoices: { id: string; customer_account_id: string }[]): Promise<{ wallMs: number; dbMs: number }> {
  let cost = { wallMs: 0, dbMs: 0 };
  await db.transaction(async (trx) => {
    await trx.raw(
      `update invoices set balance_cents = balance_cents - 100, status = 'partially_paid' where id = any(?::uuid[])`,
      [invoices.map((invoice) => invoice.id)],
    );
    cost = await timed(() => refreshAccountStats(trx, invoices.map((invoice) => invoice.customer_account_id), NOW));
  });
  return cost;
}

async function aggregationExecutionMs(db: Db, accountId: string): Promise<number> {
  const sql = `explain (analyze, format json) ${ACCOUNT_AGGREGATION_SQL.replace(/\$[12]/g, '?')}`;
  const { rows } = await db.raw(sql, [NOW.toISOString(), accountId]);
  return rows[0]['QUERY PLAN'][0]['Execution Time'];
}

async function measureSingle(db: Db, dealerId: string, label: string): Promise<void> {
  const invoices = await openInvoicesOnDistinctAccounts(db, dealerId, SINGLE_ITERATIONS, 0);
  for (const invoice of invoices.slice(0, 20)) await applyChangesAndRefresh(db, [invoice]); // warm-up
  const wall: number[] = [];
  const dbTime: number[] = [];
  for (const invoice of invoices) {
    const cost = await applyChangesAndRefresh(db, [invoice]);
    wall.push(cost.wallMs);
    dbTime.push(cost.dbMs);
  }
  const server: number[] = [];
  for (const invoice of invoices.slice(0, 200)) server.push(await aggregationExecutionMs(db, invoice.customer_account_id));
  process.stdout.write(`${label}\n  refresh wall time (lock + aggregate + upsert, 3 round trips): ${summary(wall)}\n`);
  process.stdout.write(`  refresh DB time (backend CPU):                                 ${summary(dbTime)}\n`);
  process.stdout.write(`  aggregation statement alone, EXPLAIN ANALYZE execution:        ${summary(server)}\n`);
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const temporary = !process.env.BENCH_DATABASE_URL;
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? adminUrl.replace(/\/postgres$/, `/drypowder_bench_priority_${process.pid}`);
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, { min: 1, max: 1 });
  const slugs = [`bench-priority-${process.pid}`, `bench-priority-other-${process.pid}`];
  try {
    await migrateLatest(db);
    backendPid = (await db.raw('select pg_backend_pid() as pid')).rows[0].pid;
    process.stdout.write(`load average at start: ${loadavg().map((value) => value.toFixed(1)).join(' ')} (${Number.isNaN(backendCpuMs()) ? 'DB time unavailable: server not local' : 'DB time from the backend schedstat'})\n`);
    const started = performance.now();
    const dealerId = await seedDealer(db, slugs[0]!, ACCOUNTS, INVOICES_PER_ACCOUNT);
    await seedDealer(db, slugs[1]!, Math.floor(ACCOUNTS / 5), INVOICES_PER_ACCOUNT);
    await db.raw('analyze');
    const counts = (await db.raw(
      `select (select count(*) from customer_accounts)::int8 as accounts, (select count(*) from invoices)::int8 as invoices,
              (select count(*) from invoices where status in ('open','partially_paid'))::int8 as open_invoices,
              (select count(*) from adjustments)::int8 as adjustments`,
    )).rows[0];
    process.stdout.write(`seeded ${counts.accounts} accounts, ${counts.invoices} invoices (${counts.open_invoices} open), ${counts.adjustments} adjustments in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    const full = await timed(() => refreshDealerAccountStats(db, dealerId, NOW));
    process.stdout.write(`full dealer recompute (nightly): ${full.result.accounts} accounts in ${(full.wallMs / 1000).toFixed(2)} s wall `
      + `(${Math.round(full.result.accounts / (full.wallMs / 1000))} accounts/s), DB time ${(full.dbMs / 1000).toFixed(2)} s `
      + `(${(full.dbMs / full.result.accounts).toFixed(3)} ms per account); median balance ${full.result.medianBalanceCents} cents\n`);
    await db.raw('vacuum analyze account_stats');

    await measureSingle(db, dealerId, 'one changed invoice → refresh its account');

    for (const batch of [10, 100, 1_000, 10_000]) {
      const invoices = await openInvoicesOnDistinctAccounts(db, dealerId, batch, SINGLE_ITERATIONS);
      const cost = await applyChangesAndRefresh(db, invoices);
      process.stdout.write(`batch of ${invoices.length} changed invoices on distinct accounts: wall ${cost.wallMs.toFixed(1)} ms `
        + `(${(cost.wallMs / invoices.length).toFixed(3)} ms per invoice), DB time ${cost.dbMs.toFixed(1)} ms (${(cost.dbMs / invoices.length).toFixed(3)} ms per invoice)\n`);
    }

    process.stdout.write(`load average at end: ${loadavg().map((value) => value.toFixed(1)).join(' ')}\n`);
  } finally {
    // A database named by BENCH_DATABASE_URL may be shared: leave it as it was found
    // (unless BENCH_KEEP_DATA=1, to inspect plans afterwards).
    if (!temporary && process.env.BENCH_KEEP_DATA !== '1') await db('dealers').whereIn('slug', slugs).delete();
    await db.destroy();
    if (temporary) await dropDatabase(databaseUrl);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
