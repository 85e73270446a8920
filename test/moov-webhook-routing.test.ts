import { randomUUID } from 'node:crypto';
import { signMoovWebhook } from '../integrations/moov-webhooks';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, WEBHOOK_SECRET, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice } from './support/portal';

/**
 * A transfer that clears at once can report before the workflow has stored its id. Such a
 * webhook must still reach the payment, through the transfer's foreignID (our payment id),
 * instead of waiting for the reconciliation poll (set here far beyond the test's patience).
 */
jest.setTimeout(120_000);

describe('Moov webhooks that arrive before the transfer id is stored', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ achBusinessDayMs: 0, reconcilePollMs: 3_600_000 });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const submit = async (customer: PayingCustomer, amountCents: number): Promise<string> => {
    const inv = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
    const response = await customer.session.agent
      .post('/api/portal/payments')
      .set('X-CSRF-Token', customer.session.csrfToken)
      .set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: inv.id }] })
      .expect(201);
    return response.body.payment.id;
  };

  const deliver = async (data: Record<string, unknown>) => {
    const nonce = randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ eventID: randomUUID(), type: 'transfer.updated', data, createdOn: new Date().toISOString() });
    const response = await fetch(`${stack.apiUrl}/webhooks/moov`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Webhook-ID': 'wh-early', 'X-Signature': signMoovWebhook(WEBHOOK_SECRET, { timestamp, nonce, webhookId: 'wh-early' }) },
    });
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
});
