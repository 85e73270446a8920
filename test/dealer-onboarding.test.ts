import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../api/app';
import type { Db } from '../db/connection';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { generateBook } from '../scripts/demo/book';
import { startEmailRelay } from '../worker/duties';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { signIn, startOperatorApp, type TestApp } from './support/operator';
import { startPaymentEmulators, type PaymentEmulators } from './support/payment-emulators';
import { startMailSink, waitForEmail } from './support/portal';
import { requiredEnv, startTestWorker } from './support/temporal';

/**
 * Dealer onboarding without the seed script (docs/onboarding.md), on a database nobody seeded:
 * `npm run dealer -- create` run as a real process creates a Spruce dealer, its first admin gets
 * the invitation email from the SMTP sink, sets a password through the real set-password API and
 * signs in, the Spruce emulator's customers sync in, and the same command again changes nothing.
 * Then the platform admin API over HTTP: a file-based dealer attaching an existing Moov account,
 * its repeat, and every refusal (bad Spruce key, unreachable Spruce, unknown Moov account, a
 * different request under the same slug, no token, the API turned off) creating nothing.
 */

const PLATFORM_TOKEN = `platform-${randomUUID()}-${randomUUID()}`;
const PASSWORD = 'Onboarded-admin-2026!';
const MAIL_FROM = 'Drypowder Payments <payments@drypowder.local>';
const PUBLIC_URL = 'http://onboard.example.test';
const TSX = path.resolve(__dirname, '../node_modules/.bin/tsx');

let db: Db;
let sink: Awaited<ReturnType<typeof startMailSink>>;
let spruce: SpruceEmulator;
let payments: PaymentEmulators;
let api: TestApp;
let config: Config;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
const taskQueue = `onboarding-${randomUUID()}`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** `npm run dealer -- <args>` as its own process, configured as a deployment would configure it. */
function dealerCommand(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/dealer.ts', ...args], {
      cwd: path.resolve(__dirname, '..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: requiredEnv('TEST_DATABASE_URL'),
        TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS'),
        TASK_QUEUE: taskQueue,
        PUBLIC_URL,
        MOOV_URL: payments.moov.url,
        MOOV_PUBLIC_KEY: payments.moov.publicKey,
        MOOV_SECRET_KEY: payments.moov.secretKey,
        MOOV_FACILITATOR_ACCOUNT_ID: payments.moov.facilitatorAccountId,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ status, stdout, stderr, json });
    });
  });
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

const count = async (table: string, where: Record<string, unknown>) => Number((await db(table).where(where).count({ n: '*' }).first())?.n ?? 0);

/** Every row onboarding writes, for one dealer (by slug) and one admin address. */
async function footprint(slug: string, adminEmail: string) {
  const dealer = await db('dealers').where({ slug }).first('id', 'updated_at');
  const admin = await db('operator_users').where({ email: adminEmail }).first('id', 'updated_at');
  return {
    dealers: await count('dealers', { slug }),
    dealerUpdatedAt: dealer?.updated_at?.toISOString() ?? null,
    operators: dealer ? await count('operator_users', { dealer_id: dealer.id }) : 0,
    adminUpdatedAt: admin?.updated_at?.toISOString() ?? null,
    audit: dealer ? await db('audit_events').where({ dealer_id: dealer.id }).orderBy('id').pluck('id') : [],
    outbox: await count('email_outbox', { to_address: adminEmail }),
    tokens: admin ? await count('auth_tokens', { subject_id: admin.id }) : 0,
    auditAnywhere: await db('audit_events').whereRaw("data->>'email' = ?", [adminEmail]).count({ n: '*' }).first().then((row) => Number(row?.n ?? 0)),
  };
}

