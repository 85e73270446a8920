import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import type { Db } from '../db/connection';
import { addDays, localDate } from '../domain/dates';
import { listen, type RunningServer } from '../emulators/http';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { logger } from '../runtime/logger';
import { ingestWorkflowId } from '../workflows/ingest-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { startTestWorker } from './support/temporal';

/**
 * Job lien deadlines end to end: delivery dates arrive through the Spruce sync (emulator →
 * webhook → workflow → PostgreSQL) and through a CSV upload; the console API shows each job's
 * deadlines in the dealer's days; the Collection Priority and the dashboard filter follow the
 * nearest lien-filing deadline; an admin's override of a state's days is audited and bounded.
 */

const PASSWORD = 'Lien-deadline-test-1';
const TIME_ZONE = 'America/Chicago';
const today = () => localDate(new Date(), TIME_ZONE);

let db: Db;
let emulator: SpruceEmulator;
let api: RunningServer;
let app: Express;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let uploadDir: string;

interface Operator {
  get(url: string): request.Test;
  post(url: string): request.Test;
  put(url: string): request.Test;
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

async function spruceAdmin(method: string, route: string, body?: unknown) {
  const response = await fetch(`${emulator.url}${route}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function newDealer(mode: 'file' | 'spruce'): Promise<{ id: string; tenantId: string }> {
  const suffix = randomUUID().slice(0, 8);
  const tenantId = `t-${suffix}`;
  const apiKey = `key-${randomUUID()}`;
  const secret = `whsec-${randomUUID()}`;
  const spruce = mode === 'spruce'
    ? { spruce_base_url: emulator.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, spruce_webhook_secret: secret }
    : {};
  if (mode === 'spruce') emulator.store.createTenant({ id: tenantId, name: `Tenant ${suffix}`, apiKey });
  const [row] = await db('dealers').insert({ name: `Lien Lumber ${suffix}`, slug: `lien-${suffix}`, integration_mode: mode, time_zone: TIME_ZONE, ...spruce }).returning('id');
  if (mode === 'spruce') await spruceAdmin('PUT', `/admin/tenants/${tenantId}/webhook`, { url: `${api.url}/webhooks/spruce`, secret });
  return { id: row.id, tenantId };
}

async function signIn(dealerId: string, role: 'admin' | 'ar_operator'): Promise<Operator & { id: string }> {
  const email = `${role}-${randomUUID().slice(0, 8)}@lien.test`;
  const [operator] = await db('operator_users').insert({ dealer_id: dealerId, email, name: 'Lien Operator', role, status: 'active', password_hash: await hashPassword(PASSWORD) }).returning('id');
  const agent = request.agent(app);
  const response = await agent.post('/api/operator/auth/sign-in').send({ email, password: PASSWORD }).expect(200);
  const csrf = response.body.csrfToken as string;
  return { id: operator.id, get: (url) => agent.get(url), post: (url) => agent.post(url).set('X-CSRF-Token', csrf), put: (url) => agent.put(url).set('X-CSRF-Token', csrf) };
}

const list = (filter: Record<string, unknown>) => `?filter=${encodeURIComponent(JSON.stringify(filter))}&range=[0,99]`;
const accountId = (dealerId: string, erp: string) => db('customer_accounts').where({ dealer_id: dealerId, erp_account_id: erp }).first('id').then((row) => row!.id as string);
const jobId = (dealerId: string, erp: string) => db('jobs').where({ dealer_id: dealerId, erp_job_id: erp }).first('id').then((row) => row!.id as string);

beforeAll(async () => {
  db = testDb();
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'drypowder-lien-'));
  emulator = await startSpruceEmulator({ port: 0, webhooks: { initialBackoffMs: 50, maxBackoffMs: 500 } });
  const config = testConfig({ UPLOAD_DIR: uploadDir, SPRUCE_SYNC_POLL_MS: '400', SPRUCE_SYNC_RETRY_MAX_MS: '1000' });
  worker = await startTestWorker({ db, logger, config });
  app = createApp({ db, temporal: worker.client, config: testConfig({ UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue, SPRUCE_SYNC_POLL_MS: '400' }) });
  api = await listen(app, 0);
});

afterAll(async () => {
  await emulator?.stop();
  await api?.stop();
  if (worker) {
    // Leave no sync running on the shared dev server after this file.
    const running = worker.client.workflow.list({ query: `TaskQueue = "${worker.taskQueue}" AND ExecutionStatus = "Running"` });
    for await (const execution of running) await worker.client.workflow.getHandle(execution.workflowId).terminate('test finished').catch(() => undefined);
    await worker.stop();
  }
  await db?.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('job lien deadlines', () => {
  it('brings jobs with delivery dates from the Spruce sync; the console shows their deadlines, the priority and the filter follow the nearest one', async () => {
    const dealer = await newDealer('spruce');
    const operator = await signIn(dealer.id, 'ar_operator');
    const post = (collection: string, body: unknown) => spruceAdmin('POST', `/admin/tenants/${dealer.tenantId}/${collection}`, body);
    const day = (offset: number) => addDays(today(), offset);
    await post('accounts', { id: 'NEAR', name: 'Near Deadline Framing', state: 'CA' });
    await post('accounts', { id: 'LATER', name: 'Later Deadline Builders', state: 'TX' });
    await post('accounts', { id: 'PAID', name: 'Paid Up Decks', state: 'CA' });
    await post('accounts', { id: 'NONE', name: 'No Jobs Roofing', state: 'CA' });
    // CA: 20 days for the notice, 90 to file; the job has no state of its own, so its account's applies.
    await post('jobs', { id: 'J-NEAR', account_id: 'NEAR', name: 'Lot 14 Maple Ridge', first_delivery_date: day(-120), last_delivery_date: day(-85) });
    // The job site is in Nevada (90 days to file), not in the account's Texas.
    await post('jobs', { id: 'J-LATER', account_id: 'LATER', name: 'Henderson warehouse', state: 'NV', first_delivery_date: day(-10), last_delivery_date: day(-10) });
    await post('jobs', { id: 'J-PAID', account_id: 'PAID', name: 'Deck on Elm', first_delivery_date: day(-100), last_delivery_date: day(-85) });
    const invoice = (id: string, account: string, job: string | null, balance: number) =>
      post('invoices', { id, account_id: account, job_id: job, invoice_date: day(-85), due_date: day(20), amount_cents: 50_000, balance_cents: balance, status: balance === 0 ? 'paid' : 'open' });
    await invoice('INV-N1', 'NEAR', 'J-NEAR', 50_000);
    await invoice('INV-L1', 'LATER', 'J-LATER', 50_000);
    await invoice('INV-P1', 'PAID', 'J-PAID', 0);
    await invoice('INV-X1', 'NONE', null, 50_000);

    await eventually(() => db('jobs').where({ dealer_id: dealer.id }).count({ n: '*' }).then(([row]) => Number(row!.n)), (n) => n === 3, 'the jobs to sync');
    await eventually(() => db('invoices').where({ dealer_id: dealer.id }).count({ n: '*' }).then(([row]) => Number(row!.n)), (n) => n === 4, 'the invoices to sync');
    expect(await db('jobs').where({ dealer_id: dealer.id }).orderBy('erp_job_id').select('erp_job_id', 'state', 'first_delivery_date', 'last_delivery_date')).toEqual([
      { erp_job_id: 'J-LATER', state: 'NV', first_delivery_date: day(-10), last_delivery_date: day(-10) },
      { erp_job_id: 'J-NEAR', state: null, first_delivery_date: day(-120), last_delivery_date: day(-85) },
      { erp_job_id: 'J-PAID', state: null, first_delivery_date: day(-100), last_delivery_date: day(-85) },
    ]);

    const near = await accountId(dealer.id, 'NEAR');
    const jobs = await operator.get(`/api/operator/jobs${list({ customer_account_id: near })}`).expect(200);
    expect(jobs.headers['content-range']).toBe('jobs 0-0/1');
    expect(jobs.body).toEqual([expect.objectContaining({
      erp_job_id: 'J-NEAR', name: 'Lot 14 Maple Ridge', customer_account_id: near, customer_name: 'Near Deadline Framing', state: 'CA', state_source: 'account',
      first_delivery_date: day(-120), last_delivery_date: day(-85), open_cents: 50_000, open_invoice_count: 1, rule_source: 'default',
      preliminary_notice_days: 20, lien_filing_days: 90, preliminary_notice_due: day(-100), preliminary_notice_days_left: -100,
      lien_filing_due: day(5), lien_filing_days_left: 5, today: today(),
    })]);
    const later = await operator.get(`/api/operator/jobs/${await jobId(dealer.id, 'J-LATER')}`).expect(200);
    expect(later.body).toMatchObject({ state: 'NV', state_source: 'job', preliminary_notice_due: day(21), preliminary_notice_days_left: 21, lien_filing_due: day(80), lien_filing_days_left: 80 });

    // Exactly the account whose job still owed money files within 10 days: not the paid-up job's.
    const within = await operator.get(`/api/operator/customers${list({ lien_deadline_within_days: 10 })}`).expect(200);
    expect(within.body.map((row: { erp_account_id: string }) => row.erp_account_id)).toEqual(['NEAR']);
    expect((await operator.get(`/api/operator/customers/summary${list({ lien_deadline_within_days: 10 })}`).expect(200)).body.account_count).toBe(1);
    expect((await operator.get(`/api/operator/customers${list({ lien_deadline_within_days: 90 })}`).expect(200)).body.map((row: { erp_account_id: string }) => row.erp_account_id).sort()).toEqual(['LATER', 'NEAR']);
    const refused = await operator.get(`/api/operator/customers${list({ lien_deadline_within_days: -1 })}`).expect(400);
    expect(refused.body.error.details[0].field).toContain('lien_deadline_within_days');

    // Same money, same age: the near lien deadline is what puts NEAR above NONE.
    const detail = async (erp: string) => (await operator.get(`/api/operator/customers/${await accountId(dealer.id, erp)}`).expect(200)).body;
    const nearDetail = await detail('NEAR');
    const noneDetail = await detail('NONE');
    expect(nearDetail.priority_breakdown).toContainEqual({ key: 'lien_deadline', label: 'Lien filing due in 5 days on a job still owed money', tenths: 15, max_tenths: 15 });
    expect(nearDetail.collection_priority).toBeGreaterThan(noneDetail.collection_priority);
    const ranked = await operator.get(`/api/operator/customers?sort=${encodeURIComponent('["collection_priority","DESC"]')}&range=[0,9]`).expect(200);
    expect(ranked.body[0].erp_account_id).toBe('NEAR');

    // The last delivery moves in Spruce: the deadline moves out of the window and the score drops back.
    await spruceAdmin('PATCH', `/admin/tenants/${dealer.tenantId}/jobs/J-NEAR`, { last_delivery_date: day(-30) });
    await eventually(() => detail('NEAR'), (body) => body.collection_priority === noneDetail.collection_priority, 'NEAR to lose its lien points');
    expect((await operator.get(`/api/operator/customers${list({ lien_deadline_within_days: 10 })}`).expect(200)).body).toEqual([]);

    // Another dealer's operator cannot see the job.
    const other = await newDealer('file');
    await (await signIn(other.id, 'ar_operator')).get(`/api/operator/jobs/${await jobId(dealer.id, 'J-NEAR')}`).expect(404);
    expect((await (await signIn(other.id, 'ar_operator')).get(`/api/operator/jobs${list({ customer_account_id: near })}`).expect(200)).body).toEqual([]);
  });

  it('reads job state and delivery dates from a CSV upload, refusing bad ones by row and column', async () => {
    const dealer = await newDealer('file');
    const operator = await signIn(dealer.id, 'ar_operator');
    const day = (offset: number) => addDays(today(), offset);
    const accounts = 'account_id,name,state\nC-1,Cedar Framing,FL\nC-2,Birch Homes,GA\n';
    const invoices = [
      'account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount,job_id,job_name,job_state,first_delivery_date,last_delivery_date',
      `C-1,INV-1,${day(-80)},${day(10)},100.00,100.00,J-1,Bay St.,,${day(-90)},${day(-85)}`,
      `C-1,INV-2,${day(-80)},${day(10)},100.00,100.00,J-1,,,${day(-95)},${day(-84)}`,
      `C-2,INV-3,${day(-20)},${day(10)},100.00,100.00,J-2,Oak Ct.,or,${day(-20)},${day(-20)}`,
      `C-2,INV-4,${day(-20)},${day(10)},100.00,100.00,J-3,,Oregon,,`,
      `C-2,INV-5,${day(-20)},${day(10)},100.00,100.00,J-4,,,${day(-5)},${day(-9)}`,
      `C-2,INV-6,${day(-20)},${day(10)},100.00,100.00,,,CA,,`,
      `C-2,INV-7,${day(-20)},${day(10)},100.00,100.00,J-5,,,2026-02-30,`,
    ].join('\n');
    const uploaded = await operator.post('/api/operator/ingestion-runs')
      .attach('accounts', Buffer.from(accounts), 'accounts.csv').attach('invoices', Buffer.from(invoices), 'invoices.csv').expect(202);
    const run = await eventually(() => operator.get(`/api/operator/ingestion-runs/${uploaded.body.id}`).then((r) => r.body), (body) => ['validated', 'failed'].includes(body.status), 'validation');
    expect(run.status).toBe('validated');
    const errors = await operator.get(`/api/operator/ingestion-runs/${run.id}/errors?range=[0,49]`).expect(200);
    expect(errors.body.map((row: any) => [row.row_number, row.errors.map((e: { column: string }) => e.column)])).toEqual([
      [5, ['job_state']],
      [6, ['last_delivery_date']],
      [7, ['job_state']],
      [8, ['first_delivery_date']],
    ]);
    expect(errors.body[0].errors[0].message).toContain('two-letter US state code');
    expect(errors.body[1].errors[0].message).toBe(`${day(-9)} is before first_delivery_date ${day(-5)}`);
    expect(errors.body[2].errors[0].message).toContain('needs a job_id');

    await operator.post(`/api/operator/ingestion-runs/${run.id}/commit`).expect(202);
    await worker.client.workflow.getHandle(ingestWorkflowId(run.id)).result();
    // The upload's earliest first delivery and latest last delivery of a job win.
    expect(await db('jobs').where({ dealer_id: dealer.id }).orderBy('erp_job_id').select('erp_job_id', 'state', 'first_delivery_date', 'last_delivery_date')).toEqual([
      { erp_job_id: 'J-1', state: null, first_delivery_date: day(-95), last_delivery_date: day(-84) },
      { erp_job_id: 'J-2', state: 'OR', first_delivery_date: day(-20), last_delivery_date: day(-20) },
    ]);
    const c1 = await accountId(dealer.id, 'C-1');
    const [job] = (await operator.get(`/api/operator/jobs${list({ customer_account_id: c1 })}`).expect(200)).body;
    // Florida (the account's state): 45 days for the notice, 90 to file.
    expect(job).toMatchObject({ state: 'FL', state_source: 'account', preliminary_notice_due: day(-50), lien_filing_due: day(6), lien_filing_days_left: 6, open_cents: 20_000 });
    expect((await operator.get(`/api/operator/customers${list({ lien_deadline_within_days: 10 })}`).expect(200)).body.map((row: { id: string }) => row.id)).toEqual([c1]);

    // A later file without the columns leaves the dates alone.
    const plain = `account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount,job_id\nC-1,INV-1,${day(-80)},${day(10)},100.00,100.00,J-1\n`;
    const again = await operator.post('/api/operator/ingestion-runs').attach('invoices', Buffer.from(plain), 'plain.csv').expect(202);
    await eventually(() => operator.get(`/api/operator/ingestion-runs/${again.body.id}`).then((r) => r.body.status), (status) => status === 'validated', 'validation');
    await operator.post(`/api/operator/ingestion-runs/${again.body.id}/commit`).expect(202);
    await worker.client.workflow.getHandle(ingestWorkflowId(again.body.id)).result();
    expect(await db('jobs').where({ dealer_id: dealer.id, erp_job_id: 'J-1' }).first('first_delivery_date', 'last_delivery_date')).toEqual({ first_delivery_date: day(-95), last_delivery_date: day(-84) });
  });

  it("lets an admin override a state's days, audited, refusing days out of range; the deadlines and the filter follow", async () => {
    const dealer = await newDealer('file');
    const admin = await signIn(dealer.id, 'admin');
    const clerk = await signIn(dealer.id, 'ar_operator');
    const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: 'A-1', name: 'Override Builders', state: 'CA' }).returning('id');
    const [job] = await db('jobs').insert({ dealer_id: dealer.id, customer_account_id: account.id, erp_job_id: 'J-1', name: 'Pier 9', last_delivery_date: addDays(today(), -85), first_delivery_date: addDays(today(), -85) }).returning('id');
    await db('invoices').insert({ dealer_id: dealer.id, customer_account_id: account.id, job_id: job.id, invoice_number: 'INV-1', invoice_date: addDays(today(), -85), due_date: addDays(today(), 5), amount_cents: 10_000, balance_cents: 10_000, status: 'open' });

    const settings = await clerk.get('/api/operator/settings/lien-deadlines').expect(200);
    expect(settings.body.states.find((entry: { state: string }) => entry.state === 'CO')).toEqual({
      state: 'CO', preliminary_notice_days: null, lien_filing_days: 120, source: 'default', default: { preliminary_notice_days: null, lien_filing_days: 120 },
    });
    await clerk.put('/api/operator/settings/lien-deadlines').send({ overrides: [{ state: 'CA', preliminary_notice_days: 20, lien_filing_days: 80 }] }).expect(403);
    for (const [bad, field] of [
      [{ state: 'CA', preliminary_notice_days: 20, lien_filing_days: 366 }, 'overrides.0.lien_filing_days'],
      [{ state: 'CA', preliminary_notice_days: 0, lien_filing_days: 90 }, 'overrides.0.preliminary_notice_days'],
      [{ state: 'ZZ', preliminary_notice_days: null, lien_filing_days: 90 }, 'overrides.0.state'],
    ] as const) {
      const refused = await admin.put('/api/operator/settings/lien-deadlines').send({ overrides: [bad] }).expect(400);
      expect(refused.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
    }
    expect(await db('lien_deadline_overrides').where({ dealer_id: dealer.id })).toEqual([]);

    const saved = await admin.put('/api/operator/settings/lien-deadlines').send({ overrides: [{ state: 'ca', preliminary_notice_days: null, lien_filing_days: 80 }, { state: 'VT', preliminary_notice_days: 30, lien_filing_days: 100 }] }).expect(200);
    expect(saved.body.states.filter((entry: { source: string }) => entry.source === 'override')).toEqual([
      { state: 'CA', preliminary_notice_days: null, lien_filing_days: 80, source: 'override', default: { preliminary_notice_days: 20, lien_filing_days: 90 } },
      { state: 'VT', preliminary_notice_days: 30, lien_filing_days: 100, source: 'override', default: null },
    ]);
    const audit = await db('audit_events').where({ dealer_id: dealer.id, action: 'settings.lien_deadlines_changed' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'operator', actor_id: admin.id, data: { before: [], after: [{ state: 'CA', preliminaryNoticeDays: null, lienFilingDays: 80 }, { state: 'VT', preliminaryNoticeDays: 30, lienFilingDays: 100 }] } });

    // 80 days from a delivery 85 days ago: passed, so no longer within the filter's window.
    expect((await clerk.get(`/api/operator/jobs/${job.id}`).expect(200)).body).toMatchObject({ rule_source: 'override', preliminary_notice_due: null, lien_filing_days: 80, lien_filing_days_left: -5 });
    expect((await clerk.get(`/api/operator/customers${list({ lien_deadline_within_days: 10 })}`).expect(200)).body).toEqual([]);
    await admin.put('/api/operator/settings/lien-deadlines').send({ overrides: [] }).expect(200);
    expect((await clerk.get(`/api/operator/customers${list({ lien_deadline_within_days: 10 })}`).expect(200)).body.map((row: { id: string }) => row.id)).toEqual([account.id]);
  });
});
