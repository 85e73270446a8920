import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { ensureSpruceSync, spruceSyncProgress } from '../workflows/spruce-sync-client';
import type { Db } from '../db/connection';
import { applySpruceChanges } from '../db/spruce-apply';
import { listen, type RunningServer } from '../emulators/http';
import { signWebhook, startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { SpruceClient, spruceChange, type SpruceChange } from '../integrations/spruce';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { createWorker, type RunningWorker } from '../worker/create-worker';
import { generateBook } from '../scripts/demo/book';
import { spruceSyncWorkflowId } from '../workflows/spruce-sync-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { requiredEnv } from './support/temporal';

/**
 * The Spruce sync end to end: the emulator pushes signed webhooks to the real API listening
 * on a port, the route hands them to the `spruce-sync-<dealerId>` workflow on the harness's
 * Temporal server, and its activities write PostgreSQL. Nothing of ours is mocked.
 */

const PASSWORD = 'Sync-test-password-1';
const TODAY = '2026-11-16';

interface Dealer {
  id: string;
  tenantId: string;
  apiKey: string;
  secret: string;
}

let db: Db;
let emulator: SpruceEmulator;
let api: RunningServer;
let app: Express;
let temporal: Client;
let temporalConnection: Connection;
let config: Config;
let worker: { running: Promise<void>; handle: RunningWorker } | undefined;
const taskQueue = `spruce-sync-test-${randomUUID()}`;

async function startWorker(): Promise<void> {
  const handle = await createWorker({
    address: requiredEnv('TEMPORAL_ADDRESS'),
    namespace: 'default',
    taskQueue,
    deps: { db, logger, config },
    workflowBundlePath: requiredEnv('WORKFLOW_BUNDLE_PATH'),
  });
  worker = { handle, running: handle.worker.run() };
}

async function stopWorker(): Promise<void> {
  if (!worker) return;
  worker.handle.worker.shutdown();
  await worker.running;
  await worker.handle.close();
  worker = undefined;
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}

async function admin(method: string, route: string, body?: unknown) {
  const response = await fetch(`${emulator.url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function newDealer(options: { webhook?: boolean } = {}): Promise<Dealer> {
  const suffix = randomUUID().slice(0, 8);
  const dealer = { tenantId: `t-${suffix}`, apiKey: `key-${randomUUID()}`, secret: `whsec-${randomUUID()}` };
  emulator.store.createTenant({ id: dealer.tenantId, name: `Tenant ${suffix}`, apiKey: dealer.apiKey });
  const [row] = await db('dealers')
    .insert({
      name: `Sync Lumber ${suffix}`, slug: `sync-${suffix}`, integration_mode: 'spruce', time_zone: 'America/Chicago',
      spruce_base_url: emulator.url, spruce_tenant_id: dealer.tenantId, spruce_api_key: dealer.apiKey, spruce_webhook_secret: dealer.secret,
    })
    .returning('id');
  if (options.webhook !== false) await admin('PUT', `/admin/tenants/${dealer.tenantId}/webhook`, { url: `${api.url}/webhooks/spruce`, secret: dealer.secret });
  return { id: row.id, ...dealer };
}

const syncState = (dealer: Dealer) => db('sync_state').where({ dealer_id: dealer.id }).first();
const headOf = (dealer: Dealer) => emulator.store.tenant(dealer.tenantId).seq;
const caughtUp = (dealer: Dealer) => eventually(() => syncState(dealer), (state) => state?.cursor === headOf(dealer) && state.status === 'live', `dealer ${dealer.id} to reach seq ${headOf(dealer)}`);

async function signIn(dealer: Dealer, role: 'admin' | 'ar_operator') {
  const email = `${role}-${randomUUID().slice(0, 8)}@sync.test`;
  await db('operator_users').insert({ dealer_id: dealer.id, email, name: 'Sync Operator', role, status: 'active', password_hash: await hashPassword(PASSWORD) });
  const agent = request.agent(app);
  const response = await agent.post('/api/operator/auth/sign-in').send({ email, password: PASSWORD }).expect(200);
  return { agent, csrf: response.body.csrfToken as string };
}

const smallBook = (seed: number) => generateBook({ seed, today: TODAY, accounts: 6, invoicesPerAccount: 5 });

beforeAll(async () => {
  try {
    // Outages make activities fail on purpose; their retries are not news here.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by another file in this worker process.
  }
  db = testDb();
  config = testConfig({ TASK_QUEUE: taskQueue, SPRUCE_SYNC_POLL_MS: '400', SPRUCE_SYNC_RETRY_MAX_MS: '1000' });
  temporalConnection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
  temporal = new Client({ connection: temporalConnection, namespace: 'default' });
  emulator = await startSpruceEmulator({ port: 0, webhooks: { initialBackoffMs: 50, maxBackoffMs: 500 } });
  app = createApp({ db, temporal, config });
  api = await listen(app, 0);
  await startWorker();
});

afterAll(async () => {
  await stopWorker();
  await emulator?.stop();
  await api?.stop();
  // Leave no sync running on the shared dev server after this file.
  const running = temporal.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` });
  for await (const execution of running) await temporal.workflow.getHandle(execution.workflowId).terminate('test finished').catch(() => undefined);
  await temporalConnection?.close();
  await db?.destroy();
});

