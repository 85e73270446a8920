import { randomUUID } from 'node:crypto';
import { pruneWebhookNonces } from '../../api/webhooks/nonces';
import { startSpruceEmulator, type SpruceEmulator } from '../../emulators/spruce';
import type { SpruceChange } from '../../integrations/spruce';
import { captureLogs, type LogCapture } from '../../runtime/logger';
import { paymentWorkflowId } from '../../workflows/payment-definitions';
import { spruceSyncWorkflowId } from '../../workflows/spruce-sync-definitions';
import { eventually } from '../support/eventually';
import { payingCustomer, startPaymentStack, submitBankPayment, WEBHOOK_SECRET, type PaymentStack } from '../support/payment-stack';
import {
  logsOfRequest, moovEventBody, moovWebhookHeaders, nowSeconds, spruceAccountChange, spruceDelivery, spruceTenant, type SpruceRequest, type SpruceTenant,
} from '../support/webhooks';

/**
 * Every way a webhook is refused, on both webhook endpoints: forged signature, stale
 * timestamp, replay, unknown event type, oversized body. Each answer is checked for its status
 * and code, the API's log for the refusal line of that very request, and the workflow the
 * request would have woken for the absence of any signal. Each refused request is built so
 * that, accepted, it would wake the workflow: a Moov `completed` hint about a live payment's
 * transfer, a Spruce change continuing the dealer's cursor.
 */
jest.setTimeout(180_000);

const WARN = 40;
const INFO = 30;

interface Answer {
  status: number;
  body: { status?: string; code?: string; error?: { code: string; message: string } };
  requestId: string | null;
}

const answer = async (response: Response): Promise<Answer> => ({ status: response.status, body: (await response.json()) as Answer['body'], requestId: response.headers.get('x-request-id') });

/**
 * Signals in the workflow's history once no workflow task is pending: a signal that arrives
 * while a task runs is written to history only when that task completes, so an immediate
 * count could miss a signal the route did send.
 */
const signalCount = async (stack: PaymentStack, workflowId: string): Promise<number> => {
  const handle = stack.temporal.workflow.getHandle(workflowId);
  await eventually(async () => expect((await handle.describe()).raw.pendingWorkflowTask ?? null).toBeNull(), 30_000, 50);
  return ((await handle.fetchHistory()).events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).length;
};

