import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { drypowderClient, uploadCsv, type DrypowderClient } from '../clients/v1';
import { createApp } from '../api/app';
import { logger } from '../runtime/logger';
import { testConfig } from './support/config';
import { checkResponsesAgainstContracts } from './support/contract-check';
import { startTestWorker } from './support/temporal';
import { requestHash } from '../api/v1/idempotency';
import type { Db } from '../db/connection';
import { createPaymentWithReservations, transitionPayment } from '../db/payments';
import { apiClient, issueApiKey, walkList, type ApiClient } from './support/api-keys';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createDealer, createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook, type SettlementDealer } from './support/settlements';

/**
 * /api/v1 end to end on the real database and app: keys issued, used, rotated and revoked
 * through the console's routes; bearer refusals; scopes; cursor pages walked to the end;
 * filters; the events feed after a payment moves; Idempotency-Key on a real write.
 */

/** One open settlement per dealer and day: each fixture takes a day of its own. */
let settlementSequence = 0;
const INVOICES = Array.from({ length: 7 }, (_, index) => ({ number: `INV-V1-${index + 1}`, amountCents: 10_000 + index * 100 }));

async function openSettlement(db: Db, dealerId: string): Promise<string> {
  const [row] = await db('settlements').insert({
    number: `S-V1-${randomUUID().slice(0, 8)}`, dealer_id: dealerId, business_date: `2026-10-${String((settlementSequence += 1)).padStart(2, '0')}`, status: 'open', workflow_id: `settlement-v1-test-${randomUUID()}`, closes_at: new Date(Date.now() + 3_600_000),
  }).returning('id');
  await db('settlement_categories').insert(['invoices', 'credit_adjustments', 'debit_adjustments'].map((category) => ({ settlement_id: row.id, category, status: 'empty' })));
  return row.id;
}

