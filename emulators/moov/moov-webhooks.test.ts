import { randomUUID } from 'node:crypto';
import { verifyMoovWebhook } from '../../integrations/moov-webhooks';
import { moovEmulatorAdmin } from './admin';
import {
  linkBankThroughPlaid,
  startPaymentEmulators,
  startWebhookReceiver,
  waitUntil,
  type PaymentEmulators,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../../test/support/payment-emulators';

/** Webhooks from the Moov emulator: Moov's signature scheme, retries, and the fault switches. */
describe('Moov emulator webhooks', () => {
  const secret = 'moov-webhook-secret-for-tests';
  let emulators: PaymentEmulators;
  let receiver: WebhookReceiver;
  let source: string;
  let destination: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulators = await startPaymentEmulators({ webhookUrl: receiver.url, webhookSecret: secret, webhookRetryDelaysMs: [30, 30, 30], webhookReorderWindowMs: 60_000 });
    const moov = emulators.moovClient;
    destination = await moov.walletPaymentMethodId(await moov.ensureDealerAccount({ id: randomUUID(), name: 'Webhook Lumber' }));
    const customer = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Webhook Builders' });
    source = (await linkBankThroughPlaid(emulators, customer)).paymentMethodId;
  });
  afterEach(async () => {
    await emulators.moov.admin.clearWebhookFaults();
    receiver.respondWith = () => 200;
  });
  afterAll(async () => {
    await emulators.stop();
    await receiver.stop();
  });

  /** Creating an ACH transfer emits three events: created, pending, source.initiated. */
  const newTransfer = async () =>
    (await emulators.moovClient.createTransfer({ idempotencyKey: randomUUID(), sourcePaymentMethodId: source, destinationPaymentMethodId: destination, amountCents: 1_000 })).transferId;
  const receivedFor = (transferId: string) => receiver.received.filter((w) => w.event.data.transferID === transferId);
  const statusesOf = (webhooks: ReceivedWebhook[]) => webhooks.map((w) => String(w.event.data.status));

  it('signs every delivery as Moov does, so verifyMoovWebhook accepts it and refuses a tampered copy', async () => {
    const transferId = await newTransfer();
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    const webhooks = await waitUntil(() => receivedFor(transferId).length >= 6 && receivedFor(transferId), 'six transfer events');
    expect(statusesOf(webhooks)).toEqual(['created', 'pending', 'source.initiated', 'source.originated', 'source.completed', 'completed']);
    expect(webhooks.map((w) => w.event.type)).toEqual(['transfer.created', ...Array(5).fill('transfer.updated')]);

    for (const webhook of webhooks) {
      expect(verifyMoovWebhook(webhook.headers, secret, Date.now())).toMatchObject({ valid: true });
    }
    const first = webhooks[0]!;
    expect(first.headers['x-signature']).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyMoovWebhook({ ...first.headers, 'x-nonce': `${String(first.headers['x-nonce'])}0` }, secret, Date.now())).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(first.headers, 'not-the-secret', Date.now())).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(first.headers, secret, Date.now() + 10 * 60_000)).toEqual({ valid: false, reason: 'stale' });
  });

  it('duplicates each event when asked: same eventID, fresh nonce and valid signature', async () => {
    await emulators.moov.admin.setWebhookFaults({ duplicate: 1 });
    const transferId = await newTransfer();
    const webhooks = await waitUntil(() => receivedFor(transferId).length >= 6 && receivedFor(transferId), 'duplicated events');
    const byEvent = new Map<string, ReceivedWebhook[]>();
    for (const webhook of webhooks) byEvent.set(webhook.event.eventID, [...(byEvent.get(webhook.event.eventID) ?? []), webhook]);
    expect([...byEvent.values()].map((copies) => copies.length)).toEqual([2, 2, 2]);
    for (const [original, copy] of byEvent.values()) {
      expect(copy!.headers['x-nonce']).not.toBe(original!.headers['x-nonce']);
      expect(copy!.rawBody).toBe(original!.rawBody);
      expect(verifyMoovWebhook(copy!.headers, secret, Date.now()).valid).toBe(true);
    }
  });

  it('holds events and delivers them newest first when reordering', async () => {
    await emulators.moov.admin.setWebhookFaults({ reorder: true });
    const transferId = await newTransfer();
    expect(receivedFor(transferId)).toEqual([]);
    await emulators.moov.admin.flushWebhooks();
    const webhooks = await waitUntil(() => receivedFor(transferId).length >= 3 && receivedFor(transferId), 'reordered events');
    expect(statusesOf(webhooks)).toEqual(['source.initiated', 'pending', 'created']);
  });

  it('drops events when asked; they stay in the event feed and can be redelivered', async () => {
    await emulators.moov.admin.setWebhookFaults({ drop: 2 });
    const transferId = await newTransfer();
    await waitUntil(() => receivedFor(transferId).length >= 1, 'the surviving event');
    await emulators.moov.webhooksIdle();
    expect(statusesOf(receivedFor(transferId))).toEqual(['source.initiated']);

    const events = await emulators.moov.admin.events({ transferID: transferId });
    expect(events.map((e) => e.data.status)).toEqual(['created', 'pending', 'source.initiated']);
    const deliveries = await emulators.moov.admin.webhookDeliveries();
    expect(deliveries.filter((d) => d.outcome === 'dropped').map((d) => d.eventID)).toEqual(expect.arrayContaining([events[0]!.eventID, events[1]!.eventID]));

    await emulators.moov.admin.redeliver(events[0]!.eventID);
    await waitUntil(() => receivedFor(transferId).length >= 2, 'the redelivered event');
    expect(statusesOf(receivedFor(transferId))).toEqual(['source.initiated', 'created']);
  });

  it('delays deliveries when asked', async () => {
    await emulators.moov.admin.setWebhookFaults({ delayMs: 250 });
    const before = Date.now();
    const transferId = await newTransfer();
    const [created] = await waitUntil(() => receivedFor(transferId).length >= 3 && receivedFor(transferId), 'delayed events');
    await emulators.moov.webhooksIdle();
    const delivered = (await emulators.moov.admin.webhookDeliveries()).find((d) => d.eventID === created!.event.eventID && d.outcome === 'delivered')!;
    expect(Date.parse(delivered.at) - before).toBeGreaterThanOrEqual(250);
  });

  it('retries a delivery the receiver refused', async () => {
    let refusedOnce = false;
    receiver.respondWith = () => {
      if (refusedOnce) return 200;
      refusedOnce = true;
      return 503;
    };
    const transferId = await newTransfer();
    await waitUntil(() => receivedFor(transferId).length >= 3, 'all events after a retry');
    await emulators.moov.webhooksIdle();
    const deliveries = (await emulators.moov.admin.webhookDeliveries()).filter((d) => d.outcome === 'failed' && d.status === 503);
    expect(deliveries).toHaveLength(1);
    const retried = (await emulators.moov.admin.webhookDeliveries()).filter((d) => d.eventID === deliveries[0]!.eventID);
    expect(retried.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
  });

  it('jitters deliveries and counts what each fault touched; the admin API lists every transfer', async () => {
    const before = (await emulators.moov.admin.webhookFaults()).injected;
    await emulators.moov.admin.setWebhookFaults({ duplicate: 1, jitterMs: 40 });
    const transferId = await newTransfer();
    await waitUntil(() => receivedFor(transferId).length >= 6, 'jittered copies');
    const { faults, injected } = await moovEmulatorAdmin(emulators.moov.url).webhookFaults();
    expect(faults).toMatchObject({ duplicate: 1, jitterMs: 40 });
    expect(injected.duplicated - before.duplicated).toBe(3);
    expect(injected.delayed - before.delayed).toBeGreaterThanOrEqual(1);

    const listed = await moovEmulatorAdmin(emulators.moov.url).transfers();
    expect(listed.filter((transfer) => transfer.transferID === transferId)).toHaveLength(1);
    expect(listed.map((transfer) => transfer.createdOn)).toEqual([...listed.map((transfer) => transfer.createdOn)].sort());
  });
});
