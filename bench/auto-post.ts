import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { closeSettlement, joinSettlement } from '../db/settlements';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { SpruceClient } from '../integrations/spruce';
import { startGlPosting } from '../workflows/gl-posting-client';
import {
  DEFAULT_GL_BATCH_SIZE, DEFAULT_GL_LANES, DEFAULT_GL_MAX_RETRY_DELAY_MS, settlementWorkflowId, type GlPostingInput,
} from '../workflows/settlement-definitions';
import { figure } from './lib/figures';
import { createBenchDatabase, parseArgs, type BenchEnv, type Stoppable } from './lib/infra';
import { startProduct } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { perSecond } from './lib/stats';

/**
 * Auto-post of one settlement of 10,000 GL lines to the Spruce emulator, through the real
 * `gl-posting-<settlementId>` workflow run by the real worker (its own process) on a Temporal
 * dev server, writing PostgreSQL. Two runs:
 *   1. clean: lines/s and total time;
 *   2. a 30 s Spruce outage starting mid-post: total time, how long after Spruce returned the
 *      posting finished, and the ledger count at the end (it must be exactly 10,000).
 * The workflow's input is the one the API's auto-post button sends. Beside them, in the same
 * run, the same number of lines posted straight to the emulator's batch endpoint (same batch
 * size, no workflow, no database): what Spruce itself takes. Goal (issue 5): under 30 s.
 *
 *   npx tsx bench/auto-post.ts
 *   npx tsx bench/auto-post.ts --lines 2000 --outage-seconds 10     (a quick run)
 *   BENCH_ADMIN_URL=postgres://…/postgres TEMPORAL_ADDRESS=host:port npx tsx bench/auto-post.ts
 */
export interface AutoPostOptions {
  lines: number;
  /** 0: no outage run. */
  outageSeconds: number;
}