const uniq = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  db = testDb();
  sink = await startMailSink();
  spruce = await startSpruceEmulator({ port: 0 });
  payments = await startPaymentEmulators();
  const overrides = {
    TASK_QUEUE: taskQueue,
    PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN,
    PUBLIC_URL,
    MOOV_URL: payments.moov.url,
    MOOV_PUBLIC_KEY: payments.moov.publicKey,
    MOOV_SECRET_KEY: payments.moov.secretKey,
    MOOV_FACILITATOR_ACCOUNT_ID: payments.moov.facilitatorAccountId,
    SPRUCE_SYNC_POLL_MS: '400',
    SPRUCE_SYNC_RETRY_MAX_MS: '1000',
  };
  config = testConfig(overrides);
  api = await startOperatorApp(db, overrides);
  worker = await startTestWorker({ db, logger, config }, { taskQueue });
}, 120_000);

afterAll(async () => {
  // Leave no sync running on the shared dev server after this file.
  if (worker) {
    for await (const execution of worker.client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
      await worker.client.workflow.getHandle(execution.workflowId).terminate('test finished').catch(() => undefined);
    }
    await worker.stop();
  }
  await api?.close();
  await payments?.stop();
  await spruce?.stop();
  await sink?.stop();
  await db?.destroy();
});

