import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { Activities } from '../../activities';
import type { TransferOutcome, TransferSnapshot } from '../../integrations/payment-processor';
import {
  disputeUpdate, freezeUpdate, glPostedSignal, paymentStateQuery, processorEventSignal, releaseUpdate, resolveDisputeUpdate, terminateUpdate,
  type PaymentState, type PaymentTiming, type PaymentWorkflowInput,
} from '../../workflows/payment-definitions';
import type { paymentWorkflow } from '../../workflows/payment';
import { requiredEnv } from '../support/temporal';

/**
 * Every branch of the payment workflow against stand-in activities (jest.fn) on a real worker:
 * the workflow's own decisions (which activity, in what order, with what, and the state it
 * ends in), in seconds. The end-to-end tests (test/payment*.test.ts) run the same paths with
 * the real activities, the emulated processor and PostgreSQL.
 *
 * Runs on the suite's dev server with business days compressed through the workflow's timing
 * input; the time-skipping test server is used where it can be found (TEMPORAL_TEST_SERVER_PATH),
 * as it cannot be downloaded on every machine.
 */

/** A Monday: one business day later is one calendar day later. */
const SUBMITTED_ON = '2026-11-16';

type PaymentActivities = Pick<Activities,
  'submitTransfer' | 'refreshTransfer' | 'failPayment' | 'settlePayment' | 'flagForInvestigation' | 'freezePayment' | 'releasePayment'
  | 'terminatePayment' | 'disputePayment' | 'resolveDispute' | 'returnPayment' | 'joinSettlement' | 'sendPaymentNotice' | 'applyMoneyAfterSettlement' | 'sendReturnedPaymentFee' | 'releaseCreditHold'>;

/** What the processor says about the transfer when the workflow re-reads it. */
interface FakeProcessor {
  outcome: TransferOutcome;
  failureReason: string | null;
  returnCode: string | null;
}

interface Harness {
  processor: FakeProcessor;
  activities: { [K in keyof PaymentActivities]: jest.Mock };
  /** Activity names in the order the workflow called them (customer emails and the credit-hold check left out). */
  calls: string[];
  notices: () => string[];
}

function harness(): Harness {
  const processor: FakeProcessor = { outcome: 'pending', failureReason: null, returnCode: null };
  const calls: string[] = [];
  const fake = <T>(name: string, answer: (input: any) => T) => jest.fn(async (input: unknown) => {
    if (name !== 'sendPaymentNotice' && name !== 'releaseCreditHold') calls.push(name);
    return answer(input);
  });
  const snapshot = (): TransferSnapshot => ({ transferId: 'tr-1', outcome: processor.outcome, processorStatus: `moov:${processor.outcome}`, failureReason: processor.failureReason, returnCode: processor.returnCode, amountCents: 125_00 });
  const activities = {
    submitTransfer: fake('submitTransfer', () => ({ transferId: 'tr-1', processorStatus: 'moov:pending' })),
    refreshTransfer: fake('refreshTransfer', snapshot),
    failPayment: fake('failPayment', () => undefined),
    settlePayment: fake('settlePayment', () => ({ settledOn: SUBMITTED_ON })),
    flagForInvestigation: fake('flagForInvestigation', () => undefined),
    freezePayment: fake('freezePayment', () => ({ settlementId: null })),
    releasePayment: fake('releasePayment', () => undefined),
    terminatePayment: fake('terminatePayment', () => ({ processorStatus: 'moov:canceled' })),
    disputePayment: fake('disputePayment', () => undefined),
    resolveDispute: fake('resolveDispute', ({ outcome }: { outcome: 'upheld' | 'refunded' }) => ({ status: outcome === 'upheld' ? 'settled' : 'terminated' })),
    returnPayment: fake('returnPayment', () => undefined),
    joinSettlement: fake('joinSettlement', () => ({ settlementId: 'stl-1' })),
    sendPaymentNotice: fake('sendPaymentNotice', () => ({ emailId: null })),
    // Once settled the workflow reads transfer, disputes and refunds in one activity; a return is its only news here.
    applyMoneyAfterSettlement: fake('applyMoneyAfterSettlement', () => processor.outcome === 'returned'
      ? { status: 'returned', returnCode: processor.returnCode, open: false, changes: [{ status: 'returned', event: 'ach_returned', reason: processor.returnCode, notice: 'returned' }] }
      : { status: 'settled', returnCode: null, open: false, changes: [] }),
    sendReturnedPaymentFee: fake('sendReturnedPaymentFee', () => undefined),
    releaseCreditHold: fake('releaseCreditHold', () => ({ outcome: 'not_on_hold', erpStatus: 'none' })),
  };
  return { processor, activities, calls, notices: () => activities.sendPaymentNotice.mock.calls.map(([input]) => (input as { event: string }).event) };
}