const LINES_PER_PAYMENT = 5;
const ACCOUNTS = 100;

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
async function settlementOfLines(db: Db, spruce: SpruceEmulator, label: string, LINES: number): Promise<{ settlementId: string; tenantId: string }> {
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

/** The floor: the same number of invoice payments posted straight to the emulator's batch endpoint, one batch after another. */
async function directBatchPosting(spruce: SpruceEmulator, LINES: number): Promise<number> {
  const tenantId = 'bench-direct';
  const apiKey = randomUUID();
  spruce.store.createTenant({ id: tenantId, name: 'Bench direct', apiKey });
  const invoices = Array.from({ length: LINES }, (_, i) => ({ id: `INV-direct-${i + 1}`, account_id: `C-${(i % ACCOUNTS) + 1}`, amount_cents: 10_000 + (i % 97) * 13 }));
  spruce.store.loadBook(tenantId, {
    accounts: Array.from({ length: ACCOUNTS }, (_, a) => ({ id: `C-${a + 1}`, name: `Customer ${a + 1}` })),
    invoices: invoices.map((invoice) => ({ ...invoice, invoice_date: '2026-10-01', due_date: '2026-11-30', balance_cents: invoice.amount_cents })),
  });
  const client = new SpruceClient({ baseUrl: spruce.url, apiKey, tenantId });
  const started = Date.now();
  for (let start = 0; start < LINES; start += DEFAULT_GL_BATCH_SIZE) {
    const results = await client.postGlLines(invoices.slice(start, start + DEFAULT_GL_BATCH_SIZE).map((invoice, k) => ({
      idempotencyKey: `direct-${start + k}`,
      line: { type: 'invoice_payment', account_id: invoice.account_id, document_id: invoice.id, amount_cents: invoice.amount_cents, posting_date: '2026-11-20', payment_reference: `P-direct-${Math.floor((start + k) / LINES_PER_PAYMENT)}` },
    })));
    const refused = results.find((result) => !result.ok);
    if (refused) throw new Error(`direct posting refused a line: ${JSON.stringify(refused)}`);
  }
  return Date.now() - started;
}

export async function measureAutoPost(env: BenchEnv, options: AutoPostOptions): Promise<BenchResult> {
  const LINES = options.lines;
  const OUTAGE_SECONDS = options.outageSeconds;
  const say = env.log;
  if (LINES % LINES_PER_PAYMENT !== 0) throw new Error(`lines must be a multiple of ${LINES_PER_PAYMENT}`);
  if (!env.temporalAddress) throw new Error('auto-post needs a Temporal server');
  const stops: Stoppable[] = [];
  try {
    const database = await createBenchDatabase(env.adminUrl, 'autopost', { max: 4 });
    stops.push(database);
    const { db } = database;
    const spruce = await startSpruceEmulator({ port: 0 });
    stops.push(spruce);
    const product = await startProduct({ label: 'autopost', databaseUrl: database.url, temporalAddress: env.temporalAddress, workflowBundlePath: env.workflowBundlePath, api: false });
    stops.push(product);
    const client = product.temporal;
    const taskQueue = product.taskQueue;
    say(`PostgreSQL ${new URL(database.url).pathname.slice(1)}, Temporal ${env.temporalAddress}, Spruce emulator ${spruce.url} (worker log: ${product.logs.join(', ')})`);

    const run = async (label: string, outage: boolean) => {
      const setupStarted = Date.now();
      const { settlementId, tenantId } = await settlementOfLines(db, spruce, label, LINES);
      const ledger = () => spruce.store.tenant(tenantId).ledger;
      say(`${label}: settlement of ${LINES} lines ready in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

      const input: GlPostingInput = { settlementId, startedBy: null, batchSize: DEFAULT_GL_BATCH_SIZE, lanes: DEFAULT_GL_LANES, maxRetryDelayMs: DEFAULT_GL_MAX_RETRY_DELAY_MS };
      const started = Date.now();
      const handle = await startGlPosting(client, taskQueue, input);
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
    const withOutage = OUTAGE_SECONDS > 0 ? await run('outage', true) : undefined;
    const directMs = await directBatchPosting(spruce, LINES);
    const directRate = perSecond(LINES, directMs);
    say(`direct: ${LINES} lines posted straight to the emulator in batches of ${DEFAULT_GL_BATCH_SIZE} in ${(directMs / 1000).toFixed(2)} s = ${directRate} lines/s`);
    const scale = `${LINES.toLocaleString('en-US')} lines`;
    const floor = { label: 'the same lines straight to Spruce\'s batch endpoint', value: directRate, unit: 'lines/s' };
    const figures = [
      figure({ benchmark: 'auto-post', key: 'lines_per_s', label: 'Auto-post to Spruce (gl-posting workflow)', scale, value: clean.lines_per_s, unit: 'lines/s', baseline: floor }),
      figure({ benchmark: 'auto-post', key: 'total_s', label: 'Auto-post of the settlement, total time', scale, value: Math.round(clean.posted_ms / 100) / 10, unit: 's', goal: { op: '<=', value: 30, source: 'issue 5' }, baseline: { label: 'straight to Spruce', value: Math.round(directMs / 100) / 10, unit: 's' } }),
    ];
    if (withOutage) {
      figures.push(figure({
        benchmark: 'auto-post', key: 'outage_ledger_lines', label: `Auto-post through a ${OUTAGE_SECONDS} s Spruce outage: postings in Spruce's ledger`, scale, value: withOutage.ledger_count, unit: 'lines',
        goal: { op: '=', value: LINES, source: 'issue 5' },
      }));
      figures.push(figure({
        benchmark: 'auto-post', key: 'outage_finished_after_s', label: 'Auto-post: done after Spruce came back', scale, value: Math.round((withOutage.finished_after_spruce_returned_ms ?? 0) / 100) / 10, unit: 's',
      }));
    }
    return { figures, detail: { clean, outage: withOutage, direct: { ms: directMs, lines_per_s: directRate }, batch_size: DEFAULT_GL_BATCH_SIZE, lanes: DEFAULT_GL_LANES } };
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

if (require.main === module) {
  const args = parseArgs();
  runStandalone('auto-post', { temporal: true, bundle: true }, (env) => measureAutoPost(env, {
    lines: Number(args.get('lines') ?? 10_000),
    outageSeconds: Number(args.get('outage-seconds') ?? 30),
  }));
}