describe('dealer onboarding by the command', () => {
  const suffix = uniq();
  const slug = `prairie-lumber-${suffix}`;
  const tenantId = `prairie-${suffix}`;
  const apiKey = `spruce-key-${randomUUID()}`;
  const adminEmail = `owner-${suffix}@prairie-lumber.test`;
  const book = generateBook({ seed: 1717, today: '2026-11-16', accounts: 8, invoicesPerAccount: 4 });
  const createArgs = [
    'create', '--slug', slug, '--name', `Prairie Lumber ${suffix}`, '--time-zone', 'America/Chicago', '--cutoff', '17:00',
    '--admin-email', adminEmail, '--admin-name', 'Pat Prairie', '--spruce-tenant', tenantId, '--create-moov-account',
    '--fee-payer', 'customer', '--ach-fee-cents', '150', '--card-credit-rate-bps', '295', '--surcharge-forbidden-states', 'MA,CT', '--json',
  ];
  let dealerId: string;

  beforeAll(async () => {
    spruce.store.createTenant({ id: tenantId, name: `Prairie tenant ${suffix}`, apiKey });
    const loaded = await fetch(`${spruce.url}/admin/tenants/${tenantId}/book`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(book) });
    expect(loaded.status).toBeLessThan(300);
  });

  it('refuses a bad Spruce key with a specific error and creates nothing', async () => {
    const run = await dealerCommand([...createArgs, '--spruce-url', spruce.url, '--spruce-key', 'not-the-key']);
    expect(run.status).toBe(1);
    expect(run.json.error).toMatchObject({ code: 'spruce_key_rejected', details: [expect.objectContaining({ field: 'integration.api_key', flag: '--spruce-key' })] });
    expect(await footprint(slug, adminEmail)).toMatchObject({ dealers: 0, operators: 0, audit: [], outbox: 0, tokens: 0, auditAnywhere: 0 });
  }, 60_000);

  it('says which flag is wrong before touching anything', async () => {
    const run = await dealerCommand(['create', '--name', 'No Cutoff Lumber', '--time-zone', 'Mars/Olympus', '--cutoff', '25:00', '--admin-email', 'x@y.test', '--file-based', '--create-moov-account', '--json']);
    expect(run.status).toBe(1);
    expect(run.json.error.code).toBe('invalid_request');
    expect(run.json.error.details.map((d: { flag: string }) => d.flag).sort()).toEqual(['--cutoff', '--time-zone']);
    const usage = await dealerCommand(['create', '--name', 'Both Lumber', '--file-based', '--spruce-url', spruce.url]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/exactly one of --spruce-url/);
    expect(await count('dealers', { slug: 'no-cutoff-lumber' })).toBe(0);
  }, 60_000);

  it('creates the dealer, invites its admin by email, and the admin signs in to a synced book', async () => {
    const run = await dealerCommand([...createArgs, '--spruce-url', spruce.url], { DEALER_SPRUCE_API_KEY: apiKey });
    expect(run.stderr).not.toContain(apiKey);
    expect(run.stdout).not.toContain(apiKey);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({
      outcome: 'created',
      dealer: {
        slug, time_zone: 'America/Chicago', settlement_cutoff: '17:00', integration_mode: 'spruce',
        spruce: { base_url: spruce.url, tenant_id: tenantId, api_key_set: true, webhook_secret_set: false },
        fees: { fee_payer: 'customer', ach_fee_cents: 150, card_credit_rate_bps: 295, surcharge_forbidden_states: ['CT', 'MA'] },
        admins: [{ email: adminEmail, name: 'Pat Prairie', status: 'invited' }],
      },
      spruce_check: { ok: true, tenant_name: `Prairie tenant ${suffix}`, head_seq: expect.any(Number) },
      moov: { action: 'created' },
      sync_started: true,
    });
    dealerId = run.json.dealer.id;

    // Stored as a deployment stores it: the key sealed, the Moov account real at Moov.
    const stored = await db('dealers').where({ id: dealerId }).first('spruce_api_key', 'moov_account_id');
    expect(stored.spruce_api_key).toMatch(/^sealed:v1:/);
    expect(stored.moov_account_id).toBe(run.json.moov.account_id);
    expect(await payments.moovClient.getAccount(stored.moov_account_id)).toMatchObject({ foreignId: `dealer-${dealerId}` });
    expect(await db('audit_events').where({ dealer_id: dealerId }).orderBy('id').select('actor_kind', 'actor_id', 'action')).toEqual([
      { actor_kind: 'platform', actor_id: expect.stringMatching(/^cli:/), action: 'dealer.onboarded' },
      { actor_kind: 'platform', actor_id: expect.stringMatching(/^cli:/), action: 'operator.invited' },
    ]);

    // The invitation goes out through the outbox, as the worker relays it.
    const stopRelay = startEmailRelay(db, { SMTP_URL: sink.smtpUrl, MAIL_FROM }, 200, { dealerId });
    let link: string;
    try {
      const email = await waitForEmail(sink, adminEmail, (m) => /first admin of Prairie Lumber/.test(m.subject));
      link = email.links.find((candidate) => candidate.startsWith(`${PUBLIC_URL}/admin/#/set-password?token=`))!;
      expect(link).toBeDefined();
    } finally {
      stopRelay();
    }
    const token = decodeURIComponent(/token=([^&\s]+)/.exec(link)![1]!);
    const preview = await request(api.app).get('/api/operator/auth/set-password').query({ token }).expect(200);
    expect(preview.body).toMatchObject({ email: adminEmail, dealer_name: `Prairie Lumber ${suffix}`, purpose: 'operator_invite' });
    await request(api.app).post('/api/operator/auth/set-password').send({ token, password: PASSWORD }).expect(200);
    const admin = await signIn(api.app, adminEmail, PASSWORD);
    const session = await admin.get('/api/operator/auth/session').expect(200);
    expect(session.body).toMatchObject({ user: { email: adminEmail, role: 'admin' } });

    // The console's Integration page: the stored connection answers, and the book syncs in.
    const integration = await admin.get('/api/operator/integration').expect(200);
    expect(integration.body).toMatchObject({ mode: 'spruce', spruce: { tenant_id: tenantId, api_key_set: true }, connection: { ok: true } });
    await eventually(() => count('customer_accounts', { dealer_id: dealerId }), (n) => n === book.accounts.length, 'the Spruce book to sync in');
    const customers = await admin.get('/api/operator/customers?range=%5B0%2C99%5D').expect(200);
    expect(customers.body).toHaveLength(book.accounts.length);
    expect(customers.header['content-range']).toBe(`customers 0-${book.accounts.length - 1}/${book.accounts.length}`);
    await eventually(() => db('sync_state').where({ dealer_id: dealerId }).first('status', 'cursor'), (state) => state?.status === 'live', 'the sync to go live');
  }, 180_000);

  it('changes nothing when the same command runs again, and refuses a different one naming what differs', async () => {
    const before = await footprint(slug, adminEmail);
    expect(before).toMatchObject({ dealers: 1, operators: 1, outbox: 1, tokens: 1 });

    const again = await dealerCommand([...createArgs, '--spruce-url', spruce.url], { DEALER_SPRUCE_API_KEY: apiKey });
    expect(again.status).toBe(0);
    expect(again.json).toMatchObject({ outcome: 'unchanged', dealer: { id: dealerId, admins: [{ email: adminEmail, status: 'active' }] }, spruce_check: null, moov: { action: 'unchanged' } });
    expect(await footprint(slug, adminEmail)).toEqual(before);

    const human = await dealerCommand([...createArgs.filter((arg) => arg !== '--json'), '--spruce-url', spruce.url], { DEALER_SPRUCE_API_KEY: apiKey });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^unchanged: nothing to do/);

    const different = await dealerCommand([...createArgs.map((arg) => (arg === '17:00' ? '16:00' : arg)), '--spruce-url', spruce.url], { DEALER_SPRUCE_API_KEY: 'another-key' });
    expect(different.status).toBe(1);
    expect(different.json.error.code).toBe('dealer_differs');
    expect(different.json.error.details).toEqual([
      expect.objectContaining({ field: 'settlement_cutoff', flag: '--cutoff', stored: '17:00', requested: '16:00' }),
      expect.objectContaining({ field: 'integration.api_key', flag: '--spruce-key', stored: null, requested: null }),
    ]);
    expect(JSON.stringify(different.json)).not.toContain(apiKey);
    expect(await footprint(slug, adminEmail)).toEqual(before);
  }, 120_000);
});