describe('public API /api/v1', () => {
  let db: Db;
  let api: TestApp;
  let dealer: SettlementDealer;
  let book: CustomerBook;
  let admin: SignedIn;
  let reader: ApiClient;
  let readKeyId: string;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    dealer = await createSettlementDealer(db, null);
    book = await createCustomerBook(db, null, dealer, { invoices: INVOICES, credits: [{ number: 'CM-V1-1', amountCents: 500 }], statement: { number: 'ST-V1-1', discountCents: 0 } });
    admin = await signIn(api.app, (await createOperator(db, dealer.id, { role: 'admin' })).email);
    const key = await issueApiKey(admin, 'read', 'BI warehouse');
    reader = apiClient(api.app, key.secret);
    readKeyId = key.id;
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  describe('keys', () => {
    it('shows the secret once, stores only its hash, lists the prefix, and records the last use', async () => {
      const created = await admin.send('post', '/api/operator/api-keys', { name: 'Credit system', scope: 'write' }).expect(201);
      expect(created.body).toMatchObject({ name: 'Credit system', scope: 'write', last_used_at: null, revoked_at: null, secret: expect.stringMatching(/^dpk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/) });
      expect(created.body.secret.startsWith(`dpk_${created.body.prefix}_`)).toBe(true);

      const stored = await db('api_keys').where({ id: created.body.id }).first();
      expect(JSON.stringify(stored)).not.toContain(created.body.secret.split('_')[2]);
      expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);

      const listed = await admin.get('/api/operator/api-keys').expect(200);
      expect(listed.text).not.toContain(created.body.secret.split('_')[2]);
      const row = listed.body.find((key: { id: string }) => key.id === created.body.id);
      expect(row).toMatchObject({ prefix: created.body.prefix, scope: 'write', last_used_at: null });
      expect(row).not.toHaveProperty('secret');

      await apiClient(api.app, created.body.secret).get('/api/v1/customers').expect(200);
      const used = (await admin.get(`/api/operator/api-keys/${created.body.id}`).expect(200)).body;
      expect(used.last_used_at).not.toBeNull();
      expect(await db('audit_events').where({ entity_id: created.body.id, action: 'api_key.created' }).count({ n: '*' })).toEqual([{ n: 1 }]);
    });

    it('lets only admins see or manage keys', async () => {
      const clerk = await signIn(api.app, (await createOperator(db, dealer.id, { role: 'ar_operator' })).email);
      expect((await clerk.get('/api/operator/api-keys').expect(403)).body.error.code).toBe('role_required');
      expect((await clerk.send('post', '/api/operator/api-keys', { name: 'x', scope: 'read' }).expect(403)).body.error.code).toBe('role_required');
      expect((await admin.send('post', '/api/operator/api-keys', { name: '', scope: 'admin' }).expect(400)).body.error.message).toMatch(/name.*scope|scope.*name/s);
    });

    it('rotates a key: a new secret under the same name and scope, the old one refused', async () => {
      const old = await issueApiKey(admin, 'read', 'Nightly export');
      await apiClient(api.app, old.secret).get('/api/v1/invoices').expect(200);
      const rotated = (await admin.send('post', `/api/operator/api-keys/${old.id}/rotate`).expect(201)).body;
      expect(rotated).toMatchObject({ name: 'Nightly export', scope: 'read', rotated_from: old.id });
      expect(rotated.secret).not.toBe(old.secret);
      const refused = await apiClient(api.app, old.secret).get('/api/v1/invoices').expect(401);
      expect(refused.body.error.code).toBe('api_key_revoked');
      await apiClient(api.app, rotated.secret).get('/api/v1/invoices').expect(200);
    });

    it('revokes a key at once, and says so', async () => {
      const key = await issueApiKey(admin, 'write', 'Old script');
      await apiClient(api.app, key.secret).get('/api/v1/payments').expect(200);
      const revoked = (await admin.send('post', `/api/operator/api-keys/${key.id}/revoke`).expect(200)).body;
      expect(revoked.revoked_at).not.toBeNull();
      const refused = await apiClient(api.app, key.secret).get('/api/v1/payments').expect(401);
      expect(refused.body.error).toMatchObject({ code: 'api_key_revoked', message: expect.stringContaining(key.prefix) });
      expect((await admin.send('post', `/api/operator/api-keys/${key.id}/revoke`).expect(409)).body.error.code).toBe('api_key_revoked');
    });
  });

  describe('authentication and scopes', () => {
    it('refuses a missing, malformed, unknown or wrong bearer token, and an operator session', async () => {
      const valid = await issueApiKey(admin, 'read');
      const wrongSecret = `${valid.secret.slice(0, -4)}AAAA` === valid.secret ? `${valid.secret.slice(0, -4)}BBBB` : `${valid.secret.slice(0, -4)}AAAA`;
      const cases: Array<[string | undefined, string]> = [
        [undefined, 'unauthenticated'],
        [`Basic ${Buffer.from('a:b').toString('base64')}`, 'unauthenticated'],
        ['Bearer', 'unauthenticated'],
        ['Bearer garbage', 'invalid_api_key'],
        [`Bearer dpk_00000000_${'A'.repeat(43)}`, 'invalid_api_key'],
        [`Bearer ${wrongSecret}`, 'invalid_api_key'],
      ];
      for (const [header, code] of cases) {
        const call = request(api.app).get('/api/v1/customers');
        if (header) call.set('Authorization', header);
        const response = await call.expect(401);
        expect([header, response.body.error.code]).toEqual([header, code]);
      }
      expect((await admin.get('/api/v1/customers').expect(401)).body.error.code).toBe('unauthenticated');
    });

    it('refuses a write with a read-only key, and leaves the settlement open', async () => {
      const settlementId = await openSettlement(db, dealer.id);
      const refused = await reader.post(`/api/v1/settlements/${settlementId}/close`, undefined, `close-${randomUUID()}`).expect(403);
      expect(refused.body.error.code).toBe('insufficient_scope');
      expect((await db('settlements').where({ id: settlementId }).first('status')).status).toBe('open');
    });

    it('limits each key to its budget per window, and only that key', async () => {
      const limited = await startOperatorApp(db, { API_RATE_LIMIT_PER_KEY: '3', API_RATE_LIMIT_WINDOW_MS: '600000' });
      try {
        const [one, two] = [await issueApiKey(admin, 'read'), await issueApiKey(admin, 'read')];
        const client = apiClient(limited.app, one.secret);
        for (let i = 0; i < 3; i += 1) expect((await client.get('/api/v1/statements').expect(200)).headers['x-ratelimit-remaining']).toBe(String(2 - i));
        const refused = await client.get('/api/v1/statements').expect(429);
        expect(refused.body.error.code).toBe('rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        await apiClient(limited.app, two.secret).get('/api/v1/statements').expect(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('reads', () => {
    it('walks every invoice exactly once by cursor, has_more false only on the last page', async () => {
      const { ids, pages } = await walkList(reader, '/api/v1/invoices', 2);
      const expected = (await db('invoices').where({ dealer_id: dealer.id }).select('id')).map((row) => row.id).sort();
      expect([...ids].sort()).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages.map((page) => page.size)).toEqual([2, 2, 2, 1]);
      expect(pages.map((page) => page.hasMore)).toEqual([true, true, true, false]);
      const last = await reader.get('/api/v1/invoices?limit=7').expect(200);
      expect(last.body).toMatchObject({ has_more: false, next_cursor: null });
    });

    it('refuses a page size over 200, a made-up cursor and another list\'s cursor', async () => {
      expect((await reader.get('/api/v1/invoices?limit=201').expect(400)).body.error.message).toContain('limit');
      expect((await reader.get('/api/v1/invoices?starting_after=not-a-cursor').expect(400)).body.error.code).toBe('invalid_cursor');
      const customers = await reader.get('/api/v1/adjustments?limit=1').expect(200);
      expect(customers.body.data).toHaveLength(1);
      const page = await reader.get('/api/v1/invoices?limit=1').expect(200);
      expect((await reader.get(`/api/v1/statements?starting_after=${page.body.next_cursor}`).expect(400)).body.error.code).toBe('invalid_cursor');
      expect((await reader.get('/api/v1/invoices?unknown=1').expect(400)).body.error.message).toContain('unknown');
    });

    it('filters payments by status, method and the day submitted, and shows one with its applications and timeline', async () => {
      const ach = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-V1-1', amountCents: 10_000 }], { method: 'ach' });
      const card = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-V1-2', amountCents: 10_100 }], { method: 'card' });
      const returned = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-V1-3', amountCents: 10_200 }], { method: 'ach' });
      await db('payments').where({ id: returned.id }).update({ status: 'returned', submitted_at: new Date('2026-01-15T18:00:00Z') });
      await db('payment_events').insert({ payment_id: ach.id, from_status: 'pending', to_status: 'settled', event: 'processor_completed', actor_kind: 'processor' });

      const ids = async (query: string) => (await reader.get(`/api/v1/payments?${query}`).expect(200)).body.data.map((row: { id: string }) => row.id).sort();
      expect(await ids('status=returned')).toEqual([returned.id]);
      expect(await ids('status=settled,returned')).toEqual([ach.id, card.id, returned.id].sort());
      expect(await ids('method=card')).toEqual([card.id]);
      expect(await ids('submitted_from=2026-01-01&submitted_to=2026-01-31')).toEqual([returned.id]);
      expect((await reader.get('/api/v1/payments?status=lost').expect(400)).body.error.message).toContain('status');
      expect((await reader.get('/api/v1/payments?submitted_from=2026-02-30').expect(400)).body.error.message).toContain('submitted_from');

      const detail = (await reader.get(`/api/v1/payments/${ach.id}`).expect(200)).body;
      expect(detail).toMatchObject({ id: ach.id, status: 'settled', amount_cents: 10_000, reversed_cents: 0 });
      expect(detail.applications).toEqual([expect.objectContaining({ type: 'invoice', amountCents: 10_000, documentNumber: 'INV-V1-1' })]);
      expect(detail.timeline).toEqual([expect.objectContaining({ from_status: 'pending', to_status: 'settled', event: 'processor_completed' })]);
      expect(detail).not.toHaveProperty('workflowUrl');
    });

    it('answers 404 for an id that is not the dealer\'s or not an id', async () => {
      expect((await reader.get(`/api/v1/payments/${randomUUID()}`).expect(404)).body.error.code).toBe('not_found');
      await reader.get('/api/v1/invoices/not-an-id').expect(404);
    });
  });

  describe('events feed', () => {
    it('gives a payment\'s events in order after a cursor, the transition after its creation', async () => {
      const paymentId = randomUUID();
      await db.transaction((trx) => createPaymentWithReservations(trx, {
        id: paymentId, dealerId: dealer.id, customerAccountId: book.accountId, companyId: book.companyId, portalUserId: null, paymentMethodId: book.paymentMethodId,
        method: 'ach', cardFunding: null, itemsCents: 500, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 500, processingCostCents: 0, sourceView: 'all',
        statementId: null, idempotencyKey: `v1-${paymentId}`, requestHash: 'test', applications: [{ itemType: 'invoice', itemId: book.invoiceIds.get('INV-V1-7')!, amountCents: 500 }],
      }));
      let cursor = '';
      await eventually(async () => {
        const feed = await walkEvents(reader, undefined);
        const created = feed.events.find((event) => event.entity_id === paymentId);
        expect(created).toMatchObject({ type: 'payment.created', entity_type: 'payment', data: expect.objectContaining({ status: 'pending', amount_cents: 500 }) });
        cursor = feed.cursor!;
      });
      const caughtUp = await reader.get(`/api/v1/events?after=${cursor}`).expect(200);
      expect(caughtUp.body).toEqual({ data: [], has_more: false, next_cursor: cursor });

      await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['pending'], to: 'settled', event: 'processor_completed', actor: { kind: 'processor' } }));
      await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['settled'], to: 'returned', event: 'ach_returned', actor: { kind: 'processor' }, reason: 'R01' }));
      await eventually(async () => {
        const next = await reader.get(`/api/v1/events?after=${cursor}`).expect(200);
        expect(next.body.data.map((event: { type: string; entity_id: string }) => [event.type, event.entity_id])).toEqual([['payment.settled', paymentId], ['payment.returned', paymentId]]);
        expect(next.body.data[1].data).toMatchObject({ previous_status: 'settled', status: 'returned', cause: 'ach_returned' });
        expect(Number(next.body.data[0].id)).toBeLessThan(Number(next.body.data[1].id));
      });
      const onlyReturns = await reader.get(`/api/v1/events?after=${cursor}&type=payment.returned`).expect(200);
      expect(onlyReturns.body.data.map((event: { type: string }) => event.type)).toEqual(['payment.returned']);
      expect((await reader.get('/api/v1/events?after=MTIz').expect(400)).body.error.code).toBe('invalid_cursor');
    });
  });

  describe('Idempotency-Key on a write', () => {
    let writer: ApiClient;
    beforeAll(async () => {
      writer = apiClient(api.app, (await issueApiKey(admin, 'write', 'Cutoff script')).secret);
    });

    it('closes a settlement once for the same key, answers the same both times, and refuses the key with another request', async () => {
      const settlementId = await openSettlement(db, dealer.id);
      const key = `close-${randomUUID()}`;
      const first = await writer.post(`/api/v1/settlements/${settlementId}/close`, undefined, key).expect(200);
      expect(first.body).toMatchObject({ id: settlementId, status: expect.not.stringMatching(/^open$/) });
      const again = await writer.post(`/api/v1/settlements/${settlementId}/close`, undefined, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await db('audit_events').where({ entity_id: settlementId, action: 'settlement.closed' }).count({ n: '*' })).toEqual([{ n: 1 }]);
      expect(await db('audit_events').where({ entity_id: settlementId, action: 'settlement.closed' }).first('actor_kind')).toEqual({ actor_kind: 'api_key' });
      expect(await db('domain_events').where({ entity_id: settlementId, type: 'settlement.closed' }).count({ n: '*' })).toEqual([{ n: 1 }]);

      const otherBody = await writer.post(`/api/v1/settlements/${settlementId}/close`, { reason: 'cutoff' }, key).expect(409);
      expect(otherBody.body.error.code).toBe('idempotency_key_reused');
      const otherSettlement = await openSettlement(db, dealer.id);
      expect((await writer.post(`/api/v1/settlements/${otherSettlement}/close`, undefined, key).expect(409)).body.error.code).toBe('idempotency_key_reused');
      expect((await db('settlements').where({ id: otherSettlement }).first('status')).status).toBe('open');
    });

    it('requires the header on every POST and refuses a malformed one', async () => {
      const settlementId = await openSettlement(db, dealer.id);
      expect((await writer.post(`/api/v1/settlements/${settlementId}/close`).expect(400)).body.error.code).toBe('idempotency_key_required');
      expect((await writer.post(`/api/v1/settlements/${settlementId}/close`, undefined, 'short').expect(400)).body.error.code).toBe('invalid_idempotency_key');
      expect((await db('settlements').where({ id: settlementId }).first('status')).status).toBe('open');
    });

    it('refuses a key whose first request is still being answered', async () => {
      const settlementId = await openSettlement(db, dealer.id);
      const key = `close-${randomUUID()}`;
      const url = `/api/v1/settlements/${settlementId}/close`;
      // The first request's claim, as it stands while that request runs.
      await db('api_idempotency_keys').insert({ dealer_id: dealer.id, idempotency_key: key, api_key_id: readKeyId, method: 'POST', path: url, request_hash: requestHash('POST', url, undefined) });
      expect((await writer.post(url, undefined, key).expect(409)).body.error.code).toBe('idempotency_key_in_progress');
      expect((await db('settlements').where({ id: settlementId }).first('status')).status).toBe('open');
    });
  });
});

