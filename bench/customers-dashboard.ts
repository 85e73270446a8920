import { figure } from './lib/figures';
import { selectOneRoundTrips } from './lib/baselines';
import { createBenchDatabase, type BenchEnv } from './lib/infra';
import { BENCH_PASSWORD, buildReceivablesBook } from './lib/receivables-seed';
import { signIn, startReadOnlyApi } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution, type Distribution } from './lib/stats';

/**
 * Customers Dashboard at scale: a dealer with 50,000 accounts and 1,000,000 invoices (and a
 * second dealer sharing the tables), timed end to end through the HTTP API as the console
 * calls it. Prints p50/p95/p99 per request shape beside a bare `SELECT 1` round trip.
 * Goal (issue 6): first page p95 < 100 ms.
 *
 *   npx tsx bench/customers-dashboard.ts            (temporary database)
 *   BENCH_ACCOUNTS=50000 BENCH_INVOICES_PER_ACCOUNT=20 BENCH_ITERATIONS=200 npx tsx bench/customers-dashboard.ts
 *   BENCH_INVOICES_PER_ACCOUNT=0 npx tsx bench/customers-dashboard.ts   (accounts with synthetic statistics only: faster)
 */
const q = (params: Record<string, unknown>) => `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)])).toString()}`;

export const FIRST_PAGE = 'first page, default sort (priority desc)';
export const DASHBOARD_SHAPES: Array<[string, string]> = [
  [FIRST_PAGE, `/customers${q({ range: [0, 24] })}`],
  ['first page, priority asc', `/customers${q({ sort: ['collection_priority', 'ASC'], range: [0, 24] })}`],
  ['first page, name asc', `/customers${q({ sort: ['name', 'ASC'], range: [0, 24] })}`],
  ['first page, outstanding desc', `/customers${q({ sort: ['outstanding_cents', 'DESC'], range: [0, 24] })}`],
  ['first page, aging 91+ desc', `/customers${q({ sort: ['aging_91_plus_cents', 'DESC'], range: [0, 24] })}`],
  ['search by name "birch fr"', `/customers${q({ filter: { q: 'birch fr' }, range: [0, 24] })}`],
  ['search by account number', `/customers${q({ filter: { q: 'C012345' }, range: [0, 24] })}`],
  ['filter invitation pending', `/customers${q({ filter: { invitation_status: 'pending' }, range: [0, 24] })}`],
  ['sort by invitation status', `/customers${q({ sort: ['invitation_status', 'ASC'], range: [0, 24] })}`],
  ['filter aging 91+ & over limit', `/customers${q({ filter: { aging_bucket: '91_plus', over_credit_limit: true }, range: [0, 24] })}`],
  ['page 100 (rows 2475-2499)', `/customers${q({ range: [2475, 2499] })}`],
  ['stats panel, no filter', `/customers/summary`],
  ['stats panel, active + 61-90', `/customers/summary${q({ filter: { status: 'active', aging_bucket: '61_90' } })}`],
];

/** Times each request shape `iterations` times (after 10 warm-up requests) through the operator API. */
export async function timeDashboardRequests(apiUrl: string, cookie: string, shapes: Array<[string, string]>, iterations: number, log: (line: string) => void): Promise<Record<string, Distribution & { rows: string }>> {
  const base = `${apiUrl}/api/operator`;
  const results: Record<string, Distribution & { rows: string }> = {};
  log(`${'request'.padEnd(42)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)}  rows/total`);
  for (const [label, path] of shapes) {
    const timings: number[] = [];
    let summary = '';
    for (let i = 0; i < iterations + 10; i++) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      const body = (await response.json()) as unknown;
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${label}: HTTP ${response.status} ${JSON.stringify(body)}`);
      if (i >= 10) timings.push(elapsed);
      summary = Array.isArray(body) ? `${body.length}/${response.headers.get('content-range')?.split('/')[1]}` : `${(body as { account_count: number }).account_count} accounts`;
    }
    const stats = distribution(timings);
    results[label] = { ...stats, rows: summary };
    const fmt = (value: number) => `${value.toFixed(1)}ms`.padStart(8);
    log(`${label.padEnd(42)} ${fmt(stats.p50)} ${fmt(stats.p95)} ${fmt(stats.p99)}  ${summary}`);
  }
  return results;
}

export interface DashboardOptions {
  iterations: number;
  /** Only the first page (the figure with a goal) or every shape above. */
  allShapes: boolean;
  scale: string;
}

export async function measureCustomersDashboard(db: import('../db/connection').Db, databaseUrl: string, operatorEmail: string, options: DashboardOptions, log: (line: string) => void): Promise<BenchResult> {
  const api = await startReadOnlyApi(databaseUrl);
  try {
    const { cookie } = await signIn(api.url, 'operator', operatorEmail, BENCH_PASSWORD);
    const shapes = options.allShapes ? DASHBOARD_SHAPES : DASHBOARD_SHAPES.slice(0, 1);
    const requests = await timeDashboardRequests(api.url, cookie, shapes, options.iterations, log);
    const selectOne = await selectOneRoundTrips(databaseUrl);
    log(`bare SELECT 1 round trip: p50 ${selectOne.p50} ms, p95 ${selectOne.p95} ms`);
    const first = requests[FIRST_PAGE]!;
    return {
      figures: [
        figure({
          benchmark: 'customers-dashboard', key: 'first_page_p95_ms', label: 'Customers Dashboard first page (GET /api/operator/customers), p95', scale: options.scale,
          value: first.p95, unit: 'ms', goal: { op: '<=', value: 100, source: 'issue 6' }, baseline: { label: 'bare SELECT 1 round trip, p95', value: selectOne.p95, unit: 'ms' },
        }),
      ],
      detail: { requests, select_one_ms: selectOne },
    };
  } finally {
    await api.stop();
  }
}

if (require.main === module) {
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 50_000);
  const invoicesPerAccount = Number(process.env.BENCH_INVOICES_PER_ACCOUNT ?? 20);
  runStandalone('customers-dashboard', {}, async (env: BenchEnv) => {
    const database = await createBenchDatabase(env.adminUrl, 'dashboard', { max: 10 });
    try {
      const book = await buildReceivablesBook(database.db, {
        accounts, invoicesPerAccount, otherDealerAccounts: Number(process.env.BENCH_OTHER_ACCOUNTS ?? 20_000), bigCustomerItems: 0, now: new Date('2026-11-20T18:00:00Z'), log: env.log,
      });
      const result = await measureCustomersDashboard(database.db, database.url, book.operatorEmail, {
        iterations: Number(process.env.BENCH_ITERATIONS ?? 200), allShapes: true, scale: `${accounts.toLocaleString('en-US')} accounts, ${book.counts.invoices.toLocaleString('en-US')} invoices`,
      }, env.log);
      return { figures: result.figures, detail: { ...result.detail, book } };
    } finally {
      await database.stop();
    }
  });
}
