import * as components from '@moovio/sdk/models/components';
import { randomUUID } from 'node:crypto';
import { parseMoovWebhookEvent, transferIdOf, verifyMoovWebhook } from '../../integrations/moov-webhooks';
import { moovEmulatorAdmin } from './admin';
import {
  linkBankThroughPlaid,
  linkCardFromBrowser,
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

  it('sends disputes, refunds and a late return as signed dispute.*, refund.* and transfer.updated events in Moov’s data shapes', async () => {
    const moov = emulators.moovClient;
    const customer = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Webhook Card Co' });
    await linkCardFromBrowser(emulators, customer);
    const [card] = await moov.listPaymentMethods(customer);
    const payment = await moov.createTransfer({ idempotencyKey: randomUUID(), sourcePaymentMethodId: card!.paymentMethodId, destinationPaymentMethodId: destination, amountCents: 8_000 });
    await emulators.moov.admin.completeTransfer(payment.transferId);
    const dispute = await emulators.moov.admin.disputeTransfer(payment.transferId, 3_000, { phase: 'inquiry' });
    await emulators.moov.admin.escalateDispute(payment.transferId, dispute.disputeID);
    await emulators.moov.admin.reviewDispute(payment.transferId, dispute.disputeID);
    await emulators.moov.admin.resolveDispute(payment.transferId, dispute.disputeID, 'won');
    const refund = await moov.refundTransfer({ transferId: payment.transferId, idempotencyKey: randomUUID(), amountCents: 1_000 });
    await emulators.moov.admin.completeRefund(payment.transferId, refund.refundId);

    const ach = await newTransfer();
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    await emulators.moov.admin.advanceClock({ ms: 59 * 24 * 3600_000 });
    await emulators.moov.admin.returnTransfer(ach, 'R01');

    // Deliveries run concurrently and may land out of order: put them in the order the events happened.
    const feed = (await emulators.moov.admin.events()).map((event) => event.eventID);
    const inFeedOrder = (hooks: ReceivedWebhook[]) => [...hooks].sort((a, b) => feed.indexOf(a.event.eventID) - feed.indexOf(b.event.eventID));
    const cardHooks = inFeedOrder(await waitUntil(() => {
      const hooks = receivedFor(payment.transferId).filter((w) => !w.event.type.startsWith('transfer.'));
      return hooks.length >= 7 && hooks;
    }, 'dispute and refund webhooks'));
    expect(cardHooks.map((w) => `${w.event.type}:${String(w.event.data.phase ?? '-')}:${String(w.event.data.status ?? '-')}`)).toEqual([
      'dispute.created:inquiry:response-needed',
      'dispute.updated:chargeback:response-needed',
      'dispute.updated:chargeback:under-review',
      'dispute.updated:chargeback:won',
      'refund.created:-:-',
      'refund.updated:-:pending',
      'refund.updated:-:completed',
    ]);
    const parsers: Record<string, (json: string) => { ok: boolean }> = {
      'dispute.created': components.webhookDataDisputeCreatedFromJSON,
      'dispute.updated': components.webhookDataDisputeUpdatedFromJSON,
      'refund.created': components.webhookDataRefundCreatedFromJSON,
      'refund.updated': components.webhookDataRefundUpdatedFromJSON,
      'transfer.updated': components.webhookDataTransferUpdatedFromJSON,
    };
    const achHooks = inFeedOrder(await waitUntil(() => {
      const hooks = receivedFor(ach).filter((w) => ['source.returned', 'reversed'].includes(String(w.event.data.status)));
      return hooks.length >= 2 && hooks;
    }, 'late return webhooks'));
    expect(achHooks.map((w) => String(w.event.data.status))).toEqual(['source.returned', 'reversed']);
    for (const webhook of [...cardHooks, ...achHooks]) {
      expect(verifyMoovWebhook(webhook.headers, secret, Date.now())).toMatchObject({ valid: true });
      expect(parsers[webhook.event.type]!(JSON.stringify(webhook.event.data)).ok).toBe(true);
      expect(transferIdOf(parseMoovWebhookEvent(webhook.rawBody))).toBe(webhook === achHooks[0] || webhook === achHooks[1] ? ach : payment.transferId);
    }
    expect(cardHooks[0]!.event.data).toMatchObject({ disputeID: dispute.disputeID, transactionID: payment.transferId });
    expect(cardHooks[4]!.event.data).toMatchObject({ refundID: refund.refundId });
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
