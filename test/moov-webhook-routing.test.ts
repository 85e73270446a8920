import { randomUUID } from 'node:crypto';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, WEBHOOK_SECRET, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { moovEventBody, moovWebhookHeaders } from './support/webhooks';

/**
 * Which Moov webhooks wake a payment workflow. A transfer that clears at once can report
 * before the workflow has stored its id: such a webhook must still reach the payment, through
 * the transfer's foreignID (our payment id), instead of waiting for the reconciliation poll
 * (set here far beyond the test's patience). A leg's progress report wakes nobody.
 */
jest.setTimeout(120_000);

describe('Moov webhooks reaching payment workflows', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ achBusinessDayMs: 0, reconcilePollMs: 3_600_000 });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const submit = (customer: PayingCustomer, amountCents: number) => submitBankPayment(stack, customer, amountCents);

  const deliver = async (data: Record<string, unknown>, type = 'transfer.updated') => {
    const response = await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', body: moovEventBody(type, data), headers: moovWebhookHeaders({ secret: WEBHOOK_SECRET }) });
    return (await response.json()) as { status: string };
  };

  it('signals the payment named by the foreign id while it has no transfer yet, and the payment settles without the poll', async () => {
    const customer = await payingCustomer(stack);
    await stack.stopWorker();
    let paymentId: string;
    try {
      paymentId = await submit(customer, 412_00);
      expect((await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id).toBeNull();
      expect(await deliver({ transferID: `tr-${randomUUID()}`, status: 'completed', foreignID: paymentId })).toEqual({ status: 'accepted' });
    } finally {
      await stack.startWorker();
    }
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 60_000);
  });

  it('ignores a foreign id whose payment already has another transfer, or that is not a payment id', async () => {
    const customer = await payingCustomer(stack);
    const paymentId = await submit(customer, 413_00);
    await eventually(async () => expect((await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id).toBeTruthy());
    expect(await deliver({ transferID: `tr-${randomUUID()}`, status: 'completed', foreignID: paymentId })).toEqual({ status: 'no_payment' });
    expect(await deliver({ transferID: `tr-${randomUUID()}`, status: 'completed', foreignID: 'not-a-payment' })).toEqual({ status: 'no_payment' });
  });

  it('records a leg progress report without waking the workflow, and wakes it for a leg return', async () => {
    const customer = await payingCustomer(stack);
    const paymentId = await submit(customer, 93_00); // emulator: the ACH transfer stays initiated until told
    const transferId = await (async () => {
      for (;;) {
        const row = await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id');
        if (row.moov_transfer_id) return row.moov_transfer_id as string;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const signals = async () => ((await stack.temporal.workflow.getHandle(`payment-${paymentId}`).fetchHistory()).events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).length;
    const before = await signals();
    for (const status of ['pending', 'source.initiated', 'source.originated', 'source.completed']) {
      expect(await deliver({ transferID: transferId, status, foreignID: paymentId })).toEqual({ status: 'progress_noted' });
    }
    expect(await deliver({ transferID: transferId, status: 'created', foreignID: paymentId }, 'transfer.created')).toEqual({ status: 'progress_noted' });
    expect(await signals()).toBe(before);
    expect(await deliver({ transferID: transferId, status: 'source.returned', foreignID: paymentId })).toEqual({ status: 'accepted' });
    await eventually(async () => expect(await signals()).toBe(before + 1));
    expect(await paymentStatus(stack.db, paymentId)).toBe('pending');
  });
});
