import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createPaymentNoticeActivities } from '../activities/payment-notices';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, emailCount, startMailSink, waitForEmail } from './support/portal';
import { testDb } from './support/db';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from './support/settlements';

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

    // One outbox row per event, each sent once, and nothing else to this customer. The row is
    // marked sent after the mail server's answer, which can come a moment after the sink has the mail.
    await eventually(async () => {
      const rows = await stack.db('email_outbox').where({ dedupe_key: `payment:${id}:submitted` }).orWhere({ dedupe_key: `payment:${id}:settled` }).select('kind', 'status', 'attempts');
      expect(rows.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
        { kind: 'payment_settled', status: 'sent', attempts: 1 },
        { kind: 'payment_submitted', status: 'sent', attempts: 1 },
      ]);
    }, 15_000);
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

/**
 * Money taken back after a payment cleared (a chargeback lost, a refund): the notice names the
 * payment, says why in plain words, lists what is open again and links to paying it. Written
 * by the same activity the payment workflows call, read from the SMTP sink.
 */
describe('customer emails when money comes back after clearing', () => {
  let db: Db;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  const PUBLIC_URL = 'http://ar.example.test:8080';

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
  });
  afterAll(async () => {
    await sink.stop();
    await db.destroy();
  });

  async function settledCardPayment() {
    const dealer = await createSettlementDealer(db, null);
    const label = randomUUID().slice(0, 6);
    const book = await createCustomerBook(db, null, dealer, { invoices: [{ number: `CB-${label}-1`, amountCents: 700_00 }, { number: `CB-${label}-2`, amountCents: 300_00 }] }, label);
    const to = `ap-${label}@contractor.test`;
    await db('contacts').insert({ dealer_id: dealer.id, customer_account_id: book.accountId, erp_contact_id: `C-${label}`, name: 'Alex Payables', email: to, is_primary: true });
    await db('payment_methods').where({ id: book.paymentMethodId }).update({ kind: 'card', card_brand: 'Visa', last4: '4242' });
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: `CB-${label}-1`, amountCents: 700_00 }, { kind: 'invoice', number: `CB-${label}-2`, amountCents: 300_00 }], { method: 'card' });
    const applications = await db('payment_applications').where({ payment_id: payment.id }).orderBy('id').select('id', 'invoice_id', 'amount_cents');
    const notices = createPaymentNoticeActivities({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL }), temporal: undefined as unknown as Client, taskQueue: 'unused' });
    return { book, payment, applications, to, notices, numbers: [`CB-${label}-1`, `CB-${label}-2`] };
  }

  it('says a lost chargeback took the whole payment back, with the reason given, and links to paying both items', async () => {
    const { book, payment, applications, to, notices } = await settledCardPayment();
    const disputeId = `dispute-${randomUUID()}`;
    await db('payment_disputes').insert({ dealer_id: book.dealerId, payment_id: payment.id, processor_dispute_id: disputeId, amount_cents: 1_000_00, status: 'lost', network_reason: 'Merchandise not received' });
    const [reversal] = await db('payment_reversals').insert({ dealer_id: book.dealerId, payment_id: payment.id, kind: 'chargeback', source_id: disputeId, amount_cents: 1_000_00, reason: 'Chargeback lost' }).returning('id');
    await db('payment_reversal_items').insert(applications.map((application) => ({ reversal_id: reversal.id, application_id: application.id, amount_cents: application.amount_cents })));
    await notices.sendPaymentNotice({ paymentId: payment.id, event: 'charged_back' });
    const email = await waitForEmail(sink, to, (m) => m.subject === `Payment ${payment.number} was taken back by your card issuer`);
    expect(email.text).toContain('Your card issuer took back your payment of $1,000.00');
    expect(email.text).toContain('(a chargeback) (reason given: merchandise not received)');
    expect(email.text).toContain('Pay the open items:');
    expect(email.links).toContain(`${PUBLIC_URL}/portal/#/pay/${book.dealerId}?items=${applications.map((application) => application.invoice_id).join(',')}`);
    // Asked again (a retried activity), nothing new is sent.
    await notices.sendPaymentNotice({ paymentId: payment.id, event: 'charged_back' });
    expect(await emailCount(sink, to)).toBe(1);
  });

  it('gives each partial refund its own email naming the amount and what is open again', async () => {
    const { book, payment, applications, to, notices, numbers } = await settledCardPayment();
    for (const [index, amount] of [[0, 150_00], [1, 80_00]] as const) {
      const [reversal] = await db('payment_reversals').insert({ dealer_id: book.dealerId, payment_id: payment.id, kind: 'refund', source_id: `refund-${randomUUID()}`, amount_cents: amount, reason: 'Damaged boards' }).returning('id');
      await db('payment_reversal_items').insert({ reversal_id: reversal.id, application_id: applications[index]!.id, amount_cents: amount });
      await notices.sendPaymentNotice({ paymentId: payment.id, event: 'reversed_partly', reversalId: reversal.id });
    }
    const emails = (await (await fetch(`${sink.http.url}/api/messages?to=${encodeURIComponent(to)}`)).json()) as Array<{ subject: string; text: string; links: string[] }>;
    expect(emails.map((m) => m.subject)).toEqual([`Part of payment ${payment.number} has been refunded`, `Part of payment ${payment.number} has been refunded`]);
    const [second, first] = emails;
    expect(first!.text).toContain(`refunded $150.00 of your payment of $1,000.00 to your card`);
    expect(first!.text).toContain(`Open again:\n  Invoice ${numbers[0]}: $150.00`);
    expect(first!.links).toContain(`${PUBLIC_URL}/portal/#/pay/${book.dealerId}?items=${applications[0]!.invoice_id}`);
    expect(second!.text).toContain(`refunded $80.00 of your payment`);
    expect(second!.links).toContain(`${PUBLIC_URL}/portal/#/pay/${book.dealerId}?items=${applications[1]!.invoice_id}`);
    // The operator's reason for the refund is theirs, not the customer's.
    expect(first!.text).not.toContain('Damaged boards');
  });
});
