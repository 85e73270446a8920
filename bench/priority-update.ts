import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ACCOUNT_AGGREGATION_SQL, refreshAccountStats } from '../db/account-stats';
import { createDb, type Db } from '../db/connection';
import { figure } from './lib/figures';
import { createBenchDatabase, type BenchEnv } from './lib/infra';
import { buildReceivablesBook } from './lib/receivables-seed';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution, type Distribution } from './lib/stats';

/**
 * What keeping account statistics and Collection Priority current costs per change.
 *
 * On a dealer with 50,000 accounts and 1,000,000 invoices (60% paid history, the rest open
 * or partly paid, due dates spread over 230 days) plus adjustments, and a second dealer
 * sharing the tables, times:
 *   - one changed invoice: update its balance and refresh its account, in one transaction
 *     (what a sync event or a payment posting does), wall time of the refresh and the
 *     server-side execution time of the aggregation statement;
 *   - batches of changed invoices on distinct accounts (10 … 10,000);
 *   - the full nightly recompute of the dealer (while the book is built).
 * Each is set beside the write it follows (the UPDATE of the changed invoices, same
 * transaction). Every figure is given as wall time and as DB time: the CPU time the
 * PostgreSQL backend spent (from /proc/<backend pid>/schedstat, when the server is local),
 * which is what the refresh costs the database whatever else is competing for the machine.
 *
 *   npx tsx bench/priority-update.ts          (temporary database, dropped after)
 *   BENCH_ACCOUNTS=50000 BENCH_INVOICES_PER_ACCOUNT=20 BENCH_ITERATIONS=500 npx tsx bench/priority-update.ts
 */
export const PRIORITY_NOW = new Date('2026-11-20T18:00:00Z');

export interface PriorityOptions {
  iterations: number;
  batches: number[];
  scale: string;
}