describe('Spruce real-time sync', () => {
  it('makes a change in Spruce visible in Drypowder, with statements, statistics and deletes', async () => {
    const dealer = await newDealer();
    const book = smallBook(11);
    await admin('POST', `/admin/tenants/${dealer.tenantId}/book`, book);
    await caughtUp(dealer);

    const count = async (table: string) => Number((await db(table).where({ dealer_id: dealer.id }).count('* as n').first())?.n);
    expect(await count('invoices')).toBe(book.invoices.length);
    expect(await count('customer_accounts')).toBe(book.accounts.length);
    expect(await count('statement_items')).toBe(book.statements.reduce((sum, s) => sum + (s.items?.length ?? 0), 0));

    // Statistics follow the change for the account it touched.
    const target = book.invoices.find((invoice) => invoice.status === 'open')!;
    const account = await db('customer_accounts').where({ dealer_id: dealer.id, erp_account_id: target.account_id }).first();
    const statsBefore = await db('account_stats').where({ customer_account_id: account.id }).first();
    expect(statsBefore.outstanding_cents).toBeGreaterThan(0);

    await admin('PATCH', `/admin/tenants/${dealer.tenantId}/invoices/${target.id}`, { balance_cents: target.amount_cents - 1234, status: 'partially_paid' });
    const updated = await eventually(
      () => db('invoices').where({ dealer_id: dealer.id, invoice_number: target.id }).first(),
      (row) => row?.balance_cents === target.amount_cents - 1234,
      'the edited balance',
    );
    expect(updated).toMatchObject({ status: 'partially_paid', erp_seq: headOf(dealer) });
    const statsAfter = await db('account_stats').where({ customer_account_id: account.id }).first();
    expect(statsAfter.outstanding_cents).toBe(statsBefore.outstanding_cents - 1234);

    await admin('DELETE', `/admin/tenants/${dealer.tenantId}/invoices/${target.id}`);
    await eventually(() => db('invoices').where({ dealer_id: dealer.id, invoice_number: target.id }).first(), (row) => row?.status === 'void', 'the deleted invoice to be void');

    // Applied deliveries are kept a week as the replay guard, then pruned by the idle check.
    const stored = await db('webhook_events').where({ provider: 'spruce', dealer_id: dealer.id });
    expect(stored.length).toBeGreaterThan(0);
    await db('webhook_events').where({ provider: 'spruce', dealer_id: dealer.id }).update({ received_at: db.raw("now() - interval '8 days'") });
    await eventually(() => db('webhook_events').where({ provider: 'spruce', dealer_id: dealer.id }), (rows) => rows.length === 0, 'old deliveries to be pruned');
  });

  it('loads a whole book from the change feed at start, and resyncs from scratch on request', async () => {
    const dealer = await newDealer({ webhook: false });
    const book = generateBook({ seed: 2026, today: TODAY });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/book`, book);
    await ensureSpruceSync(temporal, taskQueue, dealer.id);
    const state = await caughtUp(dealer);
    expect(state.events_applied).toBe(headOf(dealer));
    const counts = await db.raw(
      `select (select count(*) from invoices where dealer_id = :d)::int as invoices, (select count(*) from adjustments where dealer_id = :d)::int as adjustments,
              (select count(*) from statements where dealer_id = :d)::int as statements, (select count(*) from contacts where dealer_id = :d)::int as contacts,
              (select count(*) from jobs where dealer_id = :d)::int as jobs, (select count(*) from account_stats where dealer_id = :d)::int as stats`,
      { d: dealer.id },
    );
    expect(counts.rows[0]).toMatchObject({ invoices: book.invoices.length, adjustments: book.adjustments.length, statements: book.statements.length, contacts: book.contacts.length, jobs: book.jobs.length });
    expect(counts.rows[0].stats).toBeGreaterThan(100);

    // Damage a row locally, then resync: the replay repairs it while the data stays readable.
    const victim = book.invoices[10]!;
    await db('invoices').where({ dealer_id: dealer.id, invoice_number: victim.id }).update({ balance_cents: 1 });
    await db('invoices').where({ dealer_id: dealer.id, invoice_number: book.invoices[11]!.id }).delete();
    const operator = await signIn(dealer, 'admin');
    await operator.agent.post('/api/operator/integration/resync').set('X-CSRF-Token', operator.csrf).expect(202);
    // The whole feed is applied a second time, and only then is the resync over.
    await eventually(() => syncState(dealer), (s) => s?.events_applied === 2 * headOf(dealer) && s.resync_requested_at === null && s.status === 'live', 'the resync to finish');
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: victim.id }).first()).toMatchObject({ balance_cents: victim.balance_cents });
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: book.invoices[11]!.id }).first()).toBeTruthy();
    const audit = await db('audit_events').where({ dealer_id: dealer.id }).whereLike('action', 'integration.resync%').orderBy('id').pluck('action');
    expect(audit).toEqual(['integration.resync_requested', 'integration.resync_completed']);
  });

  it('delivers 1,000 changes made while the worker was down: all arrive, none twice, none regressed', async () => {
    const dealer = await newDealer();
    const book = smallBook(12);
    await admin('POST', `/admin/tenants/${dealer.tenantId}/book`, book);
    const before = await caughtUp(dealer);

    await stopWorker();
    const invoices = book.invoices.slice(0, 20);
    for (let i = 0; i < 1_000; i += 1) {
      const invoice = invoices[i % invoices.length]!;
      // Each invoice is edited 50 times; only the last edit may survive.
      emulator.store.patch(dealer.tenantId, 'invoice', invoice.id, { balance_cents: Math.max(0, invoice.amount_cents - i), status: 'partially_paid' });
    }
    // Deliveries keep arriving and are queued for the workflow while no worker runs.
    await eventually(async () => emulator.store.tenant(dealer.tenantId).webhook?.deliveredSeq, (seq) => seq === headOf(dealer), 'every webhook delivered');
    expect((await syncState(dealer)).cursor).toBe(before.cursor);
    await startWorker();

    const after = await caughtUp(dealer);
    expect(after.events_applied - before.events_applied).toBe(1_000);
    const rows = await db('invoices').where({ dealer_id: dealer.id }).whereIn('invoice_number', invoices.map((i) => i.id));
    for (const row of rows) {
      const truth = emulator.store.get(emulator.store.tenant(dealer.tenantId), 'invoice', row.invoice_number)!;
      expect({ id: row.invoice_number, balance: row.balance_cents, seq: row.erp_seq }).toEqual({ id: truth.id, balance: truth.balance_cents, seq: truth.updated_seq });
    }
  });

  it('never regresses on an out-of-order or replayed delivery', async () => {
    const dealer = await newDealer();
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Order Test Builders' });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id: 'INV-9', account_id: 'A1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 10_000, balance_cents: 10_000 });
    await caughtUp(dealer);
    await admin('PATCH', `/admin/tenants/${dealer.tenantId}/invoices/INV-9`, { balance_cents: 7_000, status: 'partially_paid' });
    await admin('PATCH', `/admin/tenants/${dealer.tenantId}/invoices/INV-9`, { balance_cents: 2_000, status: 'partially_paid' });
    await caughtUp(dealer);
    const feed = emulator.store.changesAfter(emulator.store.tenant(dealer.tenantId), 0, 100) as unknown as SpruceChange[];

    // Old versions delivered again under new delivery ids (out of order), then one replayed id.
    for (const change of [feed[2]!, feed[1]!]) {
      const response = await deliver(dealer, `dlv_old_${randomUUID()}`, [change]);
      expect(response.status).toBe(200);
    }
    const replayId = `dlv_replay_${randomUUID()}`;
    expect((await deliver(dealer, replayId, [feed[2]!])).body).toMatchObject({ status: 'accepted' });
    expect((await deliver(dealer, replayId, [feed[2]!])).body).toMatchObject({ status: 'duplicate' });
    await eventually(() => spruceSyncProgress(temporal, dealer.id), (p) => p?.pendingDeliveries === 0 && p.phase === 'idle', 'the workflow to digest the deliveries');
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-9' }).first()).toMatchObject({ balance_cents: 2_000, erp_seq: 4 });
    expect((await syncState(dealer)).events_applied).toBe(4);

    // The SQL guard itself: an older version written straight at the table changes nothing.
    const stale = { ...feed[1]!, data: { ...feed[1]!.data } } as SpruceChange;
    await applySpruceChanges(db, dealer.id, [stale]);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-9' }).first()).toMatchObject({ balance_cents: 2_000, erp_seq: 4 });
  });

  it('brings each invoice\'s terms and cash discount in to the cent, and only the discount still to be earned', async () => {
    const dealer = await newDealer();
    const spruce = new SpruceClient({ baseUrl: emulator.url, apiKey: dealer.apiKey, tenantId: dealer.tenantId });
    const invoice = (id: string, amount: number, terms: Record<string, unknown> = {}) =>
      admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id, account_id: 'A1', invoice_date: '2026-10-20', due_date: '2026-11-25', amount_cents: amount, balance_cents: amount, ...terms });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Terms Test Builders' });
    // 2% of 617.37 is 12.3474: Spruce rounds it, and the row keeps Spruce's cents as they are.
    await invoice('INV-T1', 61_737, { terms: '2% 10th Prox', discount_cents: 1_235, discount_date: '2026-11-10' });
    await invoice('INV-T2', 20_000, { terms: 'Net 30' });
    await invoice('INV-T3', 5_000);
    await caughtUp(dealer);
    const terms = () => db('invoices').where({ dealer_id: dealer.id }).orderBy('invoice_number')
      .select('invoice_number', 'amount_cents', 'terms', 'terms_discount_cents', 'terms_discount_date');
    expect(await terms()).toEqual([
      { invoice_number: 'INV-T1', amount_cents: 61_737, terms: '2% 10th Prox', terms_discount_cents: 1_235, terms_discount_date: '2026-11-10' },
      { invoice_number: 'INV-T2', amount_cents: 20_000, terms: 'Net 30', terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-T3', amount_cents: 5_000, terms: null, terms_discount_cents: null, terms_discount_date: null },
    ]);

    // Terms changed in Spruce follow; a discount taken in Spruce is no longer offered, a reversed one is again.
    await admin('PATCH', `/admin/tenants/${dealer.tenantId}/invoices/INV-T2`, { terms: '1% 10 Net 30', discount_cents: 200, discount_date: '2026-10-30' });
    const line = { account_id: 'A1', document_id: 'INV-T1', posting_date: TODAY, payment_reference: 'PAY-T1' };
    await spruce.postGlLine('pay-t1', { ...line, type: 'invoice_payment', amount_cents: 61_737 - 1_235 });
    const taken = await spruce.postGlLine('disc-t1', { ...line, type: 'terms_discount', amount_cents: 1_000, gl_account: '4910' });
    await caughtUp(dealer);
    expect((await terms()).slice(0, 2)).toEqual([
      { invoice_number: 'INV-T1', amount_cents: 61_737, terms: '2% 10th Prox', terms_discount_cents: 235, terms_discount_date: '2026-11-10' },
      { invoice_number: 'INV-T2', amount_cents: 20_000, terms: '1% 10 Net 30', terms_discount_cents: 200, terms_discount_date: '2026-10-30' },
    ]);
    await spruce.postGlLine('disc-t1-rest', { ...line, type: 'terms_discount', amount_cents: 235, gl_account: '4910' });
    await caughtUp(dealer);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-T1' }).first()).toMatchObject({ balance_cents: 1_235, terms_discount_cents: null, terms_discount_date: null });
    await spruce.postGlLine('disc-t1-back', { ...line, type: 'reversal', document_id: undefined, reverses_posting_id: taken.posting.id, amount_cents: 1_000 });
    await caughtUp(dealer);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-T1' }).first()).toMatchObject({ terms_discount_cents: 1_000, terms_discount_date: '2026-11-10' });

    // A Spruce build without the terms fields reads as no terms; a discount that does not hold
    // together is not offered, and the rest of the invoice still arrives.
    const [latest] = emulator.store.changesAfter(emulator.store.tenant(dealer.tenantId), headOf(dealer) - 1, 1) as unknown as SpruceChange[];
    const older: Record<string, unknown> = { ...latest!.data };
    for (const field of ['terms', 'discount_cents', 'discount_date', 'discount_taken_cents']) delete older[field];
    const olderChange = spruceChange.parse({ ...latest, seq: headOf(dealer) + 1, data: { ...older, po_number: 'PO-OLD' } });
    const oddChange = spruceChange.parse({ ...latest, seq: headOf(dealer) + 2, id: 'INV-T2', data: { ...(await spruce.get('invoices', 'INV-T2')), discount_cents: 20_000, po_number: 'PO-ODD' } });
    await applySpruceChanges(db, dealer.id, [olderChange, oddChange]);
    expect(await terms()).toEqual([
      { invoice_number: 'INV-T1', amount_cents: 61_737, terms: null, terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-T2', amount_cents: 20_000, terms: '1% 10 Net 30', terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-T3', amount_cents: 5_000, terms: null, terms_discount_cents: null, terms_discount_date: null },
    ]);
    expect(await db('invoices').where({ dealer_id: dealer.id }).whereIn('invoice_number', ['INV-T1', 'INV-T2']).orderBy('invoice_number').pluck('po_number')).toEqual(['PO-OLD', 'PO-ODD']);
  });

  it('continues as new to bound its history, without losing or repeating a change', async () => {
    const dealer = await newDealer();
    const first = await ensureSpruceSync(temporal, taskQueue, dealer.id, { historyEventsLimit: 30 });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Long Story Builders' });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id: 'INV-1', account_id: 'A1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 100_000, balance_cents: 100_000 });
    // One change at a time, each synced before the next, so each is its own workflow turn.
    for (let i = 1; i <= 15; i += 1) {
      await admin('PATCH', `/admin/tenants/${dealer.tenantId}/invoices/INV-1`, { balance_cents: 100_000 - i, status: 'partially_paid' });
      await caughtUp(dealer);
    }
    const state = await caughtUp(dealer);
    expect(state.events_applied).toBe(17);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-1' }).first()).toMatchObject({ balance_cents: 100_000 - 15, erp_seq: 17 });
    // The history check runs at the top of each turn, with the history length of the workflow
    // task in hand; turns that apply changes as local activities can share one long task, so
    // the new run may begin only once that task completes.
    const latest = await eventually(
      () => temporal.workflow.getHandle(spruceSyncWorkflowId(dealer.id)).describe(),
      (description) => description.runId !== first.firstExecutionRunId && description.status.name === 'RUNNING',
      'the sync to continue as new',
    );
    expect(latest.runId).not.toBe(first.firstExecutionRunId);
    expect((await caughtUp(dealer)).events_applied).toBe(17);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-1' }).first()).toMatchObject({ balance_cents: 100_000 - 15, erp_seq: 17 });
  });

  it('catches up after webhooks were lost (a gap in sequence numbers)', async () => {
    const dealer = await newDealer();
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Gap Builders' });
    await caughtUp(dealer);
    await emulator.setFaults({ dropWebhooks: true });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id: 'INV-1', account_id: 'A1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 500, balance_cents: 500 });
    await eventually(async () => emulator.webhooks.status(dealer.tenantId).dropped, (n) => n === 1, 'the drop');
    await emulator.setFaults({ dropWebhooks: false });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id: 'INV-2', account_id: 'A1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 700, balance_cents: 700 });
    await caughtUp(dealer);
    expect((await db('invoices').where({ dealer_id: dealer.id }).orderBy('invoice_number')).map((row) => row.invoice_number)).toEqual(['INV-1', 'INV-2']);
  });

  it.each(['unavailable', 'refuse'] as const)('survives a Spruce outage (%s): degraded, the product keeps serving, then resumes alone', async (outage) => {
    const dealer = await newDealer();
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Outage Builders' });
    await admin('POST', `/admin/tenants/${dealer.tenantId}/invoices`, { id: 'INV-1', account_id: 'A1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 900, balance_cents: 900 });
    await caughtUp(dealer);
    const operator = await signIn(dealer, 'ar_operator');

    await emulator.setFaults({ outage });
    // Changes made in Spruce during the outage (the admin surface may be down too: in-process).
    emulator.store.patch(dealer.tenantId, 'invoice', 'INV-1', { balance_cents: 100, status: 'partially_paid' });
    await eventually(() => syncState(dealer), (s) => s?.status === 'degraded', 'the sync to show degraded');
    const during = await operator.agent.get('/api/operator/integration').expect(200);
    expect(during.body).toMatchObject({ mode: 'spruce', connection: { ok: false }, sync: { status: 'degraded' } });
    expect(during.body.sync.last_error).toMatch(/unavailable|unreachable/i);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-1' }).first()).toMatchObject({ balance_cents: 900 });

    await emulator.setFaults({ outage: 'none' });
    await caughtUp(dealer);
    expect(await db('invoices').where({ dealer_id: dealer.id, invoice_number: 'INV-1' }).first()).toMatchObject({ balance_cents: 100 });
    const afterwards = await operator.agent.get('/api/operator/integration').expect(200);
    expect(afterwards.body).toMatchObject({ connection: { ok: true }, sync: { status: 'live', behind_by: 0, cursor: headOf(dealer) } });
    const audit = await db('audit_events').where({ dealer_id: dealer.id, entity_type: 'integration' }).orderBy('id').pluck('action');
    expect(audit).toEqual(['integration.sync_degraded', 'integration.sync_resumed']);
  });

  it('ends the sync when the dealer leaves the Spruce integration', async () => {
    const dealer = await newDealer();
    await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Leaving Builders' });
    await caughtUp(dealer);
    await db('dealers').where({ id: dealer.id }).update({ integration_mode: 'file' });
    const handle = temporal.workflow.getHandle(spruceSyncWorkflowId(dealer.id));
    await eventually(() => handle.describe(), (description) => description.status.name !== 'RUNNING', 'the sync to end');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  describe('webhook route', () => {
    let dealer: Dealer;
    let change: SpruceChange;
    beforeAll(async () => {
      dealer = await newDealer({ webhook: false });
      await admin('POST', `/admin/tenants/${dealer.tenantId}/accounts`, { id: 'A1', name: 'Webhook Builders' });
      change = emulator.store.changesAfter(emulator.store.tenant(dealer.tenantId), 0, 1)[0] as unknown as SpruceChange;
    });

    it('refuses a forged signature, an unknown tenant and a stale timestamp with 401', async () => {
      const id = `dlv_${randomUUID()}`;
      const forged = await deliver({ ...dealer, secret: 'not-the-secret-at-all' }, id, [change]);
      expect(forged).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
      const unknown = await deliver({ ...dealer, tenantId: 'no-such-tenant' }, id, [change]);
      expect(unknown.status).toBe(401);
      const stale = await deliver(dealer, id, [change], { timestamp: Math.floor(Date.now() / 1000) - 301 });
      expect(stale).toMatchObject({ status: 401, body: { error: { code: 'stale_timestamp' } } });
      const unsigned = await request(app).post('/webhooks/spruce').set('content-type', 'application/json').send('{}');
      expect(unsigned.status).toBe(401);
      expect(await db('webhook_events').where({ provider: 'spruce', event_id: id })).toHaveLength(0);
    });

    it('refuses malformed bodies with 400 and takes a replayed delivery id as a no-op', async () => {
      const notJson = await deliver(dealer, `dlv_${randomUUID()}`, [change], { rawBody: '{not json' });
      expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
      const wrongShape = await deliver(dealer, `dlv_${randomUUID()}`, [{ ...change, seq: -1 } as SpruceChange]);
      expect(wrongShape).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });

      const id = `dlv_${randomUUID()}`;
      expect((await deliver(dealer, id, [change])).body).toMatchObject({ status: 'accepted' });
      expect((await deliver(dealer, id, [change])).body).toMatchObject({ status: 'duplicate' });
      expect(await db('webhook_events').where({ provider: 'spruce', event_id: id })).toHaveLength(1);
      await eventually(() => db('customer_accounts').where({ dealer_id: dealer.id, erp_account_id: 'A1' }).first(), Boolean, 'the delivered account');
    });
  });

  describe('Integration API', () => {
    it('shows a file-based dealer its mode and refuses a resync; operators without admin cannot resync', async () => {
      const [fileDealer] = await db('dealers').insert({ name: 'File Lumber', slug: `file-${randomUUID().slice(0, 8)}`, integration_mode: 'file' }).returning('id');
      const fileAdmin = await signIn({ id: fileDealer.id } as Dealer, 'admin');
      expect((await fileAdmin.agent.get('/api/operator/integration').expect(200)).body).toMatchObject({ mode: 'file', sync: null });
      await fileAdmin.agent.post('/api/operator/integration/resync').set('X-CSRF-Token', fileAdmin.csrf).expect(409);

      const dealer = await newDealer();
      const clerk = await signIn(dealer, 'ar_operator');
      const refused = await clerk.agent.post('/api/operator/integration/resync').set('X-CSRF-Token', clerk.csrf);
      expect(refused.status).toBe(403);
    });
  });
});

async function deliver(dealer: Pick<Dealer, 'tenantId' | 'secret'>, deliveryId: string, changes: SpruceChange[], options: { timestamp?: number; rawBody?: string } = {}) {
  const body = options.rawBody ?? JSON.stringify({ id: deliveryId, type: 'changes', tenant_id: dealer.tenantId, sent_at: new Date().toISOString(), changes });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return request(app)
    .post('/webhooks/spruce')
    .set('content-type', 'application/json')
    .set('spruce-tenant-id', dealer.tenantId)
    .set('spruce-delivery-id', deliveryId)
    .set('spruce-timestamp', timestamp)
    .set('spruce-signature', signWebhook(dealer.secret, timestamp, body))
    .send(body);
}
