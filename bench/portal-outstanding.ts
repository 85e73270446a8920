import type { Db } from '../db/connection';
import { selectOneRoundTrips } from './lib/baselines';
import { figure } from './lib/figures';
import { createBenchDatabase, type BenchEnv } from './lib/infra';
import { BENCH_PASSWORD, buildReceivablesBook, type BigCustomer } from './lib/receivables-seed';
import { signIn, startReadOnlyApi } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution } from './lib/stats';

/**
 * The portal's Outstanding page for a customer owing 10,000 open items (invoices over 40
 * jobs, debit and credit adjustments, a statement listing a tenth of them), on a dealer
 * book of tens of thousands of accounts, timed through `GET /api/portal/outstanding` as the
 * portal calls it, beside a bare `SELECT 1` round trip.
 *
 *   npx tsx bench/portal-outstanding.ts
 *   BENCH_ITEMS=10000 BENCH_ACCOUNTS=50000 BENCH_ITERATIONS=100 npx tsx bench/portal-outstanding.ts
 */
export async function measurePortalOutstanding(db: Db, databaseUrl: string, dealerId: string, customer: BigCustomer, options: { iterations: number; scale: string }, log: (line: string) => void): Promise<BenchResult> {
  const api = await startReadOnlyApi(databaseUrl);
  try {
    const { cookie } = await signIn(api.url, 'portal', customer.email, BENCH_PASSWORD);
    const views: Record<string, ReturnType<typeof distribution> & { bytes: number; items: number }> = {};
    for (const view of ['all', 'current_statement'] as const) {
      const url = `${api.url}/api/portal/outstanding?dealerId=${dealerId}&view=${view}`;
      // current_statement needs a dealer billing by statement; the all view is the one with a figure.
      if (view === 'current_statement') await db('dealers').where({ id: dealerId }).update({ bills_by_statement: true });
      const timings: number[] = [];
      let bytes = 0;
      let items = 0;
      const rounds = view === 'all' ? options.iterations : Math.max(10, Math.floor(options.iterations / 4));
      for (let i = 0; i < rounds + 5; i++) {
        const started = performance.now();
        const response = await fetch(url, { headers: { cookie } });
        const text = await response.text();
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`outstanding (${view}): HTTP ${response.status} ${text.slice(0, 300)}`);
        if (i >= 5) timings.push(elapsed);
        bytes = text.length;
        if (i === 0) {
          // Items the page lists in all: those sent and those a job fetches on demand.
          const body = JSON.parse(text) as { accounts: Array<{ jobs: Array<{ items: unknown[]; moreItems?: number }> }> };
          items = body.accounts.reduce((sum, account) => sum + account.jobs.reduce((n, job) => n + job.items.length + (job.moreItems ?? 0), 0), 0);
        }
      }
      views[view] = { ...distribution(timings), bytes, items };
      log(`outstanding, view ${view}: ${items} items, ${(bytes / 1024 / 1024).toFixed(1)} MB JSON; p50 ${views[view]!.p50} ms, p95 ${views[view]!.p95} ms, p99 ${views[view]!.p99} ms`);
    }
    if (views.all!.items !== customer.items) throw new Error(`the Outstanding page listed ${views.all!.items} items, expected ${customer.items}`);
    const nextPage = await timeNextJobPage(api.url, cookie, dealerId, options.iterations);
    log(`a job's next page (GET /outstanding/items): p50 ${nextPage.p50} ms, p95 ${nextPage.p95} ms`);
    const selectOne = await selectOneRoundTrips(databaseUrl);
    return {
      figures: [
        figure({
          benchmark: 'portal-outstanding', key: 'outstanding_next_page_p95_ms', label: 'Portal Outstanding, a job\'s next page (GET /api/portal/outstanding/items), p95', scale: options.scale,
          value: nextPage.p95, unit: 'ms', baseline: { label: 'bare SELECT 1 round trip, p95', value: selectOne.p95, unit: 'ms' },
        }),
        figure({
          benchmark: 'portal-outstanding', key: 'outstanding_p95_ms', label: 'Portal Outstanding (GET /api/portal/outstanding), p95', scale: options.scale,
          value: views.all!.p95, unit: 'ms', baseline: { label: 'bare SELECT 1 round trip, p95', value: selectOne.p95, unit: 'ms' },
        }),
      ],
      detail: { views, next_job_page_ms: nextPage, select_one_ms: selectOne },
    };
  } finally {
    await api.stop();
  }
}

/** The second page of the first job that has more than the first answer carried, as "Show more" asks for it. */
async function timeNextJobPage(apiUrl: string, cookie: string, dealerId: string, iterations: number): Promise<ReturnType<typeof distribution>> {
  const first = await (await fetch(`${apiUrl}/api/portal/outstanding?dealerId=${dealerId}&view=all`, { headers: { cookie } })).json() as { accounts: Array<{ id: string; jobs: Array<{ jobId: string | null; items: unknown[]; moreItems: number }> }> };
  const account = first.accounts.find((candidate) => candidate.jobs.some((job) => job.moreItems > 0));
  const job = account?.jobs.find((candidate) => candidate.moreItems > 0);
  if (!account || !job) return distribution([0]);
  const url = `${apiUrl}/api/portal/outstanding/items?dealerId=${dealerId}&view=all&accountId=${account.id}&jobId=${job.jobId ?? 'none'}&offset=${job.items.length}&limit=50`;
  const timings: number[] = [];
  for (let i = 0; i < iterations + 5; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    await response.text();
    if (response.status !== 200) throw new Error(`outstanding items: HTTP ${response.status}`);
    if (i >= 5) timings.push(performance.now() - started);
  }
  return distribution(timings);
}

if (require.main === module) {
  const items = Number(process.env.BENCH_ITEMS ?? 10_000);
  runStandalone('portal-outstanding', {}, async (env: BenchEnv) => {
    const database = await createBenchDatabase(env.adminUrl, 'outstanding', { max: 10 });
    try {
      const book = await buildReceivablesBook(database.db, {
        accounts: Number(process.env.BENCH_ACCOUNTS ?? 50_000), invoicesPerAccount: Number(process.env.BENCH_INVOICES_PER_ACCOUNT ?? 20),
        otherDealerAccounts: 10_000, bigCustomerItems: items, now: new Date('2026-11-20T18:00:00Z'), log: env.log,
      });
      const result = await measurePortalOutstanding(database.db, database.url, book.dealerId, book.bigCustomer!, {
        iterations: Number(process.env.BENCH_ITERATIONS ?? 100), scale: `${items.toLocaleString('en-US')} open items`,
      }, env.log);
      return { figures: result.figures, detail: { ...result.detail, book } };
    } finally {
      await database.stop();
    }
  });
}
