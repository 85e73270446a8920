import type { BenchEnv } from './lib/infra';
import type { BenchResult, Needs } from './lib/standalone';

/**
 * Every benchmark `npm run bench` runs, in order, with its full and quick sizes. Each is the
 * same function its own script runs (`npx tsx bench/<name>.ts`); the sizes here are the ones
 * the issues name, scaled down for --quick so it finishes in about two minutes.
 */
export interface SuiteEntry {
  name: string;
  needs: Needs;
  run(env: BenchEnv): Promise<BenchResult>;
}

const RECEIVABLES_NOW = new Date('2026-11-20T18:00:00Z');

export const SUITE: SuiteEntry[] = [
  {
    name: 'csv-ingest',
    needs: {},
    run: async (env) => (await import('./csv-ingest')).measureCsvIngest(env, { rows: env.quick ? 50_000 : 1_000_000, repeat: !env.quick }),
  },
  {
    // One book for three figures: seeding a million invoices is the expensive part.
    name: 'receivables',
    needs: {},
    run: async (env) => {
      const { createBenchDatabase } = await import('./lib/infra');
      const { buildReceivablesBook } = await import('./lib/receivables-seed');
      const { measureCustomersDashboard } = await import('./customers-dashboard');
      const { measurePortalOutstanding } = await import('./portal-outstanding');
      const { measurePriorityUpdate } = await import('./priority-update');
      const accounts = env.quick ? 5_000 : 50_000;
      const invoicesPerAccount = 20;
      const database = await createBenchDatabase(env.adminUrl, 'receivables', { max: 10 });
      try {
        const book = await buildReceivablesBook(database.db, {
          accounts, invoicesPerAccount, otherDealerAccounts: accounts / 5, bigCustomerItems: 10_000, now: RECEIVABLES_NOW, log: env.log,
        });
        const scale = `${accounts.toLocaleString('en-US')} accounts, ${(accounts * invoicesPerAccount).toLocaleString('en-US')} invoices`;
        const dashboard = await measureCustomersDashboard(database.db, database.url, book.operatorEmail, { iterations: env.quick ? 60 : 200, allShapes: !env.quick, scale }, env.log);
        const outstanding = await measurePortalOutstanding(database.db, database.url, book.dealerId, book.bigCustomer!, {
          iterations: env.quick ? 20 : 100, scale: `${book.bigCustomer!.items.toLocaleString('en-US')} open items`,
        }, env.log);
        const priority = await measurePriorityUpdate(database.url, book.dealerId, {
          iterations: env.quick ? 100 : 500, batches: env.quick ? [10, 100, 1_000] : [10, 100, 1_000, 10_000], scale,
        }, env.log);
        return {
          figures: [...dashboard.figures, ...outstanding.figures, ...priority.figures],
          detail: { book, customers_dashboard: dashboard.detail, portal_outstanding: outstanding.detail, priority_update: priority.detail },
        };
      } finally {
        await database.stop();
      }
    },
  },
  {
    name: 'spruce-sync-lag',
    needs: { temporal: true, bundle: true },
    run: async (env) => (await import('./spruce-sync-lag')).measureSpruceSyncLag(env, { rate: env.quick ? 200 : 1000, seconds: env.quick ? 8 : 60 }),
  },
  {
    name: 'payments',
    needs: { temporal: true, bundle: true },
    run: async (env) => (await import('./payments')).measurePayments(env, env.quick
      ? { concurrency: 8, payments: 48, rate: 50, rateSeconds: 1, noop: 60, warmUp: 1, settleLatencyPhase: false }
      : { concurrency: 16, payments: 1_500, rate: 100, rateSeconds: 15, noop: 1_000 }),
  },
  {
    name: 'capacity',
    needs: { temporal: true, bundle: true },
    run: async (env) => (await import('./capacity')).measureCapacity(env, env.quick
      ? { users: 40, operators: 2, accounts: 1_000, steps: [25, 50], stepSeconds: 4, visitsPerPayment: 20, operatorShare: 0.1 }
      : { users: 200, operators: 5, accounts: 5_000, steps: [50, 100, 150, 200, 250, 300, 400, 500, 600, 800], stepSeconds: 10, visitsPerPayment: 20, operatorShare: 0.1 }),
  },
  {
    name: 'auto-post',
    needs: { temporal: true, bundle: true },
    run: async (env) => (await import('./auto-post')).measureAutoPost(env, env.quick ? { lines: 500, outageSeconds: 0 } : { lines: 10_000, outageSeconds: 30 }),
  },
];
