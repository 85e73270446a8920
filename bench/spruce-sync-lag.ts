import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../api/auth/passwords';
import { createDb, dropDatabase, ensureDatabase, migrateLatest } from '../db/connection';
import { startSpruceEmulator } from '../emulators/spruce';
import { ensureTemporalCli } from '../runtime/temporal-cli';
import { generateBook } from '../scripts/demo/book';
import { allSearchAttributes } from '../workflows/search-attributes';

/**
 * Spruce change → visible through Drypowder's API, under a sustained load.
 *
 * The Spruce emulator runs here and makes `--rate` invoice changes per second for
 * `--seconds`; it pushes them as signed webhooks to the real API (its own process), which
 * hands them to the `spruce-sync-<dealerId>` workflow run by the real worker (its own
 * process) on a Temporal dev server, writing PostgreSQL. A poller reads the sync cursor
 * through the operator API (`GET /api/operator/integration`) as the console would; a change
 * is "visible" at the first answer whose cursor covers it. Lag = visible − made in Spruce.
 * Prints p50/p95/p99/max and the rates achieved; asserts nothing.
 *
 *   npx tsx bench/spruce-sync-lag.ts                  (200 changes/s for 60 s)
 *   npx tsx bench/spruce-sync-lag.ts --seconds 10     (a quick run)
 *   BENCH_ADMIN_URL=postgres://…/postgres TEMPORAL_ADDRESS=host:port npx tsx bench/spruce-sync-lag.ts
 *
 * Without TEMPORAL_ADDRESS a Temporal dev server is started for the run. The poll interval
 * (POLL_MS) bounds the resolution: figures are at most that much pessimistic.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 1) {
  const arg = process.argv[i]!;
  if (arg.startsWith('--')) args.set(arg.slice(2), process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[++i]! : 'true');
}
const SECONDS = Number(args.get('seconds') ?? 60);
const RATE = Number(args.get('rate') ?? 200);
const POLL_MS = Number(args.get('poll-ms') ?? 20);
const PASSWORD = 'Bench-password-2026!';
const root = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`[spruce-lag] ${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/drypowder_bench_lag_${process.pid}`);
  try {
    await ensureDatabase(databaseUrl);
    cleanups.push(() => dropDatabase(databaseUrl));
    const db = createDb(databaseUrl, { max: 4 });
    cleanups.push(() => db.destroy());
    await migrateLatest(db);

    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: ensureTemporalCli() }, searchAttributes: allSearchAttributes, log: { format: 'json', level: 'error' } },
      });
      cleanups.push(() => env.teardown());
      temporalAddress = env.address;
    }
    say(`PostgreSQL ${new URL(databaseUrl).pathname.slice(1)}, Temporal ${temporalAddress}`);

    const emulator = await startSpruceEmulator({ port: 0 });
    cleanups.push(() => emulator.stop());
    const tenantId = 'bench';
    const apiKey = randomUUID();
    const secret = `whsec-${randomUUID()}`;
    emulator.store.createTenant({ id: tenantId, name: 'Bench Lumber', apiKey });
    const [dealer] = await db('dealers')
      .insert({ name: 'Bench Lumber', slug: `bench-${process.pid}`, integration_mode: 'spruce', spruce_base_url: emulator.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, spruce_webhook_secret: secret })
      .returning('id');
    const email = `bench-${process.pid}@bench.test`;
    await db('operator_users').insert({ dealer_id: dealer.id, email, name: 'Bench', role: 'admin', status: 'active', password_hash: await hashPassword(PASSWORD) });

    // API and worker in their own processes, as deployed, so the load generator does not share their event loop.
    const apiPort = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_CHILD_LOG_LEVEL ?? 'warn',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TASK_QUEUE: `bench-spruce-${process.pid}`,
      API_PORT: String(apiPort),
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    };
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    for (const [name, entry] of [['worker', 'worker.ts'], ['api', 'api/server.ts']] as const) {
      const child = spawn(tsx, [path.join(root, entry)], { env: { ...env, DRYPOWDER_SERVICE: `bench-${name}` }, stdio: ['ignore', process.env.BENCH_CHILD_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'] });
      children.push(child);
    }
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor('the API', async () => ((await fetch(`${apiUrl}/readyz`)).ok ? true : undefined));
    const signIn = await fetch(`${apiUrl}/api/operator/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const cursorThroughApi = async (): Promise<number> => {
      const response = await fetch(`${apiUrl}/api/operator/integration`, { headers: { cookie } });
      const body = (await response.json()) as { sync: { cursor: number } };
      return body.sync.cursor;
    };

    const book = generateBook({ seed: 9, today: new Date().toISOString().slice(0, 10), accounts: 40, invoicesPerAccount: 25 });
    emulator.store.setWebhook(tenantId, { url: `${apiUrl}/webhooks/spruce`, secret });
    emulator.store.loadBook(tenantId, book);
    const loadedHead = emulator.store.tenant(tenantId).seq;
    const warmStarted = Date.now();
    await waitFor('the initial book', async () => ((await cursorThroughApi()) >= loadedHead ? true : undefined)).catch(async (error) => {
      say(`webhooks: ${JSON.stringify(emulator.webhooks.status(tenantId))}; sync_state: ${JSON.stringify(await db('sync_state').first())}`);
      throw error;
    });
    say(`book of ${loadedHead} changes (${book.invoices.length} invoices) synced in ${Date.now() - warmStarted} ms; driving ${RATE} changes/s for ${SECONDS} s`);

    const madeAt = new Map<number, number>();
    const lags: number[] = [];
    const invoices = book.invoices;
    let made = 0;
    let polling = true;
    let seenCursor = loadedHead;
    let polls = 0;
    const poller = (async () => {
      while (polling) {
        const cursor = await cursorThroughApi().catch(() => seenCursor);
        const now = Date.now();
        polls += 1;
        for (let seq = seenCursor + 1; seq <= cursor; seq += 1) {
          const at = madeAt.get(seq);
          if (at !== undefined) lags.push(now - at);
        }
        seenCursor = Math.max(seenCursor, cursor);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    })();

    const started = Date.now();
    const total = Math.round(RATE * SECONDS);
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        // Catch up to the schedule each tick, so timer jitter does not lower the rate.
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
        while (made < due) {
          const invoice = invoices[made % invoices.length]!;
          const changed = emulator.store.patch(tenantId, 'invoice', invoice.id, { balance_cents: Math.max(0, invoice.amount_cents - 1 - (made % 1000)), status: 'partially_paid' });
          madeAt.set(changed.updated_seq, Date.now());
          made += 1;
        }
        if (made >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    const drivenMs = Date.now() - started;
    const head = emulator.store.tenant(tenantId).seq;
    await waitFor('the sync to drain', async () => (seenCursor >= head ? true : undefined), 300_000);
    polling = false;
    await poller;

    const sorted = [...lags].sort((a, b) => a - b);
    const delivery = emulator.webhooks.status(tenantId);
    const figures = {
      changes: made,
      achieved_rate_per_s: Math.round((made / drivenMs) * 1000 * 10) / 10,
      measured: sorted.length,
      lag_ms: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN },
      drained_after_ms: Date.now() - started - drivenMs,
      webhook_deliveries: delivery.attempts,
      webhook_failures: delivery.failures,
      changes_per_delivery: Math.round(((made + loadedHead) / Math.max(1, delivery.attempts - delivery.failures)) * 10) / 10,
      api_polls: polls,
      poll_interval_ms: POLL_MS,
      machine: { cores: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30) },
    };
    say(`changes made            ${figures.changes} at ${figures.achieved_rate_per_s}/s over ${(drivenMs / 1000).toFixed(1)} s`);
    say(`lag change → API        p50 ${figures.lag_ms.p50} ms   p95 ${figures.lag_ms.p95} ms   p99 ${figures.lag_ms.p99} ms   max ${figures.lag_ms.max} ms   (${figures.measured} changes, poll every ${POLL_MS} ms)`);
    say(`webhooks                ${figures.webhook_deliveries} deliveries, ${figures.webhook_failures} failed, ${figures.changes_per_delivery} changes per delivery`);
    say(`drained                 ${figures.drained_after_ms} ms after the last change`);
    process.stdout.write(`${JSON.stringify({ benchmark: 'spruce-sync-lag', rate: RATE, seconds: SECONDS, ...figures })}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`spruce-sync-lag: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
