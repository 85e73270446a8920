import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SpruceClient, SpruceClientError, SpruceRejectedError, SpruceUnavailableError, type GlLine } from '../../integrations/spruce';
import { generateBook } from '../../scripts/demo/book';
import { startSpruceEmulator, type SpruceEmulator } from '.';

const TENANT = 'northwind';
const API_KEY = 'test-key-northwind';

async function admin(emulator: SpruceEmulator, method: string, route: string, body?: unknown) {
  const response = await fetch(`${emulator.url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A webhook receiver that records what it got and can be told to fail. */
async function startReceiver(secret: string) {
  const received: Array<{ id: string; seqs: number[]; timestamp: string; signatureOk: boolean }> = [];
  let failing = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failing) {
        res.statusCode = 503;
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['spruce-timestamp']);
      const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
      const body = JSON.parse(raw) as { id: string; changes: Array<{ seq: number }> };
      received.push({ id: body.id, seqs: body.changes.map((c) => c.seq), timestamp, signatureOk: expected === req.headers['spruce-signature'] && body.id === req.headers['spruce-delivery-id'] });
      res.statusCode = 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setFailing: (value: boolean) => (failing = value),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const account = { id: 'C1', name: 'Hallmark Builders', account_type: 'credit', credit_limit_cents: 5_000_000 };
const invoice = (id: string, amount: number) => ({ id, account_id: 'C1', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: amount, balance_cents: amount });

describe('Spruce emulator', () => {
  let emulator: SpruceEmulator;
  let client: SpruceClient;

  beforeEach(async () => {
    emulator = await startSpruceEmulator({ port: 0, tenants: [{ id: TENANT, name: 'Northwind Lumber', apiKey: API_KEY }], webhooks: { initialBackoffMs: 20, maxBackoffMs: 100 } });
    client = new SpruceClient({ baseUrl: emulator.url, apiKey: API_KEY, tenantId: TENANT, timeoutMs: 2000 });
  });
  afterEach(async () => {
    await emulator.stop();
  });

  it('refuses a wrong API key and another tenant with the same key', async () => {
    const wrongKey = new SpruceClient({ baseUrl: emulator.url, apiKey: 'nope-nope', tenantId: TENANT });
    await expect(wrongKey.ping()).rejects.toMatchObject({ constructor: SpruceClientError, status: 401, retryable: false });
    await admin(emulator, 'POST', '/admin/tenants', { id: 'cedar', api_key: 'cedar-key-123' });
    const crossTenant = new SpruceClient({ baseUrl: emulator.url, apiKey: API_KEY, tenantId: 'cedar' });
    await expect(crossTenant.ping()).rejects.toMatchObject({ status: 401 });
  });

  it('serves a bulk-loaded book with cursor pagination and a change feed replayable from any cursor', async () => {
    const book = generateBook({ seed: 7, today: '2026-11-16', accounts: 20, invoicesPerAccount: 10 });
    const loaded = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/book`, book);
    expect(loaded.status).toBe(201);
    const total = book.accounts.length + book.contacts.length + book.jobs.length + book.invoices.length + book.adjustments.length + book.statements.length;
    expect(loaded.body.head_seq).toBe(total);

    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = await client.list('invoices', { cursor, limit: 37 });
      ids.push(...page.data.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(ids).toEqual(book.invoices.map((i) => i.id).sort());
    expect(pages).toBe(Math.ceil(book.invoices.length / 37));

    const first = await client.changes(0, 50);
    expect(first.changes.map((c) => c.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(first.changes[0]).toMatchObject({ object: 'account', action: 'create' });
    const replay = await client.changes(40, 5);
    expect(replay.changes.map((c) => c.seq)).toEqual([41, 42, 43, 44, 45]);
    expect(replay.changes[0]).toEqual(first.changes[40]);
    const tail = await client.changes(total, 10);
    expect(tail).toMatchObject({ changes: [], next_after: total, has_more: false, head_seq: total });
  });

  it('records edits and deletes as changes that carry the object', async () => {
    await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
    await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
    const edited = await admin(emulator, 'PATCH', `/admin/tenants/${TENANT}/invoices/INV-1`, { balance_cents: 4_000, status: 'partially_paid' });
    expect(edited.body).toMatchObject({ balance_cents: 4_000, updated_seq: 3 });
    expect((await admin(emulator, 'DELETE', `/admin/tenants/${TENANT}/invoices/INV-1`)).status).toBe(204);
    const feed = await client.changes(0);
    expect(feed.changes.map((c) => [c.seq, c.object, c.action])).toEqual([[1, 'account', 'create'], [2, 'invoice', 'create'], [3, 'invoice', 'update'], [4, 'invoice', 'delete']]);
    expect(feed.changes[3]!.data).toMatchObject({ id: 'INV-1', balance_cents: 4_000, updated_seq: 4 });
    await expect(client.get('invoices', 'INV-1')).rejects.toMatchObject({ status: 404 });
    const bad = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, { ...invoice('INV-2', 100), balance_cents: 200 });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'invalid_object' } } });
  });

  it('pushes signed webhooks in order and retries the same delivery while the receiver is down', async () => {
    const secret = 'receiver-secret-0123456789';
    const receiver = await startReceiver(secret);
    try {
      await admin(emulator, 'PUT', `/admin/tenants/${TENANT}/webhook`, { url: receiver.url, secret });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await until(() => receiver.received.length === 1, 'first delivery');
      expect(receiver.received[0]).toMatchObject({ seqs: [1], signatureOk: true });

      receiver.setFailing(true);
      for (let i = 1; i <= 30; i += 1) await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice(`INV-${i}`, 100 * i));
      await until(() => emulator.webhooks.status(TENANT).consecutiveFailures >= 3, 'retries');
      receiver.setFailing(false);
      await until(() => receiver.received.flatMap((r) => r.seqs).at(-1) === 31, 'catch-up deliveries');

      const seqs = receiver.received.flatMap((r) => r.seqs);
      expect(seqs).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
    } finally {
      await receiver.stop();
    }
  });

  it('pushes changes made in the same tick as the registration (a bulk load right after it)', async () => {
    const secret = 'receiver-secret-0123456789';
    const receiver = await startReceiver(secret);
    try {
      emulator.store.setWebhook(TENANT, { url: receiver.url, secret });
      const book = generateBook({ seed: 3, today: '2026-11-16', accounts: 3, invoicesPerAccount: 4 });
      emulator.store.loadBook(TENANT, book);
      const head = emulator.store.tenant(TENANT).seq;
      await until(() => receiver.received.flatMap((r) => r.seqs).at(-1) === head, 'the bulk load to be pushed');
      expect(receiver.received.flatMap((r) => r.seqs)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    } finally {
      await receiver.stop();
    }
  });

  it('drops webhooks when told to, while the feed keeps every change', async () => {
    const secret = 'receiver-secret-0123456789';
    const receiver = await startReceiver(secret);
    try {
      await admin(emulator, 'PUT', `/admin/tenants/${TENANT}/webhook`, { url: receiver.url, secret });
      await admin(emulator, 'PUT', '/admin/faults', { drop_webhooks: true });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await until(() => emulator.webhooks.status(TENANT).dropped === 1, 'drop');
      await admin(emulator, 'PUT', '/admin/faults', { drop_webhooks: false });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 100));
      await until(() => receiver.received.length === 1, 'delivery after the drop');
      expect(receiver.received[0]!.seqs).toEqual([2]);
      expect((await client.changes(0)).changes).toHaveLength(2);
    } finally {
      await receiver.stop();
    }
  });

  describe('GL postings', () => {
    const line = (overrides: Partial<GlLine> = {}): GlLine => ({
      type: 'invoice_payment',
      account_id: 'C1',
      document_id: 'INV-1',
      amount_cents: 4_000,
      posting_date: '2026-11-16',
      payment_reference: 'PAY-1',
      ...overrides,
    });

    beforeEach(async () => {
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
    });

    it('posts a line once per idempotency key and refuses the key with a different body', async () => {
      const first = await client.postGlLine('settle-1:line-1', line());
      const again = await client.postGlLine('settle-1:line-1', line());
      expect(again.replayed).toBe(true);
      expect(again.posting).toEqual(first.posting);
      await expect(client.postGlLine('settle-1:line-1', line({ amount_cents: 4_001 }))).rejects.toMatchObject({
        constructor: SpruceRejectedError,
        status: 409,
        code: 'idempotency_key_reused',
        retryable: false,
      });
      const ledger = await client.ledger();
      expect(ledger.data).toHaveLength(1);
      expect(await client.get('invoices', 'INV-1')).toMatchObject({ balance_cents: 6_000, status: 'partially_paid' });
    });

    it('pays an invoice off, refuses what is not open or above the balance, and reverses', async () => {
      await expect(client.postGlLine('k-over', line({ amount_cents: 10_001 }))).rejects.toMatchObject({ status: 422, code: 'amount_exceeds_balance' });
      const paid = await client.postGlLine('k-full', line({ amount_cents: 10_000 }));
      expect(await client.get('invoices', 'INV-1')).toMatchObject({ balance_cents: 0, status: 'paid' });
      const refused = await client.postGlLine('k-again', line({ amount_cents: 1 })).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SpruceRejectedError);
      expect(refused).toMatchObject({ status: 409, code: 'invoice_not_open' });
      expect((refused as SpruceRejectedError).reason).toMatch(/INV-1 is paid/);

      await client.postGlLine('k-reverse', line({ type: 'reversal', document_id: undefined, reverses_posting_id: paid.posting.id, amount_cents: 10_000 }));
      expect(await client.get('invoices', 'INV-1')).toMatchObject({ balance_cents: 10_000, status: 'open' });
      const ledger = (await client.ledger()).data;
      expect(ledger.map((p) => [p.type, p.signed_amount_cents])).toEqual([['invoice_payment', -10_000], ['reversal', 10_000]]);
      // Every balance move is a change in the feed, so Drypowder sees postings come back.
      const feed = await client.changes(2);
      expect(feed.changes.map((c) => [c.object, c.action, c.data.id])).toEqual([['invoice', 'update', 'INV-1'], ['invoice', 'update', 'INV-1']]);
    });

    it('applies credits, debits and statement discounts in a batch, each line on its own', async () => {
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/adjustments`, { id: 'CM-1', account_id: 'C1', kind: 'credit', reason: 'credit', amount_cents: 1_500, balance_cents: 1_500 });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/adjustments`, { id: 'DM-1', account_id: 'C1', kind: 'debit', reason: 'charge', amount_cents: 2_500, balance_cents: 2_500 });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/statements`, {
        id: 'ST-1', account_id: 'C1', statement_date: '2026-10-31', due_date: '2026-11-25', balance_cents: 11_000, discount_cents: 200, discount_date: '2026-11-10',
        items: [{ item_type: 'invoice', document_id: 'INV-1', amount_cents: 10_000 }, { item_type: 'debit', document_id: 'DM-1', amount_cents: 2_500 }, { item_type: 'credit', document_id: 'CM-1', amount_cents: 1_500 }],
      });
      const results = await client.postGlLines([
        { idempotencyKey: 'b-1', line: line({ amount_cents: 10_000 }) },
        { idempotencyKey: 'b-2', line: line({ type: 'credit_application', document_id: 'CM-1', applied_document_id: 'INV-1', amount_cents: 1_500 }) },
        { idempotencyKey: 'b-3', line: line({ type: 'debit_payment', document_id: 'DM-1', amount_cents: 2_500 }) },
        { idempotencyKey: 'b-4', line: line({ type: 'statement_discount', document_id: 'ST-1', amount_cents: 201 }) },
        { idempotencyKey: 'b-5', line: line({ type: 'statement_discount', document_id: 'ST-1', amount_cents: 200 }) },
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true]);
      expect(results[3]).toMatchObject({ ok: false, error: { code: 'amount_exceeds_balance' } });
      expect(await client.get('adjustments', 'CM-1')).toMatchObject({ balance_cents: 0, status: 'applied' });
      expect(await client.get('adjustments', 'DM-1')).toMatchObject({ balance_cents: 0, status: 'applied' });
      expect(await client.get('statements', 'ST-1')).toMatchObject({ discount_taken_cents: 200 });
      expect((await client.ledger()).data).toHaveLength(4);
    });

    it('keeps an invoice\'s terms discount whole: both fields or neither, above 0 and below the amount', async () => {
      const terms = { terms: '2% 10th Prox', discount_cents: 200, discount_date: '2026-11-10' };
      const created = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, { ...invoice('INV-T', 10_000), ...terms });
      expect(created).toMatchObject({ status: 201, body: { ...terms, discount_taken_cents: 0 } });
      expect(await client.get('invoices', 'INV-T')).toMatchObject({ ...terms, discount_taken_cents: 0 });
      // An invoice without terms reads as no terms and no discount.
      expect(await client.get('invoices', 'INV-1')).toMatchObject({ terms: null, discount_cents: null, discount_date: null, discount_taken_cents: 0 });

      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ discount_cents: 200, discount_date: null }, 'discount_date'],
        [{ discount_cents: null, discount_date: '2026-11-10' }, 'discount_cents'],
        [{ discount_cents: 0, discount_date: '2026-11-10' }, 'discount_cents'],
        [{ discount_cents: -5, discount_date: '2026-11-10' }, 'discount_cents'],
        [{ discount_cents: 10_000, discount_date: '2026-11-10' }, 'discount_cents'],
        [{ discount_cents: 200, discount_date: '10/11/2026' }, 'discount_date'],
        [{ discount_cents: 200, discount_date: '2026-11-10', discount_taken_cents: 201 }, 'discount_taken_cents'],
      ];
      for (const [fields, field] of refusals) {
        const refused = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, { ...invoice('INV-BAD', 10_000), ...fields });
        expect(refused).toMatchObject({ status: 422, body: { error: { code: 'invalid_object', details: [expect.objectContaining({ field })] } } });
      }
      // An edit made in Spruce is held to the same rule: the amount may not fall to the discount.
      expect(await admin(emulator, 'PATCH', `/admin/tenants/${TENANT}/invoices/INV-T`, { amount_cents: 200, balance_cents: 200 })).toMatchObject({ status: 422 });
      expect((await client.get('invoices', 'INV-T')).amount_cents).toBe(10_000);
    });

    it('posts a terms discount against the invoice\'s discount without moving its balance, refuses more, and gives it back on reversal', async () => {
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, { ...account, id: 'C2', name: 'Other Builders' });
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, { ...invoice('INV-T', 10_000), terms: '2% 10th Prox', discount_cents: 200, discount_date: '2026-11-10' });
      const discount = (overrides: Partial<GlLine> = {}) => line({ type: 'terms_discount', document_id: 'INV-T', amount_cents: 200, gl_account: '4910', ...overrides });

      const results = await client.postGlLines([
        { idempotencyKey: 't-1', line: discount({ amount_cents: 201 }) },
        { idempotencyKey: 't-2', line: discount({ account_id: 'C2' }) },
        { idempotencyKey: 't-3', line: discount({ document_id: 'INV-404' }) },
        { idempotencyKey: 't-4', line: discount({ document_id: 'INV-1' }) },
        { idempotencyKey: 't-5', line: line({ document_id: 'INV-T', amount_cents: 10_000 }) },
        { idempotencyKey: 't-6', line: discount() },
        { idempotencyKey: 't-7', line: discount({ amount_cents: 1 }) },
      ]);
      expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
        'amount_exceeds_balance', 'account_mismatch', 'unknown_document', 'amount_exceeds_balance', 'ok', 'ok', 'amount_exceeds_balance',
      ]);
      expect(await client.get('invoices', 'INV-T')).toMatchObject({ balance_cents: 0, status: 'paid', discount_cents: 200, discount_taken_cents: 200 });
      const posted = results[5]!;
      if (!posted.ok) throw new Error('the discount line was refused');
      expect(posted.posting).toMatchObject({ type: 'terms_discount', document_id: 'INV-T', amount_cents: 200, signed_amount_cents: -200, gl_account: '4910' });

      await client.postGlLine('t-reverse', line({ type: 'reversal', document_id: undefined, reverses_posting_id: posted.posting.id, amount_cents: 150 }));
      expect(await client.get('invoices', 'INV-T')).toMatchObject({ balance_cents: 0, discount_taken_cents: 50 });
      await expect(client.postGlLine('t-8', discount({ amount_cents: 151 }))).rejects.toMatchObject({ status: 422, code: 'amount_exceeds_balance' });
      await client.postGlLine('t-9', discount({ amount_cents: 150 }));
      expect(await client.get('invoices', 'INV-T')).toMatchObject({ discount_taken_cents: 200 });
      expect((await client.ledger()).data.map((p) => [p.type, p.signed_amount_cents])).toEqual([
        ['invoice_payment', -10_000], ['terms_discount', -200], ['reversal', 150], ['terms_discount', -150],
      ]);

      await admin(emulator, 'PATCH', `/admin/tenants/${TENANT}/invoices/INV-T`, { status: 'void' });
      await expect(client.postGlLine('t-10', discount({ amount_cents: 1 }))).rejects.toMatchObject({ status: 409, code: 'invoice_void' });
    });
  });

  describe('debit adjustments created through the API', () => {
    const charge = (overrides: Record<string, unknown> = {}) => ({
      id: 'DM-RPF-P-1', account_id: 'C1', kind: 'debit' as const, reason: 'charge' as const, transaction_date: '2026-11-16', due_date: '2026-11-16',
      amount_cents: 2_500, description: 'Returned payment fee — payment P-1, R01 Insufficient Funds', ...overrides,
    });

    beforeEach(async () => {
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
    });

    it('creates an open debit under the caller’s number, once per idempotency key, as a change in the feed', async () => {
      const first = await client.createDebitAdjustment('returned-payment-fee:p1', charge());
      expect(first).toMatchObject({ replayed: false, adjustment: { id: 'DM-RPF-P-1', kind: 'debit', reason: 'charge', amount_cents: 2_500, balance_cents: 2_500, status: 'open' } });
      const again = await client.createDebitAdjustment('returned-payment-fee:p1', charge());
      expect(again.replayed).toBe(true);
      expect(again.adjustment).toEqual(first.adjustment);
      const feed = (await client.changes(0)).changes.filter((change) => change.object === 'adjustment');
      expect(feed.map((change) => [change.action, change.id])).toEqual([['create', 'DM-RPF-P-1']]);
      // A charge is not a GL posting.
      expect((await client.ledger()).data).toHaveLength(0);
    });

    it('refuses a reused key, a taken number, an unknown account and a malformed body', async () => {
      await client.createDebitAdjustment('k-1', charge());
      await expect(client.createDebitAdjustment('k-1', charge({ amount_cents: 2_600 }))).rejects.toMatchObject({ constructor: SpruceRejectedError, status: 409, code: 'idempotency_key_reused' });
      await expect(client.createDebitAdjustment('k-2', charge())).rejects.toMatchObject({ constructor: SpruceRejectedError, status: 409, code: 'document_exists' });
      await expect(client.createDebitAdjustment('k-3', charge({ id: 'DM-2', account_id: 'C404' }))).rejects.toMatchObject({ status: 422, code: 'unknown_account' });
      await expect(client.createDebitAdjustment('k-4', charge({ id: 'DM-3', amount_cents: 0 }))).rejects.toMatchObject({ constructor: SpruceClientError, status: 400, code: 'invalid_adjustment' });
      // A malformed body is not remembered: fixed, it goes through under the same key.
      await expect(client.createDebitAdjustment('k-4', charge({ id: 'DM-3' }))).resolves.toMatchObject({ replayed: false });
      const missingKey = await fetch(`${emulator.url}/v1/tenants/${TENANT}/adjustments`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(charge({ id: 'DM-4' })) });
      expect(missingKey.status).toBe(400);
      expect(await client.get('adjustments', 'DM-RPF-P-1')).toMatchObject({ amount_cents: 2_500 });
    });
  });

  it('answers 503 in an unavailable outage and refuses connections in a refuse outage, then recovers', async () => {
    await emulator.setFaults({ outage: 'unavailable' });
    await expect(client.ping()).rejects.toMatchObject({ constructor: SpruceUnavailableError, status: 503, retryable: true });
    // The admin surface stays up so a test can keep making changes "in Spruce".
    expect((await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account)).status).toBe(201);

    await emulator.setFaults({ outage: 'refuse' });
    // The first call may still ride a pooled connection the outage cut; a new one is refused.
    await expect(client.ping()).rejects.toBeInstanceOf(SpruceUnavailableError);
    const refused = await client.ping().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SpruceUnavailableError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);

    await emulator.setFaults({ outage: 'none' });
    expect(await client.ping()).toMatchObject({ id: TENANT, head_seq: 1 });
  });

  it('answers slowly when told to, so a client with a short timeout gives up and may retry', async () => {
    await admin(emulator, 'PUT', '/admin/faults', { delay_ms: 1_000 });
    const impatient = new SpruceClient({ baseUrl: emulator.url, apiKey: API_KEY, tenantId: TENANT, timeoutMs: 100 });
    await expect(impatient.ping()).rejects.toMatchObject({ constructor: SpruceUnavailableError, retryable: true, message: expect.stringMatching(/timed out/) });
    await admin(emulator, 'PUT', '/admin/faults', { delay_ms: 0 });
    expect(await impatient.ping()).toMatchObject({ id: TENANT });
  });

  describe('documents behind an invoice', () => {
    const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

    it('attaches documents from a book and one by one, lists them per invoice and serves their bytes to the tenant only', async () => {
      const loaded = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/book`, {
        accounts: [account], invoices: [invoice('INV-7', 9_000), invoice('INV-8', 1_000)],
        documents: [{ id: 'DOC-7-T1', invoice_id: 'INV-7', kind: 'delivery_ticket', ticket_number: '7001', delivered_date: '2026-10-02', signed_by: 'R. Alvarez' }],
      });
      expect(loaded).toMatchObject({ status: 201, body: { loaded: { invoices: 2, documents: 1 } } });
      const attached = await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices/INV-7/documents`, { id: 'DOC-7-COPY', kind: 'invoice_copy', file_name: 'INV-7.png', content_type: 'image/png', content_base64: PNG.toString('base64') });
      expect(attached).toMatchObject({ status: 201, body: { id: 'DOC-7-COPY', size_bytes: PNG.length } });
      expect(attached.body).not.toHaveProperty('content_base64');

      const listed = await client.invoiceDocuments('INV-7');
      expect(listed.map((document) => [document.id, document.kind])).toEqual([['DOC-7-COPY', 'invoice_copy'], ['DOC-7-T1', 'delivery_ticket']]);
      expect(listed[1]).toMatchObject({ content_type: 'application/pdf', ticket_number: '7001', delivered_date: '2026-10-02', signed_by: 'R. Alvarez', file_name: 'ticket-7001.pdf' });
      expect(await client.invoiceDocuments('INV-8')).toEqual([]);

      const generated = await client.documentContent('DOC-7-T1');
      const bytes = Buffer.from(await new Response(generated.body).arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(generated.sizeBytes).toBe(listed[1]!.size_bytes);
      const copy = await client.documentContent('DOC-7-COPY');
      expect(copy.contentType).toBe('image/png');
      expect(Buffer.compare(Buffer.from(await new Response(copy.body).arrayBuffer()), PNG)).toBe(0);

      await expect(client.invoiceDocuments('INV-404')).rejects.toMatchObject({ constructor: SpruceClientError, status: 404 });
      await expect(client.documentContent('DOC-404')).rejects.toMatchObject({ constructor: SpruceClientError, status: 404 });
      const wrongKey = new SpruceClient({ baseUrl: emulator.url, apiKey: 'nope-nope', tenantId: TENANT });
      await expect(wrongKey.documentContent('DOC-7-T1')).rejects.toMatchObject({ status: 401 });
    });

    it('refuses a document of an unknown invoice or kind, and keeps documents across a restart', async () => {
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
      expect(await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices/INV-2/documents`, { kind: 'invoice_copy' })).toMatchObject({ status: 422, body: { error: { code: 'unknown_reference' } } });
      expect(await admin(emulator, 'POST', `/admin/tenants/${TENANT}/invoices/INV-1/documents`, { kind: 'receipt' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_document' } } });

      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spruce-emulator-'));
      try {
        const first = await startSpruceEmulator({ port: 0, dataDir, tenants: [{ id: TENANT, apiKey: API_KEY }] });
        await admin(first, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
        await admin(first, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
        await admin(first, 'POST', `/admin/tenants/${TENANT}/invoices/INV-1/documents`, { id: 'DOC-1', kind: 'delivery_ticket', ticket_number: '1' });
        await first.stop();
        const second = await startSpruceEmulator({ port: 0, dataDir });
        try {
          const again = new SpruceClient({ baseUrl: second.url, apiKey: API_KEY, tenantId: TENANT });
          expect((await again.invoiceDocuments('INV-1')).map((document) => document.id)).toEqual(['DOC-1']);
        } finally {
          await second.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  it('keeps its book in a snapshot across restarts when given a data directory', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spruce-emulator-'));
    try {
      const first = await startSpruceEmulator({ port: 0, dataDir, tenants: [{ id: TENANT, apiKey: API_KEY }] });
      await admin(first, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await admin(first, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
      await new SpruceClient({ baseUrl: first.url, apiKey: API_KEY, tenantId: TENANT }).postGlLine('k', line());
      await first.stop();

      const second = await startSpruceEmulator({ port: 0, dataDir });
      try {
        const again = new SpruceClient({ baseUrl: second.url, apiKey: API_KEY, tenantId: TENANT });
        expect(await again.ping()).toMatchObject({ head_seq: 3 });
        expect(await again.get('invoices', 'INV-1')).toMatchObject({ balance_cents: 6_000 });
        expect((await again.postGlLine('k', line())).replayed).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }

    function line(): GlLine {
      return { type: 'invoice_payment', account_id: 'C1', document_id: 'INV-1', amount_cents: 4_000, posting_date: '2026-11-16', payment_reference: 'PAY-1' };
    }
  });

  it('reads a snapshot written before invoices had terms as invoices without terms or discount', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spruce-emulator-'));
    try {
      const first = await startSpruceEmulator({ port: 0, dataDir, tenants: [{ id: TENANT, apiKey: API_KEY }] });
      await admin(first, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      await admin(first, 'POST', `/admin/tenants/${TENANT}/invoices`, invoice('INV-1', 10_000));
      await first.stop();
      const file = path.join(dataDir, 'state.json');
      const state = JSON.parse(readFileSync(file, 'utf8')) as { tenants: Array<{ objects: { invoice: Array<Record<string, unknown>> } }> };
      for (const stored of state.tenants[0]!.objects.invoice) {
        for (const field of ['terms', 'discount_cents', 'discount_date', 'discount_taken_cents']) delete stored[field];
      }
      writeFileSync(file, JSON.stringify(state));

      const second = await startSpruceEmulator({ port: 0, dataDir });
      try {
        const again = new SpruceClient({ baseUrl: second.url, apiKey: API_KEY, tenantId: TENANT });
        expect(await again.get('invoices', 'INV-1')).toMatchObject({ terms: null, discount_cents: null, discount_date: null, discount_taken_cents: 0 });
        await expect(again.postGlLine('k', { type: 'terms_discount', account_id: 'C1', document_id: 'INV-1', amount_cents: 1, posting_date: '2026-11-16', payment_reference: 'PAY-1' }))
          .rejects.toMatchObject({ status: 422, code: 'amount_exceeds_balance', reason: expect.stringContaining('has 0 cents of terms discount left') });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('keeps a job\'s state and delivery dates, refuses a last delivery before the first, and reads older snapshots as jobs without them', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spruce-emulator-'));
    try {
      const first = await startSpruceEmulator({ port: 0, dataDir, tenants: [{ id: TENANT, apiKey: API_KEY }] });
      await admin(first, 'POST', `/admin/tenants/${TENANT}/accounts`, account);
      const job = { id: 'J1', account_id: 'C1', name: 'Lot 14', state: 'NV', first_delivery_date: '2026-09-01', last_delivery_date: '2026-10-15' };
      expect(await admin(first, 'POST', `/admin/tenants/${TENANT}/jobs`, job)).toMatchObject({ status: 201 });
      expect(await admin(first, 'POST', `/admin/tenants/${TENANT}/jobs`, { ...job, id: 'J2', last_delivery_date: '2026-08-31' })).toMatchObject({ status: 422 });
      expect(await admin(first, 'POST', `/admin/tenants/${TENANT}/jobs`, { ...job, id: 'J3', state: 'Nevada' })).toMatchObject({ status: 422 });
      const served = new SpruceClient({ baseUrl: first.url, apiKey: API_KEY, tenantId: TENANT });
      expect(await served.get('jobs', 'J1')).toMatchObject({ state: 'NV', first_delivery_date: '2026-09-01', last_delivery_date: '2026-10-15' });
      await first.stop();
      const file = path.join(dataDir, 'state.json');
      const state = JSON.parse(readFileSync(file, 'utf8')) as { tenants: Array<{ objects: { job: Array<Record<string, unknown>> } }> };
      for (const stored of state.tenants[0]!.objects.job) {
        for (const field of ['state', 'first_delivery_date', 'last_delivery_date']) delete stored[field];
      }
      writeFileSync(file, JSON.stringify(state));

      const second = await startSpruceEmulator({ port: 0, dataDir });
      try {
        const again = new SpruceClient({ baseUrl: second.url, apiKey: API_KEY, tenantId: TENANT });
        expect(await again.get('jobs', 'J1')).toMatchObject({ name: 'Lot 14', state: null, first_delivery_date: null, last_delivery_date: null });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
