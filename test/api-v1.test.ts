import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { requestHash } from '../api/v1/idempotency';
import type { Db } from '../db/connection';
import { createPaymentWithReservations, transitionPayment } from '../db/payments';
import { apiClient, issueApiKey, walkList, type ApiClient } from './support/api-keys';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
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
