import { randomUUID } from 'node:crypto';
import { createPaymentNoticeActivities } from '../activities/payment-notices';
import { logger } from '../runtime/logger';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, emailCount, startMailSink, waitForEmail } from './support/portal';

/**
 * The customer hears about their payment without asking: a confirmation at submission and a
 * notice at each outcome, sent by the payment workflow through the email outbox and read here
 * from the local SMTP sink the way the customer would read them.
 */
jest.setTimeout(120_000);

describe('customer payment emails', () => {
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  beforeAll(async () => {
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { SMTP_URL: sink.smtpUrl } });
  });
  afterAll(async () => {
    await stack.stop();
    await sink.stop();
  });

  const emailOf = async (customer: PayingCustomer) => (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;
  const numberOf = async (paymentId: string) => (await stack.db('payments').where({ id: paymentId }).first('number')).number as string;
  const waitForStatus = (paymentId: string, status: string) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), 30_000);

  async function submitCard(customer: PayingCustomer, cardId: string, amountCents: number): Promise<{ id: string; invoiceNumber: string }> {
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
    const response = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }] })
      .expect(201);
    return { id: response.body.payment.id, invoiceNumber: invoice.invoice_number };
  }

  it('confirms a card payment at submission and says when it has cleared, once each', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const to = await emailOf(customer);
    const { id, invoiceNumber } = await submitCard(customer, cardId, 1_234_56);
    const number = await numberOf(id);

    const received = await waitForEmail(sink, to, (m) => m.subject.startsWith(`Payment ${number} received`));
    expect(received.subject).toMatch(new RegExp(`^Payment ${number} received: \\$1,234\\.56 to `));
    expect(received.text).toContain('We have received your payment of $1,234.56');
    expect(received.text).toContain(`Payment: ${number}`);
    expect(received.text).toMatch(/From: .*····1111/);
    expect(received.text).toContain(`Invoice ${invoiceNumber}: $1,234.56`);
    expect(received.text).toContain('We will email you again when the payment has cleared');

    await waitForStatus(id, 'settled');
    const cleared = await waitForEmail(sink, to, (m) => m.subject.startsWith(`Payment ${number} has cleared`));
    expect(cleared.text).toContain('has cleared and is applied to the items below');
    expect(cleared.text).toContain('A receipt is available in the Payments portal');

    // One outbox row per event, each sent once, and nothing else to this customer.
    const rows = await stack.db('email_outbox').where({ dedupe_key: `payment:${id}:submitted` }).orWhere({ dedupe_key: `payment:${id}:settled` }).select('kind', 'status', 'attempts');
    expect(rows.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'payment_settled', status: 'sent', attempts: 1 },
      { kind: 'payment_submitted', status: 'sent', attempts: 1 },
    ]);
    expect(await emailCount(sink, to)).toBe(2);
  });

  it('says plainly when a card is declined that no money was taken', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const to = await emailOf(customer);
    const { id } = await submitCard(customer, cardId, 94_02); // emulator: do-not-honor
    const number = await numberOf(id);
    await waitForStatus(id, 'failed');
    const failed = await waitForEmail(sink, to, (m) => m.subject === `Payment ${number} did not go through`);
    expect(failed.text).toMatch(/did not go through \(.*honor.*\)\. No money was taken from your card\./i);
    expect(failed.text).toContain('These items are open again');
  });

  it('tells the customer a cancelled ACH payment took no money', async () => {
    const customer = await payingCustomer(stack);
    const to = await emailOf(customer);
    const id = await submitBankPayment(stack, customer, 93_00); // emulator: stays initiated, so cancellable
    const number = await numberOf(id);
    await eventually(async () => expect((await stack.db('payments').where({ id }).first()).moov_transfer_id).toBeTruthy());
    await stack.operator.send('post', `/api/operator/payments/${id}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    const cancelled = await waitForEmail(sink, to, (m) => m.subject === `Payment ${number} was cancelled`);
    expect(cancelled.text).toContain('before any money moved. Nothing was taken from your bank account.');
    // The operator's internal reason is not the customer's business.
    expect(cancelled.text).not.toContain('Customer asked to cancel');
  });

  it('tells the customer their bank returned an ACH payment and that the account cannot be used again', async () => {
    const customer = await payingCustomer(stack);
    const to = await emailOf(customer);
    const id = await submitBankPayment(stack, customer, 245_00);
    const number = await numberOf(id);
    await waitForStatus(id, 'settled');
    await stack.emulators.moov.admin.returnTransfer((await stack.db('payments').where({ id }).first()).moov_transfer_id, 'R02');
    await waitForStatus(id, 'returned');
    const returned = await waitForEmail(sink, to, (m) => m.subject === `Payment ${number} was returned by your bank`);
    expect(returned.text).toContain('(return code R02: account closed)');
    expect(returned.text).toContain('This bank account can no longer be used for payments.');
  });

  it('tells the customer a disputed card payment was refunded', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const to = await emailOf(customer);
    const { id } = await submitCard(customer, cardId, 310_00);
    const number = await numberOf(id);
    await waitForStatus(id, 'settled');
    // The read model says settled a moment before the workflow does.
    await eventually(async () => {
      await stack.operator.send('post', `/api/operator/payments/${id}/dispute`, { reason: 'Goods not delivered' }).expect(200);
    }, 20_000, 300);
    await stack.operator.send('post', `/api/operator/payments/${id}/resolve-dispute`, { reason: 'Refund agreed', outcome: 'refunded' }).expect(200);
    const refunded = await waitForEmail(sink, to, (m) => m.subject === `Payment ${number} has been refunded`);
    expect(refunded.text).toContain('refunded your payment of $310.00 to your card');
  });

  it('never sends the same notice twice when the activity is retried', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const to = await emailOf(customer);
    const { id } = await submitCard(customer, cardId, 57_00);
    const number = await numberOf(id);
    await waitForStatus(id, 'settled');
    await waitForEmail(sink, to, (m) => m.subject.startsWith(`Payment ${number} has cleared`));
    const { sendPaymentNotice } = createPaymentNoticeActivities({ db: stack.db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl }), temporal: stack.temporal, taskQueue: stack.taskQueue });
    const again = await sendPaymentNotice({ paymentId: id, event: 'settled' });
    const row = await stack.db('email_outbox').where({ dedupe_key: `payment:${id}:settled` }).first('id', 'attempts');
    expect(again.emailId).toBe(row.id);
    expect(row.attempts).toBe(1);
    expect(await emailCount(sink, to)).toBe(2);
  });
});
