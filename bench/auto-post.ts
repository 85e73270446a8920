import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, dropDatabase, ensureDatabase, migrateLatest, type Db } from '../db/connection';
import { closeSettlement, joinSettlement } from '../db/settlements';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { ensureTemporalCli } from '../runtime/temporal-cli';
import { allSearchAttributes } from '../workflows/search-attributes';
import {
  DEFAULT_GL_BATCH_SIZE, DEFAULT_GL_LANES, DEFAULT_GL_MAX_RETRY_DELAY_MS, glPostingWorkflowId, settlementWorkflowId, type GlPostingInput,
} from '../workflows/settlement-definitions';

/**
 * Auto-post of one settlement of 10,000 GL lines to the Spruce emulator, through the real
 * `gl-posting-<settlementId>` workflow run by the real worker (its own process) on a Temporal
 * dev server, writing PostgreSQL. Two runs:
 *   1. clean: lines/s and total time;
 *   2. a 30 s Spruce outage starting mid-post: total time, how long after Spruce returned the
 *      posting finished, and the ledger count at the end (it must be exactly 10,000).
 * The workflow's input is the one the API's auto-post button sends. Prints figures only.
 *
 *   npx tsx bench/auto-post.ts
 *   npx tsx bench/auto-post.ts --lines 2000 --outage-seconds 10     (a quick run)
 *   BENCH_ADMIN_URL=postgres://…/postgres TEMPORAL_ADDRESS=host:port npx tsx bench/auto-post.ts
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 1) {
  const arg = process.argv[i]!;
  if (arg.startsWith('--')) args.set(arg.slice(2), process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[++i]! : 'true');
}
const LINES = Number(args.get('lines') ?? 10_000);
const OUTAGE_SECONDS = Number(args.get('outage-seconds') ?? 30);
const LINES_PER_PAYMENT = 5;
const ACCOUNTS = 100;
const root = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`[auto-post] ${line}\n`);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 600_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A Spruce dealer with ACCOUNTS customers, one invoice per line in both our database and the
 * emulator, and LINES / 5 settled payments of five invoices each, joined to one settlement the
 * way the addToSettlement activity joins them, then closed.
 */