interface Environment {
  client: Client;
  connection: NativeConnection;
  close(): Promise<void>;
}

async function devServer(): Promise<Environment> {
  const address = requiredEnv('TEMPORAL_ADDRESS');
  const clientConnection = await Connection.connect({ address, connectTimeout: '30s' });
  const connection = await NativeConnection.connect({ address });
  return { client: new Client({ connection: clientConnection, namespace: 'default' }), connection, close: async () => { await connection.close(); await clientConnection.close(); } };
}

function installQuietRuntime(): void {
  try {
    // Refused activities and failed updates are the point of some tests here, not news.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by another file in this worker process.
  }
}

/** Runs `body` with a worker serving the payment workflow with `h`'s activities. */
async function withWorker<T>(env: Environment, h: Harness, body: (start: (timing?: Partial<PaymentTiming>) => Promise<Handle>) => Promise<T>): Promise<T> {
  const taskQueue = `payment-workflow-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: requiredEnv('WORKFLOW_BUNDLE_PATH') },
    activities: h.activities,
  });
  return worker.runUntil(body(async (timing = {}) => {
    const input: PaymentWorkflowInput = {
      paymentId: randomUUID(), dealerId: randomUUID(), customerAccountId: randomUUID(), method: 'ach', amountCents: 125_00, submittedOn: SUBMITTED_ON,
      // Polling is slow unless a test wants it: events, not the clock, drive most of these.
      timing: { businessDayMs: 400, pendingInvestigationBusinessDays: 100, returnWindowBusinessDays: 1, reconcilePollMs: 60_000, ...timing },
    };
    return env.client.workflow.start<typeof paymentWorkflow>('paymentWorkflow', { taskQueue, workflowId: `payment-${input.paymentId}`, args: [input] });
  }));
}

type Handle = WorkflowHandle<typeof paymentWorkflow>;

async function stateWhen(handle: Handle, ready: (state: PaymentState) => boolean, timeoutMs = 30_000): Promise<PaymentState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(paymentStateQuery);
    if (ready(state)) return state;
    if (Date.now() > deadline) throw new Error(`payment state never became ready; last: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const processorEvent = (handle: Handle) => handle.signal(processorEventSignal, { eventId: randomUUID(), type: 'transfer.updated', transferId: 'tr-1' });
const operator = { actorId: 'op-1' };

describe('payment workflow, activities stubbed', () => {
  let env: Environment;
  beforeAll(async () => {
    installQuietRuntime();
    env = await devServer();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('settles once the processor reports the funds cleared, then ends when posted and the return window is over', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start();
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      h.processor.outcome = 'completed';
      await processorEvent(handle);
      const settled = await stateWhen(handle, (state) => state.status === 'settled' && state.settlementId !== null);
      expect(settled).toMatchObject({ status: 'settled', settlementId: 'stl-1', processorStatus: 'moov:completed', glPosted: false });
      // Posted to another settlement: not this payment's posting.
      await handle.signal(glPostedSignal, { settlementId: 'stl-other' });
      await handle.signal(glPostedSignal, { settlementId: 'stl-1' });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'settled', glPosted: true, settlementId: 'stl-1' });
      expect(result.history.map((entry) => entry.event)).toEqual(['submitted', 'processor_completed']);
    });
    expect(h.calls.slice(0, 4)).toEqual(['submitTransfer', 'refreshTransfer', 'settlePayment', 'joinSettlement']);
    // The return window is watched by re-reading the transfer, its disputes and refunds; nothing else happens.
    expect(new Set(h.calls.slice(4))).toEqual(new Set(['applyMoneyAfterSettlement']));
    expect(h.notices()).toEqual(['submitted', 'settled']);
  });

  it('fails when the processor reports a failure before the funds cleared', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start({ businessDayMs: 60_000 });
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      Object.assign(h.processor, { outcome: 'failed', failureReason: 'card declined' });
      await processorEvent(handle);
      expect(await handle.result()).toMatchObject({ status: 'failed', failureReason: 'card declined', settlementId: null });
    });
    expect(h.calls).toEqual(['submitTransfer', 'refreshTransfer', 'failPayment']);
    expect(h.activities.failPayment).toHaveBeenCalledWith(expect.objectContaining({ reason: 'card declined', returnCode: null }));
    expect(h.notices()).toEqual(['submitted', 'failed']);
  });

  it('finds the outcome by polling when the processor event is lost, and flags a payment pending past its deadline once', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start({ businessDayMs: 300, pendingInvestigationBusinessDays: 1, reconcilePollMs: 100 });
      const flagged = await stateWhen(handle, (state) => state.needsInvestigation);
      expect(flagged.status).toBe('pending');
      // Still polling after the flag, without flagging again; no event is ever sent.
      const polls = h.activities.refreshTransfer.mock.calls.length;
      await until(() => h.activities.refreshTransfer.mock.calls.length > polls + 1);
      h.processor.outcome = 'completed';
      await stateWhen(handle, (state) => state.status === 'settled');
      await handle.signal(glPostedSignal, { settlementId: 'stl-1' });
      expect(await handle.result()).toMatchObject({ status: 'settled', needsInvestigation: true });
    });
    expect(h.activities.flagForInvestigation).toHaveBeenCalledTimes(1);
    expect(h.calls.indexOf('flagForInvestigation')).toBeLessThan(h.calls.indexOf('settlePayment'));
  });

  it('freezes (with a reason only), releases back to pending, and settles once cleared', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start();
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      await expect(handle.executeUpdate(freezeUpdate, { args: [{ ...operator, reason: '  ' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect(h.activities.freezePayment).not.toHaveBeenCalled();

      const frozen = await handle.executeUpdate(freezeUpdate, { args: [{ ...operator, reason: 'Checking remittance' }] });
      expect(frozen).toMatchObject({ status: 'frozen', heldAfterClearing: false });
      // Cleared while frozen: acknowledged, but it stays frozen until released.
      h.processor.outcome = 'completed';
      await processorEvent(handle);
      expect(await stateWhen(handle, (state) => state.heldAfterClearing)).toMatchObject({ status: 'frozen' });
      expect(h.activities.settlePayment).not.toHaveBeenCalled();

      expect(await handle.executeUpdate(releaseUpdate, { args: [operator] })).toMatchObject({ status: 'pending' });
      await stateWhen(handle, (state) => state.status === 'settled');
      await handle.signal(glPostedSignal, { settlementId: 'stl-1' });
      const result = await handle.result();
      expect(result.history.map((entry) => [entry.status, entry.event])).toEqual([['pending', 'submitted'], ['frozen', 'freeze'], ['pending', 'release'], ['settled', 'processor_completed']]);
    });
    expect(h.activities.freezePayment).toHaveBeenCalledWith({ paymentId: expect.any(String), actorId: 'op-1', reason: 'Checking remittance' });
    expect(h.activities.releasePayment).toHaveBeenCalledWith(expect.objectContaining({ to: 'pending' }));
    expect(h.calls.slice(0, 6)).toEqual(['submitTransfer', 'freezePayment', 'refreshTransfer', 'releasePayment', 'settlePayment', 'joinSettlement']);
  });

  it('terminates a frozen payment and tells the customer', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start();
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      await handle.executeUpdate(freezeUpdate, { args: [{ ...operator, reason: 'Duplicate' }] });
      await expect(handle.executeUpdate(terminateUpdate, { args: [operator] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect(await handle.executeUpdate(terminateUpdate, { args: [{ ...operator, reason: 'Customer asked to cancel' }] })).toMatchObject({ status: 'terminated', processorStatus: 'moov:canceled' });
      expect(await handle.result()).toMatchObject({ status: 'terminated', settlementId: null });
    });
    expect(h.calls).toEqual(['submitTransfer', 'freezePayment', 'terminatePayment']);
    expect(h.activities.terminatePayment).toHaveBeenCalledWith(expect.objectContaining({ reason: 'Customer asked to cancel', afterClearing: false }));
    expect(h.notices()).toEqual(['submitted', 'terminated']);
  });

  it('disputes a settled payment and refunds it on resolution', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start();
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      h.processor.outcome = 'completed';
      await processorEvent(handle);
      await stateWhen(handle, (state) => state.status === 'settled');
      await expect(handle.executeUpdate(resolveDisputeUpdate, { args: [{ ...operator, outcome: 'refunded' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect(await handle.executeUpdate(disputeUpdate, { args: [{ ...operator, reason: 'Goods not delivered' }] })).toMatchObject({ status: 'disputed' });
      expect(await handle.executeUpdate(resolveDisputeUpdate, { args: [{ ...operator, reason: 'Refund agreed', outcome: 'refunded' }] })).toMatchObject({ status: 'terminated' });
      const result = await handle.result();
      expect(result.history.map((entry) => entry.event)).toEqual(['submitted', 'processor_completed', 'dispute', 'dispute_refunded']);
    });
    expect(h.activities.resolveDispute).toHaveBeenCalledTimes(1);
    expect(h.activities.resolveDispute).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'refunded', reason: 'Refund agreed' }));
    expect(h.notices()).toEqual(['submitted', 'settled', 'refunded']);
  });

  it('keeps a disputed payment settled when the dispute is upheld', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start();
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      h.processor.outcome = 'completed';
      await processorEvent(handle);
      await stateWhen(handle, (state) => state.status === 'settled');
      await handle.executeUpdate(disputeUpdate, { args: [{ ...operator, reason: 'Short delivery' }] });
      expect(await handle.executeUpdate(resolveDisputeUpdate, { args: [{ ...operator, outcome: 'upheld' }] })).toMatchObject({ status: 'settled' });
      await handle.signal(glPostedSignal, { settlementId: 'stl-1' });
      expect(await handle.result()).toMatchObject({ status: 'settled', glPosted: true });
    });
    expect(h.notices()).toEqual(['submitted', 'settled']);
  });

  it('returns a settled ACH payment the bank sends back within the return window', async () => {
    const h = harness();
    await withWorker(env, h, async (start) => {
      const handle = await start({ businessDayMs: 60_000 });
      await stateWhen(handle, (state) => state.transferId === 'tr-1');
      h.processor.outcome = 'completed';
      await processorEvent(handle);
      await stateWhen(handle, (state) => state.status === 'settled');
      Object.assign(h.processor, { outcome: 'returned', returnCode: 'R02' });
      await processorEvent(handle);
      expect(await handle.result()).toMatchObject({ status: 'returned', returnCode: 'R02' });
    });
    // A returned payment's fee goes to Spruce (a no-op when the dealer charges none).
    expect(h.calls).toEqual(['submitTransfer', 'refreshTransfer', 'settlePayment', 'joinSettlement', 'applyMoneyAfterSettlement', 'sendReturnedPaymentFee']);
    expect(h.activities.failPayment).not.toHaveBeenCalled();
    expect(h.notices()).toEqual(['submitted', 'settled', 'returned']);
  });
});