describe('security: webhook refusals', () => {
  let capture: LogCapture;
  let stack: PaymentStack;
  let spruce: SpruceEmulator;

  beforeAll(async () => {
    capture = captureLogs('info');
    stack = await startPaymentStack({ reconcilePollMs: 3_600_000 });
    spruce = await startSpruceEmulator({ port: 0 });
  });

  afterAll(async () => {
    capture?.stop();
    // Leave no sync running on the shared dev server.
    const running = stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}" AND ExecutionStatus = "Running"` });
    for await (const execution of running) await stack.temporal.workflow.getHandle(execution.workflowId).terminate('test over').catch(() => undefined);
    await spruce?.stop();
    await stack?.stop();
  });

  describe('Moov (signature over timestamp|nonce|webhookID, body unsigned)', () => {
    let paymentId: string;
    let transferId: string;
    const post = async (headers: Record<string, string>, body: string) => answer(await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', headers, body }));
    /** The hint that would make the payment's workflow re-read its transfer. */
    const completed = (extra: Record<string, unknown> = {}, type = 'transfer.updated') => moovEventBody(type, { transferID: transferId, status: 'completed', foreignID: paymentId, ...extra });
    const signals = () => signalCount(stack, paymentWorkflowId(paymentId));
    const stored = async (body: string) => stack.db('webhook_events').where({ provider: 'moov', event_id: JSON.parse(body).eventID }).first();

    beforeAll(async () => {
      const customer = await payingCustomer(stack);
      // 93.00: the emulator keeps this ACH transfer `initiated`, so the payment stays open to signals.
      paymentId = await submitBankPayment(stack, customer, 93_00);
      await eventually(async () => {
        transferId = (await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id;
        expect(transferId).toBeTruthy();
      });
    });

    it('a correctly signed hint does reach the workflow (the control for every refusal below)', async () => {
      const before = await signals();
      const accepted = await post(moovWebhookHeaders({ secret: WEBHOOK_SECRET }), completed());
      expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect(await signals()).toBe(before + 1);
    });

    it('refuses a forged signature: 401 webhook_bad_signature, logged, no signal', async () => {
      const before = await signals();
      const body = completed();
      const forged = await post(moovWebhookHeaders({ secret: 'not-the-webhook-secret-at-all' }), body);
      expect(forged).toMatchObject({ status: 401, body: { error: { code: 'webhook_bad_signature' } } });
      expect(logsOfRequest(capture, forged.requestId)).toContainEqual(expect.objectContaining({ level: WARN, msg: 'moov webhook refused', webhook: 'moov', code: 'webhook_bad_signature', status: 401 }));

      // Headers lifted from a good request onto another webhook id fail the same way.
      const good = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      const moved = await post({ ...good, 'X-Webhook-ID': 'wh-other' }, completed());
      expect(moved).toMatchObject({ status: 401, body: { error: { code: 'webhook_bad_signature' } } });
      const unsigned = await post({ 'Content-Type': 'application/json' }, completed());
      expect(unsigned).toMatchObject({ status: 401, body: { error: { code: 'webhook_missing_headers' } } });
      expect(logsOfRequest(capture, unsigned.requestId)).toContainEqual(expect.objectContaining({ level: WARN, msg: 'moov webhook refused', code: 'webhook_missing_headers' }));

      expect(await signals()).toBe(before);
      expect(await stored(body)).toBeUndefined();
    });

    it('refuses a stale or future timestamp beyond five minutes: 401 webhook_stale, logged, no signal', async () => {
      const before = await signals();
      for (const timestamp of [nowSeconds() - 301, nowSeconds() + 310, new Date(Date.now() - 6 * 60_000).toISOString()]) {
        const body = completed();
        const stale = await post(moovWebhookHeaders({ secret: WEBHOOK_SECRET, timestamp: String(timestamp) }), body);
        expect(stale).toMatchObject({ status: 401, body: { error: { code: 'webhook_stale' } } });
        expect(logsOfRequest(capture, stale.requestId)).toContainEqual(expect.objectContaining({ level: WARN, msg: 'moov webhook refused', code: 'webhook_stale' }));
        expect(await stored(body)).toBeUndefined();
      }
      expect(await signals()).toBe(before);
    });

    it('refuses a replayed nonce even with a new event id and body: 401 webhook_replayed, logged, no signal', async () => {
      const before = await signals();
      const captured = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      expect(await post(captured, completed())).toMatchObject({ status: 200, body: { status: 'accepted' } });
      const remembered = await stack.db('webhook_nonces').where({ provider: 'moov', nonce: captured['X-Nonce'] }).first();
      expect(remembered.expires_at.getTime()).toBe((Number(captured['X-Timestamp']) + 300) * 1000);

      // The body is not signed: the same headers on a different event would pass the signature check.
      const replayBody = completed({ status: 'failed' });
      const replayed = await post(captured, replayBody);
      expect(replayed).toMatchObject({ status: 401, body: { error: { code: 'webhook_replayed' } } });
      expect(logsOfRequest(capture, replayed.requestId)).toContainEqual(expect.objectContaining({ level: WARN, msg: 'moov webhook refused', code: 'webhook_replayed', nonce: captured['X-Nonce'] }));
      expect(await stored(replayBody)).toBeUndefined();
      expect(await signals()).toBe(before + 1);
    });

    it('lets exactly one of concurrent copies of the same headers through', async () => {
      const before = await signals();
      const captured = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(captured, completed())));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      const refused = answers.filter((a) => a.status === 401);
      expect(refused).toHaveLength(5);
      for (const a of refused) expect(a.body.error?.code).toBe('webhook_replayed');
      expect(await signals()).toBe(before + 1);
    });

    it('refuses replayed headers whatever they first carried: a progress report, a malformed body', async () => {
      const progress = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      const pendingBody = completed({ status: 'pending' });
      expect(await post(progress, pendingBody)).toMatchObject({ status: 200, body: { status: 'progress_noted' } });
      expect(await stored(pendingBody)).toBeDefined();
      const afterProgress = completed({ status: 'pending' });
      expect(await post(progress, afterProgress)).toMatchObject({ status: 401, body: { error: { code: 'webhook_replayed' } } });
      expect(await stored(afterProgress)).toBeUndefined();

      const malformed = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      expect(await post(malformed, '{"not":"an event"}')).toMatchObject({ status: 400, body: { error: { code: 'webhook_malformed' } } });
      const afterMalformed = completed();
      expect(await post(malformed, afterMalformed)).toMatchObject({ status: 401, body: { error: { code: 'webhook_replayed' } } });
      expect(await stored(afterMalformed)).toBeUndefined();
    });

    it('ignores an event type it does not handle: 202 unknown_event_type, logged, no signal', async () => {
      const before = await signals();
      const unknown = await post(moovWebhookHeaders({ secret: WEBHOOK_SECRET }), completed({}, 'account.updated'));
      expect(unknown).toMatchObject({ status: 202, body: { status: 'ignored', code: 'unknown_event_type' } });
      expect(logsOfRequest(capture, unknown.requestId)).toContainEqual(expect.objectContaining({ level: INFO, code: 'unknown_event_type', type: 'account.updated' }));
      expect(await signals()).toBe(before);
    });

    it('refuses a body over 256 kB: 413 payload_too_large, logged, no signal, nonce left unused', async () => {
      const before = await signals();
      const headers = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
      const oversized = await post(headers, completed({ note: 'x'.repeat(300 * 1024) }));
      expect(oversized).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
      expect(logsOfRequest(capture, oversized.requestId)).toContainEqual(expect.objectContaining({ level: WARN, code: 'payload_too_large', status: 413, msg: expect.stringContaining('moov webhook refused') }));
      expect(await signals()).toBe(before);
      expect(await stack.db('webhook_nonces').where({ provider: 'moov', nonce: headers['X-Nonce'] }).first()).toBeUndefined();
    });

    it('prunes nonces once their timestamps have gone stale, and only those', async () => {
      const [old, live] = [`prune-${randomUUID()}`, `keep-${randomUUID()}`];
      await stack.db('webhook_nonces').insert([
        { provider: 'moov', nonce: old, expires_at: new Date(Date.now() - 1000) },
        { provider: 'moov', nonce: live, expires_at: new Date(Date.now() + 60_000) },
      ]);
      expect(await pruneWebhookNonces(stack.db)).toBeGreaterThanOrEqual(1);
      expect(await stack.db('webhook_nonces').whereIn('nonce', [old, live]).pluck('nonce')).toEqual([live]);
    });
  });

  describe('Spruce (signature over timestamp and body; delivery id in the signed body)', () => {
    let tenant: SpruceTenant;
    let forgedSeq = 0;
    const post = async (request: SpruceRequest) => answer(await fetch(`${stack.apiUrl}/webhooks/spruce`, { method: 'POST', headers: request.headers, body: request.body }));
    const signals = () => signalCount(stack, spruceSyncWorkflowId(tenant.dealerId));
    const cursor = async () => Number((await stack.db('sync_state').where({ dealer_id: tenant.dealerId }).first('cursor'))?.cursor ?? 0);
    const applied = (erpAccountId: string) => stack.db('customer_accounts').where({ dealer_id: tenant.dealerId, erp_account_id: erpAccountId }).first();
    const stored = (request: SpruceRequest) => stack.db('webhook_events').where({ provider: 'spruce', event_id: request.headers['spruce-delivery-id'] }).first();
    let template: SpruceChange;
    /** A change that continues the cursor but exists only in the request: applied, it would show. */
    const forgedChange = async (): Promise<SpruceChange> => {
      forgedSeq += 1;
      const id = `FORGED-${forgedSeq}`;
      return { ...template, seq: (await cursor()) + 1, id, data: { ...template.data, id, name: 'Forged Builders' } } as SpruceChange;
    };
    const expectUntouched = async (before: { signals: number; cursor: number }, request: SpruceRequest, erpAccountId: string) => {
      expect(await signals()).toBe(before.signals);
      expect(await stored(request)).toBeUndefined();
      expect(await cursor()).toBe(before.cursor);
      expect(await applied(erpAccountId)).toBeUndefined();
    };
    const snapshot = async () => ({ signals: await signals(), cursor: await cursor() });

    beforeAll(async () => {
      tenant = await spruceTenant(stack.db, spruce);
      template = await spruceAccountChange(spruce, tenant.tenantId, { id: 'A1', name: 'Webhook Builders' });
      // The control: a genuine delivery starts the dealer's sync and is applied.
      const accepted = await post(spruceDelivery(tenant, [template]));
      expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted' } });
      await eventually(async () => expect(await cursor()).toBe(template.seq), 60_000);
      expect(await applied('A1')).toBeDefined();
    });

    it('refuses a forged signature and a body swapped under good headers: 401 bad_signature, logged, nothing applied', async () => {
      const before = await snapshot();
      const change = await forgedChange();
      const forged = spruceDelivery(tenant, [change], { secret: 'whsec-not-the-tenant-secret' });
      const refused = await post(forged);
      expect(refused).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
      expect(logsOfRequest(capture, refused.requestId)).toContainEqual(expect.objectContaining({ level: WARN, webhook: 'spruce', code: 'bad_signature', status: 401, knownTenant: true }));
      await expectUntouched(before, forged, change.id);

      // Headers captured from a genuine delivery, carrying another body under the same delivery id.
      const genuine = spruceDelivery(tenant, [template]);
      const swapped = { headers: genuine.headers, body: spruceDelivery(tenant, [change], { deliveryId: genuine.headers['spruce-delivery-id'] }).body };
      expect(await post(swapped)).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
      await expectUntouched(before, swapped, change.id);
    });

    it('refuses a stale or future timestamp beyond 300 s: 401 stale_timestamp, logged, nothing applied', async () => {
      const before = await snapshot();
      const change = await forgedChange();
      for (const timestamp of [nowSeconds() - 301, nowSeconds() + 310]) {
        const stale = spruceDelivery(tenant, [change], { timestamp });
        const refused = await post(stale);
        expect(refused).toMatchObject({ status: 401, body: { error: { code: 'stale_timestamp' } } });
        expect(logsOfRequest(capture, refused.requestId)).toContainEqual(expect.objectContaining({ level: WARN, code: 'stale_timestamp', dealerId: tenant.dealerId }));
        await expectUntouched(before, stale, change.id);
      }
    });

    it('answers a replayed delivery 200 duplicate without acting on it again, logged; one of concurrent copies acts', async () => {
      const next = await spruceAccountChange(spruce, tenant.tenantId, { id: 'A2', name: 'Replay Builders' });
      const delivery = spruceDelivery(tenant, [next]);
      const before = await signals();
      expect(await post(delivery)).toMatchObject({ status: 200, body: { status: 'accepted' } });
      await eventually(async () => expect(await cursor()).toBe(next.seq), 60_000);
      expect(await signals()).toBe(before + 1);

      // Spruce's contract: a repeated delivery id is acknowledged (2xx) and not acted on.
      const replayed = await post(delivery);
      expect(replayed).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      expect(logsOfRequest(capture, replayed.requestId)).toContainEqual(expect.objectContaining({ level: INFO, code: 'duplicate', deliveryId: delivery.headers['spruce-delivery-id'] }));
      expect(await signals()).toBe(before + 1);

      const third = await spruceAccountChange(spruce, tenant.tenantId, { id: 'A3', name: 'Concurrent Builders' });
      const copies = spruceDelivery(tenant, [third]);
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(copies)));
      expect(answers.map((a) => a.body.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect(await stack.db('webhook_events').where({ provider: 'spruce', event_id: copies.headers['spruce-delivery-id'] })).toHaveLength(1);
      await eventually(async () => expect(await cursor()).toBe(third.seq), 60_000);
      expect(await signals()).toBe(before + 2);
    });

    it('ignores an event type it does not handle: 202 unknown_event_type, logged, nothing applied', async () => {
      const before = await snapshot();
      const change = await forgedChange();
      const unknown = spruceDelivery(tenant, [change], { type: 'changes.v2' });
      const ignored = await post(unknown);
      expect(ignored).toMatchObject({ status: 202, body: { status: 'ignored', code: 'unknown_event_type' } });
      expect(logsOfRequest(capture, ignored.requestId)).toContainEqual(expect.objectContaining({ level: WARN, code: 'unknown_event_type', type: 'changes.v2', dealerId: tenant.dealerId }));
      await expectUntouched(before, unknown, change.id);
    });

    it('refuses a body over 20 MB: 413 payload_too_large, logged, nothing applied', async () => {
      const before = await snapshot();
      const change = await forgedChange();
      const huge = spruceDelivery(tenant, [{ ...change, data: { ...change.data, address_line1: 'x'.repeat(20 * 1024 * 1024) } } as SpruceChange]);
      const refused = await post(huge);
      expect(refused).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
      expect(logsOfRequest(capture, refused.requestId)).toContainEqual(expect.objectContaining({ level: WARN, code: 'payload_too_large', webhook: 'spruce', msg: expect.stringContaining('spruce webhook refused') }));
      await expectUntouched(before, huge, change.id);
    });
  });
});
