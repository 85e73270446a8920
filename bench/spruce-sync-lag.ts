import { randomUUID } from 'node:crypto';
import { hashPassword } from '../api/auth/passwords';
import { startSpruceEmulator } from '../emulators/spruce';
import { generateBook } from '../scripts/demo/book';
import { figure } from './lib/figures';
import { createBenchDatabase, parseArgs, waitFor, type BenchEnv, type Stoppable } from './lib/infra';
import { signIn, startProduct } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution } from './lib/stats';

/**
 * Spruce change → visible through Drypowder's API, under a sustained load.
 *
 * The Spruce emulator runs here and makes `--rate` invoice changes per second for
 * `--seconds`; it pushes them as signed webhooks to the real API (its own process), which
 * hands them to the `spruce-sync-<dealerId>` workflow run by the real worker (its own
 * process) on a Temporal dev server, writing PostgreSQL. A poller reads the sync cursor
 * through the operator API (`GET /api/operator/integration`) as the console would; a change
 * is "visible" at the first answer whose cursor covers it. Lag = visible − made in Spruce.
 * Prints p50/p95/p99/max and the rates achieved; asserts nothing. Goals: p99 < 1 s at 200/s
 * (issue 3), p99 < 250 ms at 1,000/s (issue 21).
 *
 *   npx tsx bench/spruce-sync-lag.ts                  (200 changes/s for 60 s)
 *   npx tsx bench/spruce-sync-lag.ts --rate 1000      (issue 21's rate)
 *   npx tsx bench/spruce-sync-lag.ts --seconds 10     (a quick run)
 *   BENCH_ADMIN_URL=postgres://…/postgres TEMPORAL_ADDRESS=host:port npx tsx bench/spruce-sync-lag.ts
 *
 * Without TEMPORAL_ADDRESS a Temporal dev server is started for the run. The poll interval
 * (pollMs) bounds the resolution: figures are at most that much pessimistic.
 */
export interface SpruceLagOptions {
  seconds: number;
  rate: number;
  pollMs?: number;
}

const PASSWORD = 'Bench-password-2026!';