/**
 * With real business days (24 hours each), only a server that skips time finishes in seconds:
 * the stale-pending flag after three business days and a five-day return window.
 */
const timeSkippingServer = process.env.TEMPORAL_TEST_SERVER_PATH;
(timeSkippingServer ? describe : describe.skip)('payment workflow on real business days, time skipped', () => {
  let testEnv: TestWorkflowEnvironment;
  beforeAll(async () => {
    installQuietRuntime();
    testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: timeSkippingServer! } } });
  });
  afterAll(async () => {
    await testEnv?.teardown();
  });

  it('flags a payment still pending after three business days, then settles and waits out five', async () => {
    const h = harness();
    const env: Environment = { client: testEnv.client, connection: testEnv.nativeConnection, close: async () => undefined };
    await withWorker(env, h, async (start) => {
      const handle = await start({ businessDayMs: 24 * 3_600_000, pendingInvestigationBusinessDays: 3, returnWindowBusinessDays: 5, reconcilePollMs: 3_600_000 });
      await testEnv.sleep('4 days');
      expect(await handle.query(paymentStateQuery)).toMatchObject({ status: 'pending', needsInvestigation: true });
      h.processor.outcome = 'completed';
      await testEnv.sleep('2 hours');
      await handle.signal(glPostedSignal, { settlementId: 'stl-1' });
      expect(await handle.result()).toMatchObject({ status: 'settled', needsInvestigation: true });
    });
    expect(h.activities.flagForInvestigation).toHaveBeenCalledTimes(1);
  });
});
