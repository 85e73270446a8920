import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { recordSyncError } from '../db/sync-state';
import { createPaymentWithReservations, transitionPayment } from '../db/payments';
import { logger } from '../runtime/logger';
import { startEmailRelay, startWebhookDispatch } from '../worker/duties';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { startMailSink, waitForEmail } from './support/portal';
import { createCustomerBook, createSettlementDealer, type CustomerBook, type SettlementDealer } from './support/settlements';
import { startTestWorker } from './support/temporal';
import { WebhookReceiver as Receiver } from './support/webhook-receiver';

/**
 * Outgoing webhooks end to end: endpoints registered through the console's API, events written
 * by the store, delivery workflows on a real worker and Temporal server, a local receiver that
 * verifies every signature, the receiver down for a while, the delivery log, Resend, and an
 * endpoint that never answers disabled with its admins emailed.
 */

const INVOICES = Array.from({ length: 14 }, (_, index) => ({ number: `INV-WH-${index + 1}`, amountCents: 10_000 }));

describe('outgoing webhooks', () => {
  let db: Db;
  let api: TestApp;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let dealer: SettlementDealer;
  let book: CustomerBook;
  let admin: SignedIn;
  let adminEmail: string;
  const receiver = new Receiver();
  const stops: Array<() => void> = [];
  let nextInvoice = 0;

  /** A payment submitted (payment.created) by the store, as the portal's route does it. */
  async function submitPayment(): Promise<string> {
    const paymentId = randomUUID();
    const invoiceId = book.invoiceIds.get(INVOICES[nextInvoice++]!.number)!;
    await db.transaction((trx) => createPaymentWithReservations(trx, {
      id: paymentId, dealerId: dealer.id, customerAccountId: book.accountId, companyId: book.companyId, portalUserId: null, paymentMethodId: book.paymentMethodId,
      method: 'ach', cardFunding: null, itemsCents: 1_000, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 1_000, processingCostCents: 0, sourceView: 'all',
      statementId: null, idempotencyKey: `wh-${paymentId}`, requestHash: 'test', applications: [{ itemType: 'invoice', itemId: invoiceId, amountCents: 1_000 }],
    }));
    return paymentId;
  }

  async function eventIdsOf(paymentId: string, type: string): Promise<string[]> {
    return (await db('domain_events').where({ entity_id: paymentId, type }).select('id')).map((row) => String(row.id));
  }

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    const taskQueue = `webhooks-${randomUUID()}`;
    const overrides = {
      TASK_QUEUE: taskQueue, SMTP_URL: sink.smtpUrl,
      WEBHOOK_RETRY_INITIAL_MS: '150', WEBHOOK_RETRY_MAX_INTERVAL_MS: '600', WEBHOOK_GIVE_UP_AFTER_MS: '120000', WEBHOOK_TIMEOUT_MS: '2000',
    };
    api = await startOperatorApp(db, overrides);
    worker = await startTestWorker({ db, logger, config: api.config }, { taskQueue });
    dealer = await createSettlementDealer(db, null);
    book = await createCustomerBook(db, null, dealer, { invoices: INVOICES });
    adminEmail = `admin-${randomUUID().slice(0, 8)}@dealer.test`;
    admin = await signIn(api.app, (await createOperator(db, dealer.id, { role: 'admin', email: adminEmail })).email);
    stops.push(startWebhookDispatch(db, worker.client, api.config, 100, { dealerId: dealer.id }));
    await receiver.start();
  });

  afterAll(async () => {
    for (const stop of stops) stop();
    await receiver.stop();
    await worker.stop();
    await api.close();
    await sink.stop();
    await db.destroy();
  });

  describe('endpoints', () => {
    it('registers an endpoint, shows its secret once and keeps it sealed', async () => {
      const created = await admin.send('post', '/api/operator/webhook-endpoints', { url: 'http://127.0.0.1:9/unused', description: 'Credit system', event_types: ['payment.returned', 'payment.returned'] }).expect(201);
      expect(created.body).toMatchObject({ status: 'enabled', event_types: ['payment.returned'], failing_since: null, secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
      expect(created.body.secret.startsWith(created.body.secret_hint.replace('…', ''))).toBe(true);
      const stored = await db('webhook_endpoints').where({ id: created.body.id }).first();
      expect(stored.secret_sealed).toMatch(/^sealed:v1:/);
      expect(stored.secret_sealed).not.toContain(created.body.secret.slice(6));
      const listed = await admin.get('/api/operator/webhook-endpoints').expect(200);
      expect(listed.text).not.toContain(created.body.secret);
      expect(await db('audit_events').where({ entity_id: created.body.id, action: 'webhook_endpoint.created' }).count({ n: '*' })).toEqual([{ n: 1 }]);
      await admin.send('put', `/api/operator/webhook-endpoints/${created.body.id}`, { status: 'disabled' }).expect(200);
    });

    it('refuses a malformed URL, no event types and an unknown type, naming the field', async () => {
      const badUrl = await admin.send('post', '/api/operator/webhook-endpoints', { url: 'not a url', event_types: ['payment.settled'] }).expect(400);
      expect(badUrl.body.error).toMatchObject({ code: 'webhook_url_invalid', message: expect.stringContaining('url') });
      const none = await admin.send('post', '/api/operator/webhook-endpoints', { url: receiver.url, event_types: [] }).expect(400);
      expect(none.body.error.message).toMatch(/event_types/);
      const unknown = await admin.send('post', '/api/operator/webhook-endpoints', { url: receiver.url, event_types: ['payment.vanished'] }).expect(400);
      expect(unknown.body.error.message).toMatch(/event_types/);
    });

    it('refuses private and plain-http URLs where production rules apply', async () => {
      const production = testConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' });
      const { checkWebhookDestination, destinationRulesFor } = await import('../services/webhook-destination');
      const rules = destinationRulesFor(production);
      await expect(checkWebhookDestination('http://hooks.example.com/x', rules)).rejects.toMatchObject({ code: 'webhook_url_invalid' });
      await expect(checkWebhookDestination('https://127.0.0.1/x', rules)).rejects.toMatchObject({ code: 'webhook_url_internal' });
      await expect(checkWebhookDestination('https://[::1]/x', rules)).rejects.toMatchObject({ code: 'webhook_url_internal' });
      await expect(checkWebhookDestination('https://[::ffff:10.1.2.3]/x', rules)).rejects.toMatchObject({ code: 'webhook_url_internal' });
      await expect(checkWebhookDestination('https://10.1.2.3/x', rules)).rejects.toMatchObject({ code: 'webhook_url_internal' });
      await expect(checkWebhookDestination('https://169.254.169.254/latest/meta-data', rules)).rejects.toMatchObject({ code: 'webhook_url_internal' });
      await expect(checkWebhookDestination('https://203.0.113.7/x', rules)).resolves.toBeInstanceOf(URL);
    });

    it('lets only the dealer\'s admins see or manage endpoints', async () => {
      const clerk = await signIn(api.app, (await createOperator(db, dealer.id, { role: 'ar_operator' })).email);
      expect((await clerk.get('/api/operator/webhook-endpoints').expect(403)).body.error.code).toBe('role_required');
      const endpoint = (await db('webhook_endpoints').where({ dealer_id: dealer.id }).first('id')).id;
      const other = await createSettlementDealer(db, null);
      const otherAdmin = await signIn(api.app, (await createOperator(db, other.id, { role: 'admin' })).email);
      await otherAdmin.get(`/api/operator/webhook-endpoints/${endpoint}`).expect(404);
      await otherAdmin.get(`/api/operator/webhook-endpoints/${endpoint}/deliveries`).expect(404);
      await otherAdmin.send('put', `/api/operator/webhook-endpoints/${endpoint}`, { status: 'enabled' }).expect(404);
      expect((await otherAdmin.get('/api/operator/webhook-endpoints').expect(200)).body).toEqual([]);
    });
  });

  describe('delivery', () => {
    let endpointId: string;

    beforeAll(async () => {
      const created = await admin.send('post', '/api/operator/webhook-endpoints', { url: receiver.url, event_types: ['payment.created', 'payment.settled'] }).expect(201);
      endpointId = created.body.id;
      receiver.secret = created.body.secret;
    });

    it('sends each subscribed event once, signed, with its id in a header and the feed\'s body', async () => {
      const paymentId = await submitPayment();
      await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['pending'], to: 'settled', event: 'processor_completed', actor: { kind: 'processor' } }));
      await db.transaction((trx) => transitionPayment(trx, { paymentId, from: ['settled'], to: 'returned', event: 'ach_returned', actor: { kind: 'processor' }, reason: 'R01' }));
      const [created] = await eventIdsOf(paymentId, 'payment.created');
      const [settled] = await eventIdsOf(paymentId, 'payment.settled');
      await eventually(() => expect(receiver.eventIds()).toEqual(expect.arrayContaining([created, settled])));
      const mine = receiver.received.filter((entry) => entry.eventId === created || entry.eventId === settled);
      expect(mine).toHaveLength(2);
      expect(mine.every((entry) => entry.signatureValid)).toBe(true);
      const body = JSON.parse(mine.find((entry) => entry.eventId === settled)!.body);
      expect(body).toMatchObject({ id: settled, type: 'payment.settled', entity_type: 'payment', entity_id: paymentId, data: expect.objectContaining({ status: 'settled' }) });
      // Not subscribed: no delivery row at all.
      const [returned] = await eventIdsOf(paymentId, 'payment.returned');
      expect(await db('webhook_deliveries').where({ event_id: returned })).toEqual([]);

      const log = await admin.get(`/api/operator/webhook-endpoints/${endpointId}/deliveries?filter=${encodeURIComponent(JSON.stringify({ status: 'delivered' }))}`).expect(200);
      expect(log.body.find((row: { event_id: string }) => row.event_id === settled)).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, event_type: 'payment.settled' });
      expect(log.headers['content-range']).toMatch(/^webhook-deliveries 0-\d+\/\d+$/);
    });

    it('keeps trying while the receiver is down and delivers every event once it is back, none lost', async () => {
      await receiver.stop();
      const payments = [];
      for (let index = 0; index < 5; index += 1) payments.push(await submitPayment());
      const eventIds = (await Promise.all(payments.map((id) => eventIdsOf(id, 'payment.created')))).flat();
      // Down long enough that each delivery failed more than once and the endpoint counts as failing.
      await eventually(async () => {
        const rows = await db('webhook_deliveries').whereIn('event_id', eventIds).select('attempts', 'status');
        expect(rows).toHaveLength(5);
        for (const row of rows) expect(row).toMatchObject({ status: 'pending', attempts: expect.any(Number) });
        expect(Math.min(...rows.map((row) => row.attempts))).toBeGreaterThanOrEqual(2);
      }, 20_000);
      expect((await admin.get(`/api/operator/webhook-endpoints/${endpointId}`).expect(200)).body.failing_since).not.toBeNull();
      const failed = await admin.get(`/api/operator/webhook-endpoints/${endpointId}/deliveries?filter=${encodeURIComponent(JSON.stringify({ status: 'pending' }))}`).expect(200);
      expect(failed.body[0].last_error).toMatch(/ECONNREFUSED/);

      // Back, but failing with 500 for a while first: still retried.
      receiver.answer = 500;
      await receiver.start();
      // Backoff decides which deliveries try during the 500s; the log checked below is one that did.
      let answered500: string | undefined;
      await eventually(async () => {
        const rows = await db('webhook_deliveries').whereIn('event_id', eventIds).select('id', 'last_status_code');
        answered500 = rows.find((row) => row.last_status_code === 500)?.id;
        expect(answered500).toBeDefined();
      }, 20_000);
      receiver.answer = 200;
      await eventually(() => expect(new Set(receiver.eventIds())).toEqual(new Set([...receiver.eventIds(), ...eventIds])), 30_000);
      // The receiver counts an event before its answer reaches us: the log follows a moment later.
      await eventually(async () => {
        const rows = await db('webhook_deliveries').whereIn('event_id', eventIds).select('status', 'attempts');
        expect(rows.every((row) => row.status === 'delivered' && row.attempts >= 3)).toBe(true);
      });
      expect(receiver.received.filter((entry) => eventIds.includes(entry.eventId)).every((entry) => entry.signatureValid)).toBe(true);
      await eventually(async () => expect((await admin.get(`/api/operator/webhook-endpoints/${endpointId}`).expect(200)).body.failing_since).toBeNull());
      const detail = await admin.get(`/api/operator/webhook-deliveries/${answered500}`).expect(200);
      expect(detail.body.attempts_log.length).toBe(detail.body.attempts);
      expect(detail.body.attempts_log.map((attempt: { status_code: number | null }) => attempt.status_code)).toEqual(expect.arrayContaining([null, 500, 200]));
    });

    it('resends a delivered event with the same event id and body, audited', async () => {
      const paymentId = await submitPayment();
      const [eventId] = await eventIdsOf(paymentId, 'payment.created');
      await eventually(() => expect(receiver.eventIds()).toContain(eventId));
      const delivery = await db('webhook_deliveries').where({ event_id: eventId }).first('id');
      const resent = await admin.send('post', `/api/operator/webhook-deliveries/${delivery.id}/resend`).expect(202);
      expect(resent.body).toMatchObject({ event_id: eventId, resends: 1 });
      await eventually(() => expect(receiver.received.filter((entry) => entry.eventId === eventId)).toHaveLength(2));
      const [first, second] = receiver.received.filter((entry) => entry.eventId === eventId);
      expect(second!.body).toBe(first!.body);
      expect(second!.deliveryId).toBe(first!.deliveryId);
      expect(await db('audit_events').where({ action: 'webhook_delivery.resent', entity_id: endpointId }).count({ n: '*' })).toEqual([{ n: 1 }]);
      expect(await db('webhook_deliveries').where({ id: delivery.id }).first('workflow_id')).toEqual({ workflow_id: `webhook-delivery-${delivery.id}-resend-1` });
    });

    it('refuses to resend another dealer\'s delivery', async () => {
      const other = await createSettlementDealer(db, null);
      const otherAdmin = await signIn(api.app, (await createOperator(db, other.id, { role: 'admin' })).email);
      const delivery = await db('webhook_deliveries').where({ endpoint_id: endpointId }).first('id');
      await otherAdmin.send('post', `/api/operator/webhook-deliveries/${delivery.id}/resend`).expect(404);
      await otherAdmin.get(`/api/operator/webhook-deliveries/${delivery.id}`).expect(404);
    });
  });

  describe('an endpoint that never answers', () => {
    it('gives up after the window, disables the endpoint, emails the admins, and sends nothing more until enabled again', async () => {
      const quickDealer = await createSettlementDealer(db, null);
      const quickBook = await createCustomerBook(db, null, quickDealer, { invoices: [{ number: 'INV-WHQ-1', amountCents: 5_000 }] });
      const quickAdminEmail = `admin-${randomUUID().slice(0, 8)}@dealer.test`;
      const quickAdmin = await signIn(api.app, (await createOperator(db, quickDealer.id, { role: 'admin', email: quickAdminEmail })).email);
      const quickConfig = { ...api.config, WEBHOOK_GIVE_UP_AFTER_MS: 1_500, WEBHOOK_RETRY_MAX_INTERVAL_MS: 300 };
      stops.push(startWebhookDispatch(db, worker.client, quickConfig, 100, { dealerId: quickDealer.id }));
      stops.push(startEmailRelay(db, api.config, 200, { dealerId: quickDealer.id }));
      const dead = new Receiver();
      await dead.start();
      await dead.stop();
      const endpoint = (await quickAdmin.send('post', '/api/operator/webhook-endpoints', { url: dead.url, event_types: ['sync.failed', 'payment.created'] }).expect(201)).body;

      await recordSyncError(db, quickDealer.id, 'Spruce answered 401 Unauthorized');
      await eventually(async () => {
        const row = (await quickAdmin.get(`/api/operator/webhook-endpoints/${endpoint.id}`).expect(200)).body;
        expect(row).toMatchObject({ status: 'disabled', failed_count: 1, disabled_reason: expect.stringContaining('Every delivery failed since') });
      }, 30_000);
      const email = await waitForEmail(sink, quickAdminEmail, (message) => message.subject.includes('Webhook endpoint disabled'));
      expect(email.text).toContain(dead.url);
      expect(await db('audit_events').where({ entity_id: endpoint.id, action: 'webhook_endpoint.disabled', actor_kind: 'system' }).count({ n: '*' })).toEqual([{ n: 1 }]);

      // Disabled: a new event is owed to nobody.
      const paymentId = randomUUID();
      await db.transaction((trx) => createPaymentWithReservations(trx, {
        id: paymentId, dealerId: quickDealer.id, customerAccountId: quickBook.accountId, companyId: quickBook.companyId, portalUserId: null, paymentMethodId: quickBook.paymentMethodId,
        method: 'ach', cardFunding: null, itemsCents: 1_000, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 1_000, processingCostCents: 0, sourceView: 'all',
        statementId: null, idempotencyKey: `wh-${paymentId}`, requestHash: 'test', applications: [{ itemType: 'invoice', itemId: quickBook.invoiceIds.get('INV-WHQ-1')!, amountCents: 1_000 }],
      }));
      expect(await db('webhook_deliveries').where({ endpoint_id: endpoint.id }).count({ n: '*' })).toEqual([{ n: 1 }]);
      const failed = await db('webhook_deliveries').where({ endpoint_id: endpoint.id }).first('id', 'status');
      expect(failed.status).toBe('failed');
      expect((await quickAdmin.send('post', `/api/operator/webhook-deliveries/${failed.id}/resend`).expect(409)).body.error.code).toBe('webhook_endpoint_disabled');

      // Fixed and enabled again: the failed delivery, resent, arrives with its original event id.
      const fixed = new Receiver();
      fixed.secret = endpoint.secret;
      await fixed.start();
      await quickAdmin.send('put', `/api/operator/webhook-endpoints/${endpoint.id}`, { url: fixed.url, status: 'enabled' }).expect(200);
      await quickAdmin.send('post', `/api/operator/webhook-deliveries/${failed.id}/resend`).expect(202);
      const eventId = String((await db('webhook_deliveries').where({ id: failed.id }).first('event_id')).event_id);
      await eventually(() => expect(fixed.eventIds()).toEqual([eventId]));
      expect(fixed.received[0]!.signatureValid).toBe(true);
      expect(JSON.parse(fixed.received[0]!.body)).toMatchObject({ type: 'sync.failed', entity_type: 'dealer', entity_id: quickDealer.id, data: { error: 'Spruce answered 401 Unauthorized' } });
      await fixed.stop();
    });
  });
});
