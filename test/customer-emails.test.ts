import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createPaymentNoticeActivities } from '../activities/payment-notices';
import type { Db } from '../db/connection';
import { queueEmail } from '../db/email-outbox';
import { createMailer } from '../integrations/mailer';
import { logger } from '../runtime/logger';
import { relayDueEmails } from '../services/email-relay';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { startMailSink, waitForEmail } from './support/portal';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook } from './support/settlements';

/**
 * The console's view of the mail a customer was sent: GET /api/operator/customers/:id/emails
 * lists what the outbox holds for the account (payment notices, receipts, invitations), newest
 * first, with whether it went out and what the SMTP server answered, for the operator's own
 * dealer only. The notices themselves are read from the SMTP sink.
 */
jest.setTimeout(60_000);

describe('GET /api/operator/customers/:id/emails', () => {
  let db: Db;
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let operator: SignedIn;
  let book: CustomerBook;
  let otherBook: CustomerBook;
  const PUBLIC_URL = 'http://ar.example.test:8080';
  const MAIL_FROM = 'Drypowder Payments <payments@drypowder.local>';

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    app = await startOperatorApp(db, { PUBLIC_URL, SMTP_URL: sink.smtpUrl });
    const dealer = await createSettlementDealer(db, null);
    book = await createCustomerBook(db, null, dealer, { invoices: [{ number: `INV-${randomUUID().slice(0, 6)}-A`, amountCents: 300_00 }, { number: `INV-${randomUUID().slice(0, 6)}-B`, amountCents: 200_00 }] });
    operator = await signIn(app.app, (await createOperator(db, dealer.id, { role: 'ar_operator' })).email);
    const otherDealer = await createSettlementDealer(db, null);
    otherBook = await createCustomerBook(db, null, otherDealer, { invoices: [{ number: `INV-${randomUUID().slice(0, 6)}-Z`, amountCents: 100_00 }] });
  });
  afterAll(async () => {
    await app.close();
    await sink.stop();
    await db.destroy();
  });

  const listOf = (accountId: string, range?: [number, number]) =>
    operator.get(`/api/operator/customers/${accountId}/emails${range ? `?range=${encodeURIComponent(JSON.stringify(range))}` : ''}`);

  const contacts = new Map<string, string>();
  async function primaryContact(customer: CustomerBook): Promise<string> {
    const known = contacts.get(customer.accountId);
    if (known) return known;
    const email = `ap-${randomUUID().slice(0, 8)}@contractor.test`;
    await db('contacts').insert({ dealer_id: customer.dealerId, customer_account_id: customer.accountId, erp_contact_id: `C-${randomUUID().slice(0, 8)}`, name: 'Alex Payables', email, is_primary: true });
    contacts.set(customer.accountId, email);
    return email;
  }

  it('lists the payment notices and other mail of the customer, newest first, with delivery status and the SMTP answer', async () => {
    const to = await primaryContact(book);
    const [first, second] = [...book.invoiceIds.keys()];
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: first!, amountCents: 300_00 }, { kind: 'invoice', number: second!, amountCents: 200_00 }]);
    const notices = createPaymentNoticeActivities({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL }), temporal: undefined as unknown as Client, taskQueue: 'unused' });

    // A partial chargeback lost: 120.00 of invoice A taken back.
    const [application] = await db('payment_applications').where({ payment_id: payment.id, invoice_id: book.invoiceIds.get(first!) }).select('id');
    const [reversal] = await db('payment_reversals').insert({ dealer_id: book.dealerId, payment_id: payment.id, kind: 'chargeback', source_id: `dispute-${randomUUID()}`, amount_cents: 120_00, reason: 'Chargeback lost' }).returning('id');
    await db('payment_reversal_items').insert({ reversal_id: reversal.id, application_id: application.id, amount_cents: 120_00 });
    await notices.sendPaymentNotice({ paymentId: payment.id, event: 'reversed_partly' });
    const partly = await waitForEmail(sink, to, (m) => m.subject === `Part of payment ${payment.number} was taken back by your card issuer`);
    expect(partly.text).toContain('took back $120.00 of your payment of $500.00');
    expect(partly.text).toMatch(new RegExp(`Open again:\\n  Invoice ${first}: \\$120\\.00`));
    expect(partly.links).toContain(`${PUBLIC_URL}/portal/#/pay/${book.dealerId}?items=${book.invoiceIds.get(first!)}`);

    // An email the server keeps refusing to take is still listed, with why.
    const failingId = await queueEmail(db, { dealerId: book.dealerId, kind: 'payment_receipt', to, subject: 'Receipt that could not go', text: 'x', dedupeKey: `test:${randomUUID()}`, customerAccountId: book.accountId, paymentId: payment.id });
    const down = createMailer({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM });
    try {
      await relayDueEmails(db, down, { ids: [failingId] });
    } finally {
      down.close();
    }
    // Another customer's mail at the same dealer is not this customer's.
    await queueEmail(db, { dealerId: book.dealerId, kind: 'payment_alert', to: 'ops@dealer.test', subject: 'Operator alert, not customer mail', text: 'x', dedupeKey: `test:${randomUUID()}`, paymentId: payment.id });

    const response = await listOf(book.accountId).expect(200);
    expect(response.headers['content-range']).toBe('emails 0-1/2');
    expect(response.body).toEqual([
      {
        id: failingId, kind: 'payment_receipt', to, subject: 'Receipt that could not go', status: 'queued', attempts: 1,
        lastError: expect.stringMatching(/ECONNREFUSED|connect/i), smtpAnswer: null, paymentId: payment.id, reminderRules: null, queuedAt: expect.any(String), sentAt: null,
      },
      {
        id: expect.any(String), kind: 'payment_reversed_partly', to, subject: partly.subject, status: 'sent', attempts: 1,
        lastError: null, smtpAnswer: expect.stringMatching(/^250\b/), paymentId: payment.id, reminderRules: null, queuedAt: expect.any(String), sentAt: expect.any(String),
      },
    ]);
    expect(Date.parse(response.body[0].queuedAt)).toBeGreaterThanOrEqual(Date.parse(response.body[1].queuedAt));
  });

  it('names the return in plain words and links to paying every item it reopened', async () => {
    const to = await primaryContact(book);
    const [first, second] = [...book.invoiceIds.keys()];
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: first!, amountCents: 10_00 }, { kind: 'invoice', number: second!, amountCents: 20_00 }]);
    await db('payments').where({ id: payment.id }).update({ status: 'returned', return_code: 'R01' });
    const notices = createPaymentNoticeActivities({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL }), temporal: undefined as unknown as Client, taskQueue: 'unused' });
    await notices.sendPaymentNotice({ paymentId: payment.id, event: 'returned' });
    const returned = await waitForEmail(sink, to, (m) => m.subject === `Payment ${payment.number} was returned by your bank`);
    expect(returned.text).toContain('(return code R01: insufficient funds)');
    expect(returned.links).toContain(`${PUBLIC_URL}/portal/#/pay/${book.dealerId}?items=${book.invoiceIds.get(first!)},${book.invoiceIds.get(second!)}`);
    const listed = await listOf(book.accountId, [0, 0]).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ kind: 'payment_returned', subject: returned.subject, status: 'sent' })]);
  });

  it('pages with range and counts every email of the customer', async () => {
    const total = Number((await db('email_outbox').where({ customer_account_id: book.accountId }).count({ n: '*' }).first())?.n);
    const firstPage = await listOf(book.accountId, [0, 0]).expect(200);
    const secondPage = await listOf(book.accountId, [1, 1]).expect(200);
    expect(firstPage.headers['content-range']).toBe(`emails 0-0/${total}`);
    expect(secondPage.headers['content-range']).toBe(`emails 1-1/${total}`);
    expect(firstPage.body[0].id).not.toBe(secondPage.body[0].id);
  });

  it('answers 404 for another dealer\'s customer and for an id that is not one, and refuses another order', async () => {
    await queueEmail(db, { dealerId: otherBook.dealerId, kind: 'payment_submitted', to: 'secret@other.test', subject: 'Other dealer mail', text: 'x', dedupeKey: `test:${randomUUID()}`, customerAccountId: otherBook.accountId });
    const foreign = await listOf(otherBook.accountId).expect(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect(JSON.stringify(foreign.body)).not.toContain('secret@other.test');
    await operator.get('/api/operator/customers/not-an-id/emails').expect(404);
    await operator.get(`/api/operator/customers/${randomUUID()}/emails`).expect(404);
    const badSort = await operator.get(`/api/operator/customers/${book.accountId}/emails?sort=${encodeURIComponent('["subject","ASC"]')}`).expect(400);
    expect(badSort.body.error.code).toBe('invalid_list_params');
    const badFilter = await operator.get(`/api/operator/customers/${book.accountId}/emails?filter=${encodeURIComponent('{"status":"sent"}')}`).expect(400);
    expect(badFilter.body.error.code).toBe('invalid_filter');
  });
});