/** On-CPU milliseconds of one PostgreSQL backend, when the server runs on this machine. */
function backendCpuMs(backendPid: number): number {
  try {
    return Number(readFileSync(`/proc/${backendPid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
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

interface ChangeCost {
  updateMs: number;
  updateDbMs: number;
  wallMs: number;
  dbMs: number;
}

export async function measurePriorityUpdate(databaseUrl: string, dealerId: string, options: PriorityOptions, log: (line: string) => void): Promise<BenchResult> {
  // One connection, so the backend whose CPU time is read is the one doing the work.
  const db = createDb(databaseUrl, { min: 1, max: 1 });
  try {
    const backendPid: number = (await db.raw('select pg_backend_pid() as pid')).rows[0].pid;
    const dbTimeAvailable = !Number.isNaN(backendCpuMs(backendPid));
    log(`DB time ${dbTimeAvailable ? 'from the backend schedstat' : 'unavailable: server not local'}`);

    /** A partial payment on each invoice and the refresh of the touched accounts, in one transaction. */
    const applyChangesAndRefresh = async (invoices: { id: string; customer_account_id: string }[]): Promise<ChangeCost> => {
      let cost: ChangeCost = { updateMs: 0, updateDbMs: 0, wallMs: 0, dbMs: 0 };
      await db.transaction(async (trx) => {
        const updateCpu = backendCpuMs(backendPid);
        const updateStarted = performance.now();
        await trx.raw(`update invoices set balance_cents = balance_cents - 100, status = 'partially_paid' where id = any(?::uuid[])`, [invoices.map((invoice) => invoice.id)]);
        const updateMs = performance.now() - updateStarted;
        const cpu = backendCpuMs(backendPid);
        const started = performance.now();
        await refreshAccountStats(trx, invoices.map((invoice) => invoice.customer_account_id), PRIORITY_NOW);
        cost = { updateMs, updateDbMs: cpu - updateCpu, wallMs: performance.now() - started, dbMs: backendCpuMs(backendPid) - cpu };
      });
      return cost;
    };

    const aggregationExecutionMs = async (accountId: string): Promise<number> => {
      const sql = `explain (analyze, format json) ${ACCOUNT_AGGREGATION_SQL.replace(/\$[12]/g, '?')}`;
      const { rows } = await db.raw(sql, [PRIORITY_NOW.toISOString(), accountId]);
      return rows[0]['QUERY PLAN'][0]['Execution Time'];
    };

    const summary = (d: Distribution) => `p50 ${d.p50.toFixed(2)} ms, p95 ${d.p95.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms (n=${d.n})`;
    const measureSingle = async (label: string) => {
      const invoices = await openInvoicesOnDistinctAccounts(db, dealerId, options.iterations, 0);
      for (const invoice of invoices.slice(0, 20)) await applyChangesAndRefresh([invoice]); // warm-up
      const costs: ChangeCost[] = [];
      for (const invoice of invoices) costs.push(await applyChangesAndRefresh([invoice]));
      const server: number[] = [];
      for (const invoice of invoices.slice(0, 200)) server.push(await aggregationExecutionMs(invoice.customer_account_id));
      const result = {
        update_ms: distribution(costs.map((cost) => cost.updateMs)),
        refresh_wall_ms: distribution(costs.map((cost) => cost.wallMs)),
        refresh_db_ms: distribution(costs.map((cost) => cost.dbMs)),
        aggregation_execution_ms: distribution(server),
      };
      log(label);
      log(`  the change itself (UPDATE of the invoice):                    ${summary(result.update_ms)}`);
      log(`  refresh wall time (lock + aggregate + upsert):                ${summary(result.refresh_wall_ms)}`);
      log(`  refresh DB time (backend CPU):                                 ${summary(result.refresh_db_ms)}`);
      log(`  aggregation statement alone, EXPLAIN ANALYZE execution:        ${summary(result.aggregation_execution_ms)}`);
      return result;
    };

    const single = await measureSingle('one changed invoice → refresh its account');

    const batches: Array<{
      invoices: number; update_ms: number; update_db_ms: number; wall_ms: number; db_ms: number;
      wall_ms_per_invoice: number; db_ms_per_invoice: number; update_ms_per_invoice: number; update_db_ms_per_invoice: number;
    }> = [];
    for (const batch of options.batches) {
      const invoices = await openInvoicesOnDistinctAccounts(db, dealerId, batch, options.iterations);
      const cost = await applyChangesAndRefresh(invoices);
      const n = invoices.length;
      batches.push({
        invoices: n, update_ms: cost.updateMs, update_db_ms: cost.updateDbMs, wall_ms: cost.wallMs, db_ms: cost.dbMs,
        wall_ms_per_invoice: cost.wallMs / n, db_ms_per_invoice: cost.dbMs / n, update_ms_per_invoice: cost.updateMs / n, update_db_ms_per_invoice: cost.updateDbMs / n,
      });
      log(`batch of ${n} changed invoices on distinct accounts: wall ${cost.wallMs.toFixed(1)} ms (${(cost.wallMs / n).toFixed(3)} ms per invoice), `
        + `DB time ${cost.dbMs.toFixed(1)} ms (${(cost.dbMs / n).toFixed(3)} ms per invoice); the UPDATE itself ${cost.updateMs.toFixed(1)} ms wall, ${cost.updateDbMs.toFixed(1)} ms DB time`);
    }

    const largest = batches.at(-1);
    const figures = [
      figure({
        benchmark: 'priority-update', key: 'single_refresh_p50_ms', label: 'Collection Priority update, one changed invoice, p50', scale: options.scale,
        value: single.refresh_wall_ms.p50, unit: 'ms', baseline: { label: 'the invoice UPDATE itself, p50', value: single.update_ms.p50, unit: 'ms' },
      }),
    ];
    if (largest) {
      figures.push(figure({
        benchmark: 'priority-update', key: 'batch_refresh_ms_per_invoice', label: `Collection Priority update per changed invoice, batch of ${largest.invoices.toLocaleString('en-US')}`, scale: options.scale,
        value: Math.round(largest.wall_ms_per_invoice * 1000) / 1000, unit: 'ms', baseline: { label: 'the batch UPDATE itself, per invoice', value: Math.round(largest.update_ms_per_invoice * 1000) / 1000, unit: 'ms' },
      }));
      if (dbTimeAvailable) {
        figures.push(figure({
          benchmark: 'priority-update', key: 'batch_refresh_db_ms_per_invoice', label: `… the same, PostgreSQL CPU time per changed invoice`, scale: options.scale,
          value: Math.round(largest.db_ms_per_invoice * 1000) / 1000, unit: 'ms', baseline: { label: 'the batch UPDATE itself, CPU per invoice', value: Math.round(largest.update_db_ms_per_invoice * 1000) / 1000, unit: 'ms' },
        }));
      }
    }
    return { figures, detail: { single, batches, db_time_available: dbTimeAvailable } };
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 50_000);
  const invoicesPerAccount = Number(process.env.BENCH_INVOICES_PER_ACCOUNT ?? 20);
  runStandalone('priority-update', {}, async (env: BenchEnv) => {
    const database = await createBenchDatabase(env.adminUrl, 'priority', { max: 4 });
    try {
      const book = await buildReceivablesBook(database.db, {
        accounts, invoicesPerAccount, otherDealerAccounts: Math.floor(accounts / 5), bigCustomerItems: 0, now: PRIORITY_NOW, log: env.log,
      });
      const result = await measurePriorityUpdate(database.url, book.dealerId, {
        iterations: Number(process.env.BENCH_ITERATIONS ?? 500), batches: [10, 100, 1_000, 10_000],
        scale: `${accounts.toLocaleString('en-US')} accounts, ${(accounts * invoicesPerAccount).toLocaleString('en-US')} invoices`,
      }, env.log);
      return { figures: result.figures, detail: { ...result.detail, full_recompute: book.full_recompute, book } };
    } finally {
      await database.stop();
    }
  });
}