async function settlementOfLines(db: Db, spruce: SpruceEmulator, label: string): Promise<{ settlementId: string; tenantId: string }> {
  const tenantId = `bench-${label}`;
  const apiKey = randomUUID();
  spruce.store.createTenant({ id: tenantId, name: `Bench ${label}`, apiKey });
  const [dealer] = await db('dealers')
    .insert({ name: `Bench ${label}`, slug: `bench-${label}-${process.pid}`, integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey })
    .returning('id');
  const accounts = await db('customer_accounts')
    .insert(Array.from({ length: ACCOUNTS }, (_, a) => ({ dealer_id: dealer.id, erp_account_id: `C-${a + 1}`, name: `Customer ${a + 1}` })))
    .returning(['id', 'erp_account_id']);
  const [company] = await db('customer_companies').insert({ name: `Bench contractors ${label}` }).returning('id');
  const [method] = await db('payment_methods').insert({ company_id: company.id, kind: 'ach', moov_payment_method_id: `pm-${label}`, moov_source_id: `ba-${label}`, label: 'Bench bank', last4: '0001' }).returning('id');

  const invoices = Array.from({ length: LINES }, (_, i) => ({ number: `INV-${label}-${i + 1}`, account: accounts[i % ACCOUNTS]!, amount: 10_000 + (i % 97) * 13 }));
  const invoiceIds = new Map<string, string>();
  for (let start = 0; start < invoices.length; start += 2000) {
    const rows = await db('invoices').insert(invoices.slice(start, start + 2000).map((invoice) => ({
      dealer_id: dealer.id, customer_account_id: invoice.account.id, invoice_number: invoice.number, invoice_date: '2026-10-01', due_date: '2026-11-30',
      amount_cents: invoice.amount, balance_cents: 0, status: 'paid',
    }))).returning(['id', 'invoice_number']);
    for (const row of rows) invoiceIds.set(row.invoice_number, row.id);
  }
  spruce.store.loadBook(tenantId, {
    accounts: accounts.map((account: { erp_account_id: string }) => ({ id: account.erp_account_id, name: `Customer ${account.erp_account_id}` })),
    invoices: invoices.map((invoice) => ({ id: invoice.number, account_id: invoice.account.erp_account_id, invoice_date: '2026-10-01', due_date: '2026-11-30', amount_cents: invoice.amount, balance_cents: invoice.amount })),
  });

  // Payments of five invoices of one account each (invoices i, i+100, … share an account).
  const payments: Array<Record<string, unknown>> = [];
  const applications: Array<Record<string, unknown>> = [];
  const { rows: numbers } = await db.raw<{ rows: Array<{ n: string }> }>(`select 'P-' || nextval('payment_number_seq') as n from generate_series(1, ?)`, [LINES / LINES_PER_PAYMENT]);
  for (let p = 0; p < LINES / LINES_PER_PAYMENT; p += 1) {
    const block = Math.floor(p / ACCOUNTS) * ACCOUNTS * LINES_PER_PAYMENT;
    const own = Array.from({ length: LINES_PER_PAYMENT }, (_, k) => invoices[block + (p % ACCOUNTS) + k * ACCOUNTS]!);
    const id = randomUUID();
    const amount = own.reduce((sum, invoice) => sum + invoice.amount, 0);
    payments.push({
      id, number: numbers[p]!.n, dealer_id: dealer.id, customer_account_id: own[0]!.account.id, company_id: company.id, payment_method_id: method.id, method: 'ach',
      status: 'settled', items_cents: amount, amount_cents: amount, processing_cost_cents: 50, idempotency_key: `bench-${id}`, request_hash: 'bench',
      // Marked started, so the worker's sweeper does not start payment workflows for them.
      workflow_id: `payment-${id}`, settled_at: new Date(), workflow_started_at: new Date(),
    });
    for (const invoice of own) applications.push({ payment_id: id, dealer_id: dealer.id, item_type: 'invoice', invoice_id: invoiceIds.get(invoice.number), amount_cents: invoice.amount, state: 'applied' });
  }
  for (let start = 0; start < payments.length; start += 1000) await db('payments').insert(payments.slice(start, start + 1000));
  for (let start = 0; start < applications.length; start += 2000) await db('payment_applications').insert(applications.slice(start, start + 2000));

  let settlementId = '';
  for (const payment of payments) {
    const { settlement } = await db.transaction((trx) => joinSettlement(trx, { paymentId: payment.id as string, now: new Date(), workflowIdFor: settlementWorkflowId }));
    settlementId = settlement.id;
  }
  await db.transaction((trx) => closeSettlement(trx, { settlementId, now: new Date(), actor: { kind: 'system' } }));
  const count = await db('gl_posting_lines').where({ settlement_id: settlementId }).count<Array<{ n: number }>>('* as n');
  if (Number(count[0]!.n) !== LINES) throw new Error(`expected ${LINES} lines, built ${count[0]!.n}`);
  return { settlementId, tenantId };
}