export async function measureSpruceSyncLag(env: BenchEnv, options: SpruceLagOptions): Promise<BenchResult> {
  const { seconds: SECONDS, rate: RATE } = options;
  const POLL_MS = options.pollMs ?? 20;
  const say = env.log;
  if (!env.temporalAddress) throw new Error('spruce-sync-lag needs a Temporal server');
  const stops: Stoppable[] = [];
  try {
    const database = await createBenchDatabase(env.adminUrl, 'lag', { max: 4 });
    stops.push(database);
    const { db } = database;
    const emulator = await startSpruceEmulator({ port: 0 });
    stops.push(emulator);
    const tenantId = 'bench';
    const apiKey = randomUUID();
    const secret = `whsec-${randomUUID()}`;
    emulator.store.createTenant({ id: tenantId, name: 'Bench Lumber', apiKey });
    const [dealer] = await db('dealers')
      .insert({ name: 'Bench Lumber', slug: `bench-${process.pid}`, integration_mode: 'spruce', spruce_base_url: emulator.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, spruce_webhook_secret: secret })
      .returning('id');
    const email = `bench-${process.pid}@bench.test`;
    await db('operator_users').insert({ dealer_id: dealer.id, email, name: 'Bench', role: 'admin', status: 'active', password_hash: await hashPassword(PASSWORD) });

    const product = await startProduct({ label: 'spruce-lag', databaseUrl: database.url, temporalAddress: env.temporalAddress, workflowBundlePath: env.workflowBundlePath });
    stops.push(product);
    const apiUrl = product.apiUrl;
    say(`PostgreSQL ${new URL(database.url).pathname.slice(1)}, Temporal ${env.temporalAddress}, API ${apiUrl} (logs: ${product.logs.join(', ')})`);
    const { cookie } = await signIn(apiUrl, 'operator', email, PASSWORD);
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
    await waitFor('the initial book', async () => ((await cursorThroughApi()) >= loadedHead ? true : undefined), 120_000).catch(async (error) => {
      say(`webhooks: ${JSON.stringify(emulator.webhooks.status(tenantId))}; sync_state: ${JSON.stringify(await db('sync_state').first())}`);
      throw error;
    });
    say(`book of ${loadedHead} changes (${book.invoices.length} invoices) synced in ${Date.now() - warmStarted} ms; driving ${RATE} changes/s for ${SECONDS} s`);

    const madeAt = new Map<number, number>();
    const lags: number[] = [];
    const madeAtOfLag: number[] = [];
    const invoices = book.invoices;
    let made = 0;
    let polling = true;
    let seenCursor = loadedHead;
    let polls = 0;
    const pollRoundTrips: number[] = [];
    const poller = (async () => {
      while (polling) {
        const asked = performance.now();
        const cursor = await cursorThroughApi().catch(() => seenCursor);
        pollRoundTrips.push(performance.now() - asked);
        const now = Date.now();
        polls += 1;
        for (let seq = seenCursor + 1; seq <= cursor; seq += 1) {
          const at = madeAt.get(seq);
          if (at !== undefined) {
            lags.push(now - at);
            madeAtOfLag.push(at);
          }
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

    const lag = distribution(lags);
    // The tail by when the change was made: a stall shows as one bad window, a slow path as all.
    const windows = new Map<number, number[]>();
    lags.forEach((value, i) => {
      const window = Math.floor((madeAtOfLag[i]! - started) / 10_000);
      windows.set(window, [...(windows.get(window) ?? []), value]);
    });
    const byWindow = [...windows].sort(([a], [b]) => a - b).map(([window, values]) => ({ from_s: window * 10, p99_ms: distribution(values).p99, max_ms: distribution(values).max }));
    say(`lag p99 by 10 s window of the run: ${byWindow.map((w) => `${w.from_s}s ${w.p99_ms}`).join(', ')}`);
    const delivery = emulator.webhooks.status(tenantId);
    const achievedRate = Math.round((made / drivenMs) * 1000 * 10) / 10;
    const detail = {
      changes: made,
      rate: RATE,
      seconds: SECONDS,
      achieved_rate_per_s: achievedRate,
      measured: lag.n,
      lag_ms: lag,
      lag_by_window: byWindow,
      drained_after_ms: Date.now() - started - drivenMs,
      webhook_deliveries: delivery.attempts,
      webhook_failures: delivery.failures,
      changes_per_delivery: Math.round(((made + loadedHead) / Math.max(1, delivery.attempts - delivery.failures)) * 10) / 10,
      api_polls: polls,
      poll_interval_ms: POLL_MS,
      poll_round_trip_ms: distribution(pollRoundTrips),
    };
    say(`changes made            ${detail.changes} at ${achievedRate}/s over ${(drivenMs / 1000).toFixed(1)} s`);
    say(`lag change → API        p50 ${lag.p50} ms   p95 ${lag.p95} ms   p99 ${lag.p99} ms   max ${lag.max} ms   (${lag.n} changes, poll every ${POLL_MS} ms)`);
    say(`webhooks                ${detail.webhook_deliveries} deliveries, ${detail.webhook_failures} failed, ${detail.changes_per_delivery} changes per delivery`);
    say(`drained                 ${detail.drained_after_ms} ms after the last change`);
    const scale = `${RATE}/s for ${SECONDS} s`;
    // The floor: reading the cursor through the API at all (a change cannot be seen sooner than the read that shows it).
    const floor = { label: 'API read of the cursor, p50', value: detail.poll_round_trip_ms.p50, unit: 'ms' };
    return {
      figures: [
        figure({ benchmark: 'spruce-sync-lag', key: 'lag_p50_ms', label: 'Spruce change → visible in API, p50', scale, value: lag.p50, unit: 'ms', baseline: floor }),
        figure({ benchmark: 'spruce-sync-lag', key: 'lag_p99_ms', label: 'Spruce change → visible in API, p99', scale, value: lag.p99, unit: 'ms', goal: RATE >= 1000 ? { op: '<', value: 250, source: 'issue 21' } : { op: '<=', value: 1000, source: 'issue 3' }, baseline: floor }),
        figure({ benchmark: 'spruce-sync-lag', key: 'achieved_rate', label: 'Spruce changes made', scale, value: achievedRate, unit: 'changes/s' }),
      ],
      detail,
    };
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

if (require.main === module) {
  const args = parseArgs();
  runStandalone('spruce-sync-lag', { temporal: true, bundle: true }, (env) => measureSpruceSyncLag(env, {
    seconds: Number(args.get('seconds') ?? 60),
    rate: Number(args.get('rate') ?? 200),
    pollMs: Number(args.get('poll-ms') ?? 20),
  }));
}