describe('dealer onboarding by the platform admin API', () => {
  const platform = (method: 'get' | 'post', url: string) => request(api.app)[method](url).set('Authorization', `Bearer ${PLATFORM_TOKEN}`);
  const fileDealer = (suffix: string, moov: Record<string, unknown>) => ({
    slug: `cedar-supply-${suffix}`,
    name: `Cedar Supply ${suffix}`,
    time_zone: 'America/Denver',
    settlement_cutoff: '16:00',
    admin: { email: `ar-${suffix}@cedar-supply.test`, name: 'Jess Cedar' },
    integration: { mode: 'file' },
    moov,
    fees: { fee_payer: 'dealer', allow_partial_payments: false },
  });

  it('creates a file-based dealer with an existing Moov account, once', async () => {
    const suffix = uniq();
    const moovAccountId = await payments.moovClient.ensureBusinessAccount({ foreignId: `existing-${suffix}`, legalName: `Cedar Supply ${suffix} LLC` });
    const body = fileDealer(suffix, { mode: 'attach', account_id: moovAccountId });
    const created = await platform('post', '/api/platform/dealers').send(body).expect(201);
    expect(created.body).toMatchObject({
      outcome: 'created', spruce_check: null, sync_started: false, moov: { account_id: moovAccountId, action: 'attached' },
      dealer: { integration_mode: 'file', spruce: null, moov_account_id: moovAccountId, time_zone: 'America/Denver', fees: { fee_payer: 'dealer', allow_partial_payments: false, ach_fee_cents: 0 } },
    });
    const audit = await db('audit_events').where({ dealer_id: created.body.dealer.id }).orderBy('id').select('actor_kind', 'actor_id', 'action');
    expect(audit).toEqual([
      { actor_kind: 'platform', actor_id: 'api:platform-token', action: 'dealer.onboarded' },
      { actor_kind: 'platform', actor_id: 'api:platform-token', action: 'operator.invited' },
    ]);
    const before = await footprint(body.slug, body.admin.email);
    const again = await platform('post', '/api/platform/dealers').send(body).expect(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', dealer: { id: created.body.dealer.id } });
    expect(await footprint(body.slug, body.admin.email)).toEqual(before);
    const shown = await platform('get', `/api/platform/dealers/${body.slug}`).expect(200);
    expect(shown.body).toEqual(created.body.dealer);
    await platform('get', '/api/platform/dealers/no-such-dealer').expect(404);

    // Another dealer may not take the same admin address or the same Moov account.
    const other = uniq();
    const taken = await platform('post', '/api/platform/dealers').send({ ...fileDealer(other, { mode: 'attach', account_id: moovAccountId }), admin: body.admin }).expect(409);
    expect(taken.body.error).toMatchObject({ code: 'admin_email_taken', details: [{ field: 'admin.email' }] });
    const account = await platform('post', '/api/platform/dealers').send(fileDealer(other, { mode: 'attach', account_id: moovAccountId })).expect(409);
    expect(account.body.error).toMatchObject({ code: 'moov_account_taken', details: [{ field: 'moov.account_id' }] });
    expect(await count('dealers', { slug: `cedar-supply-${other}` })).toBe(0);
  });

  it('refuses what it cannot check with a specific code and the field, and creates nothing', async () => {
    const suffix = uniq();
    const tenantId = `api-${suffix}`;
    spruce.store.createTenant({ id: tenantId, name: `API tenant ${suffix}`, apiKey: `right-${suffix}` });
    const spruceDealer = (integration: Record<string, unknown>) => ({ ...fileDealer(suffix, { mode: 'create' }), integration: { mode: 'spruce', tenant_id: tenantId, ...integration } });
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [spruceDealer({ base_url: spruce.url, api_key: 'wrong-key' }), 422, 'spruce_key_rejected', 'integration.api_key'],
      [spruceDealer({ base_url: 'http://127.0.0.1:9', api_key: `right-${suffix}` }), 422, 'spruce_unreachable', 'integration.base_url'],
      [fileDealer(suffix, { mode: 'attach', account_id: `acct-missing-${suffix}` }), 422, 'moov_account_not_found', 'moov.account_id'],
      [{ ...fileDealer(suffix, { mode: 'create' }), settlement_cutoff: '25:00' }, 400, 'invalid_request', 'settlement_cutoff'],
      [{ ...fileDealer(suffix, { mode: 'create' }), fees: { ach_fee_cents: -1 } }, 400, 'invalid_request', 'fees.ach_fee_cents'],
      [{ ...fileDealer(suffix, { mode: 'create' }), slug: 'Not A Slug' }, 400, 'invalid_request', 'slug'],
    ];
    for (const [body, status, code, field] of cases) {
      const response = await platform('post', '/api/platform/dealers').send(body);
      expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
      expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(response.body.error.message).toContain(field);
    }
    expect(await footprint(`cedar-supply-${suffix}`, `ar-${suffix}@cedar-supply.test`)).toMatchObject({ dealers: 0, operators: 0, outbox: 0, tokens: 0, auditAnywhere: 0 });
  });

  it('is for platform administrators only, and off without a token', async () => {
    const body = fileDealer(uniq(), { mode: 'create' });
    const anonymous = await request(api.app).post('/api/platform/dealers').send(body).expect(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
    const wrong = await request(api.app).post('/api/platform/dealers').set('Authorization', 'Bearer not-the-platform-token').send(body).expect(401);
    expect(wrong.body.error.code).toBe('invalid_platform_token');
    const off = createApp({ db, temporal: api.temporal, config: testConfig({ TASK_QUEUE: taskQueue }) });
    const disabled = await request(off).post('/api/platform/dealers').set('Authorization', `Bearer ${PLATFORM_TOKEN}`).send(body).expect(403);
    expect(disabled.body.error.code).toBe('platform_admin_disabled');
    expect(await count('dealers', { slug: body.slug })).toBe(0);
  });
});