async function main(): Promise<void> {
  if (LINES % LINES_PER_PAYMENT !== 0) throw new Error(`--lines must be a multiple of ${LINES_PER_PAYMENT}`);
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/drypowder_bench_autopost_${process.pid}`);
  try {
    await ensureDatabase(databaseUrl);
    cleanups.push(() => dropDatabase(databaseUrl));
    const db = createDb(databaseUrl, { max: 4 });
    cleanups.push(() => db.destroy());
    await db.raw('create extension if not exists citext');
    await migrateLatest(db);

    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: ensureTemporalCli() }, searchAttributes: allSearchAttributes, log: { format: 'json', level: 'error' } },
      });
      cleanups.push(() => env.teardown());
      temporalAddress = env.address;
    }
    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const spruce = await startSpruceEmulator({ port: 0 });
    cleanups.push(() => spruce.stop());
    say(`PostgreSQL ${new URL(databaseUrl).pathname.slice(1)}, Temporal ${temporalAddress}, Spruce emulator ${spruce.url}`);

    const taskQueue = `bench-autopost-${process.pid}`;
    mkdirSync(path.join(root, '.tmp'), { recursive: true });
    const workerLog = path.join(root, '.tmp', `bench-autopost-worker-${process.pid}.log`);
    const logFd = openSync(workerLog, 'w');
    const worker = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'worker.ts')], {
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue, DRYPOWDER_SERVICE: 'bench-worker' },
      stdio: ['ignore', logFd, logFd],
    });
    children.push(worker);
    say(`worker starting (log: ${path.relative(root, workerLog)})`);
    // The worker is ready once it runs a workflow.
    await waitFor('the worker', async () => ((await client.workflow.execute('noopWorkflow', { taskQueue, workflowId: `bench-ready-${randomUUID()}`, workflowExecutionTimeout: '5s' })) === 'ok' ? true : undefined), 300_000, 500);

    const run = async (label: string, outage: boolean) => {
      const setupStarted = Date.now();
      const { settlementId, tenantId } = await settlementOfLines(db, spruce, label);
      const ledger = () => spruce.store.tenant(tenantId).ledger;
      say(`${label}: settlement of ${LINES} lines ready in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

      const input: GlPostingInput = { settlementId, startedBy: null, batchSize: DEFAULT_GL_BATCH_SIZE, lanes: DEFAULT_GL_LANES, maxRetryDelayMs: DEFAULT_GL_MAX_RETRY_DELAY_MS };
      const started = Date.now();
      const handle = await client.workflow.start('glPostingWorkflow', { taskQueue, workflowId: glPostingWorkflowId(settlementId), args: [input] });
      let outageFrom = 0;
      let outageTo = 0;
      let ledgerAtOutage = 0;
      let allInLedgerAt = 0;
      const watcher = (async () => {
        while (!allInLedgerAt) {
          const count = ledger().length;
          if (outage && !outageFrom && count >= LINES * 0.4) {
            ledgerAtOutage = count;
            outageFrom = Date.now();
            await spruce.setFaults({ outage: 'unavailable', durationMs: OUTAGE_SECONDS * 1000 });
            setTimeout(() => (outageTo = Date.now()), OUTAGE_SECONDS * 1000).unref();
          }
          if (count >= LINES) allInLedgerAt = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await handle.result();
      const finished = Date.now();
      await watcher;
      const keys = ledger().map((posting) => posting.idempotency_key);
      const posted = await db('gl_posting_lines').where({ settlement_id: settlementId, status: 'posted' }).count<Array<{ n: number }>>('* as n');
      const status = (await db('settlements').where({ id: settlementId }).first('status')).status;
      const runFinished = (await db('gl_posting_runs').where({ settlement_id: settlementId }).first('finished_at')).finished_at as Date;
      const postedMs = runFinished.getTime() - started;
      const totalMs = finished - started;
      const ledgerMs = allInLedgerAt - started;
      const figures = {
        lines: LINES,
        posted_ms: postedMs,
        lines_per_s: Math.round((LINES / postedMs) * 1000),
        all_in_ledger_ms: ledgerMs,
        workflow_ms: totalMs,
        ledger_count: keys.length,
        distinct_keys: new Set(keys).size,
        posted_in_db: Number(posted[0]!.n),
        settlement_status: status,
        ...(outage ? {
          outage_s: OUTAGE_SECONDS,
          ledger_when_outage_began: ledgerAtOutage,
          finished_after_spruce_returned_ms: allInLedgerAt - (outageTo || outageFrom + OUTAGE_SECONDS * 1000),
        } : {}),
      };
      say(`${label}: ${LINES} lines posted in ${(postedMs / 1000).toFixed(2)} s = ${figures.lines_per_s} lines/s (run recorded complete; last line in Spruce's ledger at ${(ledgerMs / 1000).toFixed(2)} s; workflow ended at ${(totalMs / 1000).toFixed(2)} s after signalling ${LINES / LINES_PER_PAYMENT} payment workflows)`);
      if (outage) {
        say(`${label}: outage of ${OUTAGE_SECONDS} s began with ${ledgerAtOutage} lines in the ledger; the last line landed ${(figures.finished_after_spruce_returned_ms! / 1000).toFixed(2)} s after Spruce came back`);
      }
      say(`${label}: Spruce's ledger holds ${figures.ledger_count} postings, ${figures.distinct_keys} distinct keys; ${figures.posted_in_db} lines posted in PostgreSQL; settlement ${status}`);
      return figures;
    };

    const clean = await run('clean', false);
    const withOutage = await run('outage', true);
    process.stdout.write(`${JSON.stringify({ benchmark: 'auto-post', clean, outage: withOutage, batch_size: DEFAULT_GL_BATCH_SIZE, machine: { cores: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30) } })}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`auto-post bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
