import { randomUUID } from 'node:crypto';
import { paymentWorkflowId } from '../workflows/payment-definitions';
import { ensureTransferRecheckSchedule, recheckTransfersNow, TRANSFER_RECHECK_SCHEDULE_ID } from '../workflows/transfer-recheck-client';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from './support/payment-stack';

/**
 * The processor re-check under the webhooks: a late ACH return whose every webhook was lost is
 * still booked, once, by reading the transfer back; the webhook arriving afterwards changes
 * nothing; a payment whose window has passed is not read at all.
 */
jest.setTimeout(240_000);

describe('re-checking settled transfers at the processor', () => {
  let stack: PaymentStack;

  beforeAll(async () => {
    // Business days of a second, so a payment's first run (which still polls its transfer) closes within the test.
    stack = await startPaymentStack({ businessDayMs: 1_000 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const transferOf = async (paymentId: string) => (await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id as string;
  const audits = (paymentId: string, action: string) => stack.db('audit_events').where({ entity_id: paymentId, action }).count({ n: '*' }).then(([row]) => Number(row!.n));
  const reversedCents = async (paymentId: string) => {
    const lines = await stack.db('gl_posting_lines').where({ payment_id: paymentId, line_type: 'reversal' }).select('amount_cents');
    return lines.reduce((sum, line) => sum + Number(line.amount_cents), 0);
  };

  it('books a late R10 whose webhooks were all lost, once, and the webhook delivered afterwards changes nothing', async () => {
    const customer = await payingCustomer(stack);
    const paymentId = await submitBankPayment(stack, customer, 275_00);
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 60_000);
    // Its settlement posted (a file-based dealer's operator marks it so) and the return window over: the first run closes.
    let settlementId = '';
    await eventually(async () => {
      const line = await stack.db('gl_posting_lines').where({ payment_id: paymentId }).first('settlement_id');
      expect(line).toBeDefined();
      settlementId = line.settlement_id as string;
    }, 30_000);
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/categories/invoices/mark-posted`, {}).expect(200);
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).describe()).status.name).toBe('COMPLETED'), 60_000);

    // Our webhook endpoint "down" for longer than Moov retries: every delivery lost.
    // A return is several events (the transfer's status, its ACH details): lose them all.
    await stack.emulators.moov.admin.setWebhookFaults({ drop: 50 });
    const transferId = await transferOf(paymentId);
    await stack.emulators.moov.admin.returnTransfer(transferId, 'R10');
    await stack.emulators.moov.webhooksIdle();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stack.emulators.moov.admin.clearWebhookFaults();
    expect(await paymentStatus(stack.db, paymentId)).toBe('settled');

    const first = await recheckTransfersNow(stack.temporal, stack.taskQueue, randomUUID(), { dealerId: stack.dealerId });
    expect(first.signalled).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('returned'), 60_000);
    await eventually(async () => expect(await reversedCents(paymentId)).toBe(-275_00), 30_000);
    expect(await audits(paymentId, 'payment.transfer_rechecked')).toBe(1);
    expect(await audits(paymentId, 'payment.ach_returned')).toBe(1);
    // Booked by a follow-up run under the payment's own workflow id, as a late webhook would be.
    const runs: string[] = [];
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${paymentWorkflowId(paymentId)}'` })) runs.push(run.type);
    expect(runs.sort()).toEqual(['paymentAftermathWorkflow', 'paymentWorkflow']);

    // Nothing new at Moov: the next pass reads it again (the interval is not up, so it does not) and signals nothing.
    const second = await recheckTransfersNow(stack.temporal, stack.taskQueue, randomUUID(), { dealerId: stack.dealerId });
    expect(second.signalled).toBe(0);

    // The endpoint is back and Moov's webhooks arrive late: booked already, nothing changes.
    for (const event of await stack.emulators.moov.admin.events({ transferID: transferId })) await stack.emulators.moov.admin.redeliver(event.eventID);
    await stack.emulators.moov.webhooksIdle();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await paymentStatus(stack.db, paymentId)).toBe('returned');
    expect(await audits(paymentId, 'payment.ach_returned')).toBe(1);
    expect(await reversedCents(paymentId)).toBe(-275_00);
  });

  it('does not read back a payment whose money can no longer come back, nor one read within the interval', async () => {
    const customer = await payingCustomer(stack);
    const old = await submitBankPayment(stack, customer, 120_00);
    const recent = await submitBankPayment(stack, customer, 130_00);
    await eventually(async () => {
      expect(await paymentStatus(stack.db, old)).toBe('settled');
      expect(await paymentStatus(stack.db, recent)).toBe('settled');
    }, 60_000);
    // Settled 100 days ago: past the ACH window (75 days by default).
    await stack.db('payments').where({ id: old }).update({ settled_at: new Date(Date.now() - 100 * 24 * 60 * 60 * 1000) });

    await recheckTransfersNow(stack.temporal, stack.taskQueue, randomUUID(), { dealerId: stack.dealerId });
    const checked = await stack.db('transfer_rechecks').whereIn('payment_id', [old, recent]).select('payment_id', 'checked_at', 'fingerprint');
    expect(checked.map((row) => row.payment_id)).toEqual([recent]);
    expect(checked[0]!.fingerprint).toMatch(/^completed:/);

    await recheckTransfersNow(stack.temporal, stack.taskQueue, randomUUID(), { dealerId: stack.dealerId });
    const again = await stack.db('transfer_rechecks').where({ payment_id: recent }).first('checked_at');
    expect(again.checked_at.getTime()).toBe(checked[0]!.checked_at.getTime());
  });

  it('is one schedule for the cluster, every six hours by default, and its pass reads the payments due', async () => {
    expect(await ensureTransferRecheckSchedule(stack.temporal, stack.taskQueue, 6 * 60 * 60 * 1000)).toBe('created');
    expect(await ensureTransferRecheckSchedule(stack.temporal, stack.taskQueue, 6 * 60 * 60 * 1000)).toBe('existing');
    const handle = stack.temporal.schedule.getHandle(TRANSFER_RECHECK_SCHEDULE_ID);
    try {
      const described = await handle.describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 6 * 60 * 60 * 1000 })]);
      expect(described.policies.overlap).toBe('SKIP');

      const customer = await payingCustomer(stack);
      const paymentId = await submitBankPayment(stack, customer, 140_00);
      await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 60_000);
      await handle.trigger();
      // The schedule's pass covers every dealer in the shared test database, whose other transfers this Moov does not know: it reads past them.
      await eventually(async () => expect(await stack.db('transfer_rechecks').where({ payment_id: paymentId }).first()).toBeDefined(), 90_000);
    } finally {
      await handle.delete();
    }
  });
});