async function walkEvents(client: ApiClient, after: string | undefined): Promise<{ events: Array<{ id: string; type: string; entity_type: string; entity_id: string; data: Record<string, unknown> }>; cursor: string | null }> {
  const events = [];
  let cursor = after ?? null;
  for (;;) {
    const response = await client.get(`/api/v1/events?limit=200${cursor ? `&after=${cursor}` : ''}`).expect(200);
    events.push(...response.body.data);
    cursor = response.body.next_cursor;
    if (!response.body.has_more) return { events, cursor };
  }
}

/**
 * Ingestion through /api/v1 with the generated client (clients/v1) against the app listening on
 * a real port, validation and commit in the real `ingest-<runId>` workflow: a file-based dealer's
 * morning upload, its row errors, the fix, the commit, and what the console then shows.
 */
describe('public API /api/v1 ingestion, through the generated client', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let app: Express;
  let server: Server;
  let baseUrl: string;
  let uploadDir: string;
  let dealerId: string;
  let admin: SignedIn;
  let writer: DrypowderClient;
  let reader: DrypowderClient;
  let otherDealer: DrypowderClient;

  beforeAll(async () => {
    db = testDb();
    uploadDir = mkdtempSync(path.join(os.tmpdir(), 'drypowder-v1-uploads-'));
    worker = await startTestWorker({ db, logger, config: testConfig({ UPLOAD_DIR: uploadDir }) });
    app = checkResponsesAgainstContracts(createApp({ db, temporal: worker.client, config: testConfig({ UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue }) }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dealerId = (await createDealer(db, { integration_mode: 'file' })).id;
    admin = await signIn(app, (await createOperator(db, dealerId, { role: 'admin' })).email);
    writer = drypowderClient({ baseUrl, apiKey: (await issueApiKey(admin, 'write', 'Morning upload')).secret });
    reader = drypowderClient({ baseUrl, apiKey: (await issueApiKey(admin, 'read', 'BI warehouse')).secret });
    const other = (await createDealer(db, { integration_mode: 'file' })).id;
    const otherAdmin = await signIn(app, (await createOperator(db, other, { role: 'admin' })).email);
    otherDealer = drypowderClient({ baseUrl, apiKey: (await issueApiKey(otherAdmin, 'write', 'Other dealer')).secret });
  });

  afterAll(async () => {
    server?.close();
    await worker?.stop();
    await db?.destroy();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  type Run = NonNullable<Awaited<ReturnType<typeof readRun>>>;
  const readRun = async (client: DrypowderClient, id: string) => (await client.GET('/api/v1/ingestion-runs/{id}', { params: { path: { id } } })).data;

  async function settled(id: string, statuses: string[]): Promise<Run> {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const run = await readRun(reader, id);
      if (run && statuses.includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${id} never reached ${statuses.join(' or ')}`);
  }

  async function allErrors(id: string) {
    const rows = [];
    let cursor: string | undefined;
    for (;;) {
      const { data, error } = await reader.GET('/api/v1/ingestion-runs/{id}/errors', { params: { path: { id }, query: { limit: 1, ...(cursor ? { starting_after: cursor } : {}) } } });
      if (!data) throw new Error(JSON.stringify(error));
      rows.push(...data.data);
      if (!data.has_more) return rows;
      cursor = data.next_cursor!;
    }
  }

  async function commitAndWait(id: string): Promise<Run> {
    const { data, response } = await writer.POST('/api/v1/ingestion-runs/{id}/commit', { params: { path: { id }, header: { 'Idempotency-Key': `commit-${id}` } } });
    expect(response.status).toBe(202);
    expect(data?.status).toBe('processing');
    return settled(id, ['succeeded', 'failed']);
  }

  async function dashboardAccounts(): Promise<string[]> {
    const list = await admin.get(`/api/operator/customers?range=${encodeURIComponent('[0,99]')}`).expect(200);
    return list.body.map((row: { erp_account_id: string }) => row.erp_account_id).sort();
  }

  it('takes a CSV with a bad row, names the row and column, takes the fix, commits it, and the Customers Dashboard shows the rows', async () => {
    const bad = 'account_id,name,credit_limit\nV1-C-1,Acme Framing,"25,000.00"\nV1-C-2,Birch Decks,lots\nV1-C-3,Cedar Roofing,\n';
    const first = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'accounts.csv', content: bad }], `csv-${randomUUID()}`);
    expect(first.response.status).toBe(202);
    expect(first.data).toMatchObject({ status: 'validating', uploaded_by: null, uploaded_by_api_key: { name: 'Morning upload' } });
    const validated = await settled(first.data!.id, ['validated', 'failed']);
    expect(validated).toMatchObject({ status: 'validated', totals: { lines: 3, valid: 2, invalid: 1 } });
    expect(validated.files).toEqual([expect.objectContaining({ filename: 'accounts.csv', data_type: 'accounts', source: 'csv' })]);

    const errors = await allErrors(first.data!.id);
    expect(errors).toEqual([expect.objectContaining({ row_number: 3, row_index: null, source: 'csv', data_type: 'accounts', values: { account_id: 'V1-C-2', name: 'Birch Decks', credit_limit: 'lots' } })]);
    expect(errors[0]!.errors).toEqual([{ column: 'credit_limit', message: expect.any(String) }]);
    expect(await dashboardAccounts()).toEqual([]);

    // The fix goes as a second upload; the first is cancelled rather than half-applied.
    const cancelled = await writer.POST('/api/v1/ingestion-runs/{id}/cancel', { params: { path: { id: first.data!.id }, header: { 'Idempotency-Key': `cancel-${first.data!.id}` } } });
    expect(cancelled.data?.status).toBe('cancelled');
    const fixed = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'accounts-fixed.csv', content: bad.replace('lots', '5000') }], `csv-${randomUUID()}`);
    expect((await settled(fixed.data!.id, ['validated', 'failed'])).totals).toMatchObject({ valid: 3, invalid: 0 });
    expect(await allErrors(fixed.data!.id)).toEqual([]);
    const done = await commitAndWait(fixed.data!.id);
    expect(done).toMatchObject({ status: 'succeeded', totals: { inserted: 3 } });
    expect(await dashboardAccounts()).toEqual(['V1-C-1', 'V1-C-2', 'V1-C-3']);

    // The same accounts read back through v1, and the audit log names the key.
    const customers = await reader.GET('/api/v1/customers', { params: { query: { limit: 200 } } });
    expect(customers.data!.data.map((row) => row.erp_account_id).sort()).toEqual(['V1-C-1', 'V1-C-2', 'V1-C-3']);
    const audit = await db('audit_events').where({ entity_id: fixed.data!.id }).orderBy('id').select('action', 'actor_kind');
    expect(audit).toEqual(expect.arrayContaining([{ action: 'ingestion.uploaded', actor_kind: 'api_key' }, { action: 'ingestion.commit_requested', actor_kind: 'api_key' }]));
  });

  it('takes the same rows as a JSON batch, naming a bad row by its index and field', async () => {
    const batch = (limit: string | number) => ({
      files: [
        { data_type: 'accounts' as const, rows: [{ account_id: 'V1-J-1', name: 'Juniper Homes' }, { account_id: 'V1-J-2', name: 'Larch Builders' }] },
        { data_type: 'invoices' as const, rows: [
          { account_id: 'V1-J-1', invoice_id: 'V1-INV-1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount: 1250, outstanding_amount: 1250, po_number: null },
          { account_id: 'V1-J-2', invoice_id: 'V1-INV-2', invoice_date: '2026-10-02', due_date: '2026-11-01', amount: limit, outstanding_amount: 100, po_number: 'PO-7' },
        ] },
      ],
    });
    const first = await writer.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': `json-${randomUUID()}` } }, body: batch('a hundred') });
    expect(first.response.status).toBe(202);
    const validated = await settled(first.data!.id, ['validated', 'failed']);
    expect(validated.counts).toMatchObject({ accounts: { valid: 2, invalid: 0 }, invoices: { valid: 1, invalid: 1 } });
    expect(validated.files.every((file) => file.source === 'json')).toBe(true);
    const errors = await allErrors(first.data!.id);
    expect(errors).toEqual([expect.objectContaining({ source: 'json', data_type: 'invoices', row_index: 1, row_number: 3, filename: 'files[1] invoices (JSON)' })]);
    expect(errors[0]!.errors.map((error) => error.column)).toEqual(['amount']);

    const fixed = await writer.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': `json-${randomUUID()}` } }, body: batch(100) });
    expect((await settled(fixed.data!.id, ['validated', 'failed'])).totals).toMatchObject({ valid: 4, invalid: 0 });
    expect(await commitAndWait(fixed.data!.id)).toMatchObject({ status: 'succeeded', totals: { inserted: 4 } });
    expect(await dashboardAccounts()).toEqual(expect.arrayContaining(['V1-J-1', 'V1-J-2']));
    const invoices = await admin.get(`/api/operator/invoices?range=${encodeURIComponent('[0,99]')}`).expect(200);
    expect(invoices.body.map((row: { invoice_number: string }) => row.invoice_number).sort()).toEqual(['V1-INV-1', 'V1-INV-2']);
  });

  it('refuses a malformed JSON batch whole, naming the file, row and field, and creates no run', async () => {
    const before = await db('ingestion_runs').where({ dealer_id: dealerId }).count({ n: '*' });
    const cases: Array<[unknown, string, string]> = [
      [{ files: [{ data_type: 'invoices', rows: [{ account_id: 'A', invoice_id: 'I', invoice_date: '2026-10-01', due_date: '2026-10-31', amount: 1, outstanding_amount: 1, colour: 'red' }] }] }, 'unknown_field', 'files.0.rows.0.colour'],
      [{ files: [{ data_type: 'accounts', rows: [{ account_id: 'A', name: 'x' }, { account_id: 'B' }] }] }, 'inconsistent_fields', 'files.0.rows.1'],
      [{ files: [{ data_type: 'accounts', rows: [{ account_id: 'A' }] }] }, 'invalid_columns', 'files.0.rows.0'],
      [{ files: [{ data_type: 'pallets', rows: [{ a: 1 }] }] }, 'invalid_request', 'files.0.data_type'],
      [{ files: [] }, 'invalid_request', 'files'],
    ];
    for (const [body, code, field] of cases) {
      const { error, response } = await writer.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': `bad-${randomUUID()}` } }, body: body as never });
      expect([field, response.status]).toEqual([field, 400]);
      const refusal = (error as unknown as { error: { code: string; message: string; details: Array<{ field: string }> } }).error;
      expect([field, refusal.code]).toEqual([field, code]);
      expect(refusal.details.map((detail) => detail.field)).toContain(field);
      expect(refusal.message).toContain(field);
    }
    expect(await db('ingestion_runs').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual(before);
  });

  it('gives one run for the same Idempotency-Key twice, and refuses the key with another upload', async () => {
    const key = `idem-${randomUUID()}`;
    const csv = 'account_id,name\nV1-I-1,Idem Lumber\n';
    const first = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'a.csv', content: csv }], key);
    const again = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'a.csv', content: csv }], key);
    expect(first.response.status).toBe(202);
    expect(again.response.status).toBe(202);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data!.id).toBe(first.data!.id);
    expect(await db('ingestion_runs').where({ dealer_id: dealerId, uploaded_by_api_key: db('api_keys').where({ dealer_id: dealerId, name: 'Morning upload' }).select('id') }).whereIn('id', [first.data!.id]).count({ n: '*' })).toEqual([{ n: 1 }]);
    const other = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'a.csv', content: `${csv}V1-I-2,Other\n` }], key);
    expect(other.response.status).toBe(409);
    expect((other.error as unknown as { error: { code: string } }).error.code).toBe('idempotency_key_reused');

    const jsonKey = `idem-json-${randomUUID()}`;
    const body = { files: [{ data_type: 'accounts' as const, rows: [{ account_id: 'V1-I-3', name: 'Idem JSON' }] }] };
    const runsBefore = await db('ingestion_runs').where({ dealer_id: dealerId }).count({ n: '*' });
    const one = await writer.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': jsonKey } }, body });
    const two = await writer.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': jsonKey } }, body });
    expect(two.data!.id).toBe(one.data!.id);
    expect(Number((await db('ingestion_runs').where({ dealer_id: dealerId }).count({ n: '*' }))[0]!.n)).toBe(Number(runsBefore[0]!.n) + 1);
  });

  it('refuses a read-only key every write (403), and answers another dealer\'s key 404 on this dealer\'s run', async () => {
    const upload = await uploadCsv(writer, [{ dataType: 'accounts', filename: 'scope.csv', content: 'account_id,name\nV1-S-1,Scope Lumber\n' }], `scope-${randomUUID()}`);
    const id = upload.data!.id;
    await settled(id, ['validated']);

    const readOnlyCsv = await uploadCsv(reader, [{ dataType: 'accounts', filename: 'ro.csv', content: 'account_id,name\nV1-S-2,Nope\n' }], `ro-${randomUUID()}`);
    expect(readOnlyCsv.response.status).toBe(403);
    expect((readOnlyCsv.error as unknown as { error: { code: string } }).error.code).toBe('insufficient_scope');
    const readOnlyJson = await reader.POST('/api/v1/ingestion-runs', { params: { header: { 'Idempotency-Key': `ro-${randomUUID()}` } }, body: { files: [{ data_type: 'accounts', rows: [{ account_id: 'V1-S-3', name: 'Nope' }] }] } });
    expect(readOnlyJson.response.status).toBe(403);
    const readOnlyCommit = await reader.POST('/api/v1/ingestion-runs/{id}/commit', { params: { path: { id }, header: { 'Idempotency-Key': `ro-${randomUUID()}` } } });
    expect(readOnlyCommit.response.status).toBe(403);
    expect((await readRun(reader, id))!.status).toBe('validated');

    expect((await otherDealer.GET('/api/v1/ingestion-runs/{id}', { params: { path: { id } } })).response.status).toBe(404);
    expect((await otherDealer.GET('/api/v1/ingestion-runs/{id}/errors', { params: { path: { id }, query: {} } })).response.status).toBe(404);
    const foreignCommit = await otherDealer.POST('/api/v1/ingestion-runs/{id}/commit', { params: { path: { id }, header: { 'Idempotency-Key': `foreign-${randomUUID()}` } } });
    expect(foreignCommit.response.status).toBe(404);
    expect((await readRun(reader, id))!.status).toBe('validated');
    expect(await dashboardAccounts()).not.toContain('V1-S-1');
  });
});
