import type request from 'supertest';
import { CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { addDays, localDate } from '../domain/dates';
import { clearRelinkForItem, requireRelinkForItem } from '../db/payment-methods';
import { createEnrolment } from '../db/autopay';
import { startEmailRelay } from '../worker/duties';
import { startUnstartedAutopay } from '../workflows/autopay-client';
import { testConfig } from './support/config';
import { randomUUID } from 'node:crypto';
import { eventually } from './support/eventually';
import { pdfText } from './support/pdf-text';
import { localDateTime } from '../domain/dates';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createCustomerAccount, createInvoice, createPortalCustomer, signInCustomer, startMailSink, waitForEmail } from './support/portal';

/**
 * Autopay through the portal and console APIs, on the real worker and the Moov emulator, with
 * calendar days compressed (CALENDAR_DAY_MS): an enrolment records its recurring authorization,
 * notices a statement's debit days ahead, pays it on its discount date with the discount, stops
 * to ask above its maximum, and stops for good when cancelled or suspended.
 */
const DAY_MS = 1_500;
jest.setTimeout(180_000);

const pdf = (test: request.Test) => test.buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
});
const pdfWords = (body: unknown) => pdfText(body as Buffer).join(' ').replace(/\s+/g, ' ');

describe('autopay', () => {
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let today: string;
  let stopRelay: () => void;

  beforeAll(async () => {
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { CALENDAR_DAY_MS: String(DAY_MS) } });
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
    today = localDate(new Date(), 'America/Chicago');
  });
  afterAll(async () => {
    stopRelay();
    await stack.stop();
    await sink.stop();
  });

  /** An open statement of `cents` (one invoice) with its discount and dates, days from today. */
  async function statement(customer: PayingCustomer, cents: number, fields: { discountCents?: number; discountInDays?: number; dueInDays: number }) {
    const number = `ST-${customer.accountId.slice(0, 8)}`;
    const [row] = await stack.db('statements').insert({
      dealer_id: stack.dealerId, customer_account_id: customer.accountId, statement_number: number, statement_date: today, balance_cents: cents,
      discount_cents: fields.discountCents ?? 0, discount_date: fields.discountInDays === undefined ? null : addDays(today, fields.discountInDays), due_date: addDays(today, fields.dueInDays),
    }).returning('id');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: cents, dueDate: addDays(today, fields.dueInDays), statementId: row.id });
    return { id: row.id as string, number, invoice };
  }
  const enrolment = (customer: PayingCustomer, fields: Record<string, unknown> = {}) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, rule: 'statement_discount_date',
    noticeDays: 2, accountHolderType: 'business', achAuthorizationVersion: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION, ...fields,
  });
  const enrol = (customer: PayingCustomer, body: unknown) => customer.session.agent.post('/api/portal/autopay')
    .set('X-CSRF-Token', customer.session.csrfToken).set('User-Agent', 'autopay-test-browser/1.0').send(body as object);
  const emailOf = async (customer: PayingCustomer) => (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;

  it('refuses an enrolment without the account type or the authorization it needs, naming the field', async () => {
    const customer = await payingCustomer(stack);
    const noType = await enrol(customer, { ...enrolment(customer), accountHolderType: undefined }).expect(400);
    expect(noType.body.error).toMatchObject({ code: 'account_holder_type_required', message: expect.stringContaining('accountHolderType') });
    expect((await enrol(customer, { ...enrolment(customer), achAuthorizationVersion: undefined }).expect(400)).body.error.code).toBe('ach_authorization_required');
    expect((await enrol(customer, enrolment(customer, { achAuthorizationVersion: 'ach-debit-2026-12' })).expect(400)).body.error.code).toBe('ach_authorization_unknown');
    expect((await enrol(customer, enrolment(customer, { rule: 'invoice_before_due' })).expect(400)).body.error.message).toContain('daysBeforeDue');
    expect((await enrol(customer, enrolment(customer, { maxAmountCents: 10.5 })).expect(400)).body.error.message).toContain('maxAmountCents');
    expect(await stack.db('autopay_enrolments').where({ company_id: customer.companyId })).toEqual([]);
  });

  it('pays a statement on its discount date with the discount, after a notice, under the recorded authorization', async () => {
    const customer = await payingCustomer(stack);
    const st = await statement(customer, 50_000, { discountCents: 1_000, discountInDays: 4, dueInDays: 20 });

    const preview = await customer.session.send('post', '/api/portal/autopay/preview', enrolment(customer, { maxAmountCents: 60_000 })).expect(200);
    expect(preview.body.achAuthorization.version).toBe(CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION);
    expect(preview.body.achAuthorization.text).toContain('recurring ACH debits');
    expect(preview.body.achAuthorization.text).toContain('never more than $600.00');
    expect(preview.body.achAuthorization.text).toContain('cancel this authorization');

    const created = await enrol(customer, enrolment(customer, { maxAmountCents: 60_000 })).expect(201);
    expect(created.body).toMatchObject({ status: 'active', rule: 'statement_discount_date', maxAmountCents: 60_000, accountHolderType: 'business', authorizationVersion: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION });
    const stored = await stack.db('autopay_enrolments').where({ id: created.body.id }).first();
    expect(stored).toMatchObject({ authorized_user_agent: 'autopay-test-browser/1.0', authorized_ip: expect.stringMatching(/\d/), account_mask: expect.stringMatching(/^····\d{4}$/) });
    expect(stored.authorization_text).toBe(preview.body.achAuthorization.text);
    // A second enrolment on the same account would debit the statement twice.
    expect((await enrol(customer, enrolment(customer)).expect(409)).body.error.code).toBe('autopay_already_enrolled');

    const to = await emailOf(customer);
    const notice = await waitForEmail(sink, to, (message) => /Autopay will debit/.test(message.subject ?? ''), 60_000);
    expect(notice.subject).toBe(`Autopay will debit $490.00 on ${addDays(today, 4)}`);
    expect(notice.text).toContain(st.invoice.invoice_number);
    expect(notice.text).toContain('discount of $10.00');
    // The notice went out before the debit was made.
    expect(await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` })).toEqual([]);

    let paymentId = '';
    await eventually(async () => {
      const payment = await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` }).first();
      expect(payment).toBeDefined();
      paymentId = payment.id;
    }, 60_000);
    const payment = await stack.db('payments').where({ id: paymentId }).first('amount_cents', 'discount_cents', 'statement_id', 'source_view', 'ach_authorization_version', 'ach_authorization_text');
    expect(payment).toEqual({
      amount_cents: 49_000, discount_cents: 1_000, statement_id: st.id, source_view: 'current_statement',
      ach_authorization_version: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION, ach_authorization_text: stored.authorization_text,
    });
    const noticedAt = (await stack.db('autopay_cycles').where({ enrolment_id: created.body.id }).first('noticed_at')).noticed_at;
    const paidAt = (await stack.db('payments').where({ id: paymentId }).first('created_at')).created_at;
    expect(new Date(noticedAt).getTime()).toBeLessThan(new Date(paidAt).getTime() - DAY_MS);
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 60_000);

    const listed = await customer.session.get('/api/portal/autopay').expect(200);
    expect(listed.body.enrolments).toEqual([expect.objectContaining({ id: created.body.id, status: 'active', lastPaymentId: paymentId })]);

    // The authorization as a document, for the customer and the dealer's operator alike.
    const document = await pdf(customer.session.get(`/api/portal/autopay/${created.body.id}/authorization.pdf`)).expect(200);
    expect(document.headers['content-type']).toBe('application/pdf');
    const text = pdfWords(document.body);
    for (const expected of ['RECURRING PAYMENT AUTHORIZATION', to, 'autopay-test-browser/1.0', stored.account_mask, 'business', CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION, 'never more than $600.00']) expect(text).toContain(expected);
    // When it was given, in the dealer's zone for people and as the exact instant for the record.
    const dealerZone = (await stack.db('dealers').where({ id: stack.dealerId }).first('time_zone')).time_zone as string;
    const authorizedAt = new Date(stored.authorized_at);
    expect(text).toContain(`Authorized at: ${localDateTime(authorizedAt, dealerZone)} (${authorizedAt.toISOString()})`);
    const operatorPdf = await pdf(stack.operator.get(`/api/operator/autopay/${created.body.id}/authorization.pdf`)).expect(200);
    expect(pdfWords(operatorPdf.body)).toContain(stored.authorized_ip);
    const audit = await stack.db('audit_events').where({ entity_type: 'autopay_enrolment', entity_id: created.body.id }).pluck('action');
    expect(audit).toContain('autopay.enrolled');
  });

  it('asks the customer instead of debiting above the maximum, and pays once they raise it', async () => {
    const customer = await payingCustomer(stack);
    const st = await statement(customer, 80_000, { dueInDays: 3 });
    const created = await enrol(customer, enrolment(customer, { rule: 'statement_due_date', maxAmountCents: 50_000, noticeDays: 1 })).expect(201);
    const to = await emailOf(customer);
    const ask = await waitForEmail(sink, to, (message) => /needs your attention/.test(message.subject ?? ''), 60_000);
    expect(ask.text).toContain('$800.00, above your autopay maximum of $500.00');
    const view = (await customer.session.get('/api/portal/autopay').expect(200)).body.enrolments[0];
    expect(view).toMatchObject({ status: 'needs_attention', statusLabel: 'Needs your attention', attentionReason: expect.stringContaining('above your autopay maximum') });
    // Well past the due date (in compressed days), nothing was debited.
    await new Promise((resolve) => setTimeout(resolve, 4 * DAY_MS));
    expect(await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` })).toEqual([]);

    const resumed = await customer.session.send('post', `/api/portal/autopay/${created.body.id}/resume`, { maxAmountCents: 100_000 }).expect(200);
    expect(resumed.body).toMatchObject({ status: 'active', maxAmountCents: 100_000, attentionReason: null });
    await eventually(async () => {
      const payment = await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` }).first('amount_cents');
      expect(payment).toEqual({ amount_cents: 80_000 });
    }, 60_000);
  });

  it('makes no debit once the customer cancels or the dealer suspends, and shows an enrolment to no other tenant', async () => {
    const customer = await payingCustomer(stack);
    const st = await statement(customer, 20_000, { dueInDays: 4 });
    const created = await enrol(customer, enrolment(customer, { rule: 'statement_due_date' })).expect(201);

    const otherAccount = await createCustomerAccount(stack.db, stack.dealerId);
    const stranger = await signInCustomer(stack.app, (await createPortalCustomer(stack.db, [{ id: otherAccount.id, dealerId: stack.dealerId }])).email);
    await stranger.send('post', `/api/portal/autopay/${created.body.id}/cancel`).expect(404);
    await stranger.get(`/api/portal/autopay/${created.body.id}/authorization.pdf`).expect(404);
    expect((await stranger.get('/api/portal/autopay').expect(200)).body.enrolments).toEqual([]);

    // The enrolment's workflow plans its first debit just after the enrolment commits.
    await eventually(async () => {
      const operatorList = await stack.operator.get(`/api/operator/customers/${customer.accountId}/autopay`).expect(200);
      expect(operatorList.body.enrolments).toEqual([expect.objectContaining({ id: created.body.id, status: 'active', nextDebitDate: addDays(today, 4), maxAmountCents: null })]);
    }, 30_000);
    expect((await stack.operator.send('post', `/api/operator/autopay/${created.body.id}/suspend`, {}).expect(400)).body.error.message).toContain('reason');
    const suspended = await stack.operator.send('post', `/api/operator/autopay/${created.body.id}/suspend`, { reason: 'Customer disputes the last statement' }).expect(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', nextDebitDate: null });
    // The customer cannot switch the dealer's suspension off, but can still revoke.
    expect((await customer.session.send('post', `/api/portal/autopay/${created.body.id}/resume`, {}).expect(409)).body.error.code).toBe('autopay_suspended');
    const canceled = await customer.session.send('post', `/api/portal/autopay/${created.body.id}/cancel`).expect(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', canceledAt: expect.any(String) });
    await eventually(async () => expect(await stack.temporal.workflow.getHandle(`autopay-${created.body.id}`).result()).toBe('ended'), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 5 * DAY_MS));
    expect(await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` })).toEqual([]);
    const audit = await stack.db('audit_events').where({ entity_type: 'autopay_enrolment', entity_id: created.body.id }).orderBy('id').select('action', 'actor_kind');
    expect(audit).toEqual([{ action: 'autopay.enrolled', actor_kind: 'customer' }, { action: 'autopay.suspended', actor_kind: 'operator' }, { action: 'autopay.canceled', actor_kind: 'customer' }]);
  });

  it('stops and asks after a debit the bank returns, and makes no further debit', async () => {
    const customer = await payingCustomer(stack);
    // 91.01 is the Moov emulator's ACH debit returned R01 (insufficient funds) before clearing.
    const st = await statement(customer, 9_101, { dueInDays: 2 });
    const created = await enrol(customer, enrolment(customer, { rule: 'statement_due_date', noticeDays: 1 })).expect(201);
    let paymentId = '';
    await eventually(async () => {
      const payment = await stack.db('payments').where({ idempotency_key: `autopay:${created.body.id}:statement:${st.id}` }).first('id', 'status');
      expect(payment?.status).toMatch(/failed|returned/);
      paymentId = payment.id;
    }, 60_000);
    const ask = await waitForEmail(sink, await emailOf(customer), (message) => /needs your attention/.test(message.subject ?? ''), 60_000);
    expect(ask.text).toMatch(/was (returned by your bank|not accepted)/);
    await eventually(async () => expect((await stack.db('autopay_enrolments').where({ id: created.body.id }).first('status')).status).toBe('needs_attention'), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3 * DAY_MS));
    expect(await stack.db('payments').where({ customer_account_id: customer.accountId }).pluck('id')).toEqual([paymentId]);
  });

  it('stops and asks when the bank account needs re-linking, before any debit', async () => {
    const customer = await payingCustomer(stack);
    const st = await statement(customer, 15_000, { dueInDays: 4 });
    const method = await stack.db('payment_methods').where({ id: customer.bankMethodId }).first('plaid_item_id');
    await requireRelinkForItem(stack.db, method.plaid_item_id, 'login_required');
    const created = await enrol(customer, enrolment(customer, { rule: 'statement_due_date' })).expect(400);
    expect(created.body.error.code).toBe('payment_method_unusable');
    // Enrolled while it worked, then the bank asks to sign in again.
    await clearRelinkForItem(stack.db, method.plaid_item_id);
    const enrolled = await enrol(customer, enrolment(customer, { rule: 'statement_due_date' })).expect(201);
    await requireRelinkForItem(stack.db, method.plaid_item_id, 'login_required');
    await stack.temporal.workflow.getHandle(`autopay-${enrolled.body.id}`).signal('autopayChanged');
    await eventually(async () => expect((await stack.db('autopay_enrolments').where({ id: enrolled.body.id }).first('status', 'attention_reason')))
      .toEqual({ status: 'needs_attention', attention_reason: expect.stringContaining('must be reconnected') }), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 5 * DAY_MS));
    expect(await stack.db('payments').where({ idempotency_key: `autopay:${enrolled.body.id}:statement:${st.id}` })).toEqual([]);
  });

  it('is started by the cluster sweep when the API committed the enrolment but lost its workflow start', async () => {
    const customer = await payingCustomer(stack);
    const id = randomUUID();
    const portalUserId = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('id')).id;
    await createEnrolment(stack.db, {
      id, dealer_id: stack.dealerId, customer_account_id: customer.accountId, company_id: customer.companyId, portal_user_id: portalUserId, payment_method_id: customer.bankMethodId,
      rule: 'statement_due_date', days_before_due: null, max_amount_cents: null, notice_days: 3, authorization_version: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION, authorization_text: 'as shown',
      account_mask: '····0001', account_holder_type: 'business', authorized_ip: '203.0.113.9', authorized_user_agent: 'test', authorized_at: new Date(), workflow_id: `autopay-${id}`,
    });
    const config = testConfig({ TASK_QUEUE: stack.taskQueue });
    // A sweep leaves an enrolment alone for a minute, in case its own API is still starting it.
    expect(await startUnstartedAutopay(stack.db, stack.temporal, config, { dealerId: stack.dealerId })).toBe(0);
    await stack.db('autopay_enrolments').where({ id }).update({ created_at: new Date(Date.now() - 120_000) });
    expect(await startUnstartedAutopay(stack.db, stack.temporal, config, { dealerId: stack.dealerId })).toBe(1);
    expect((await stack.temporal.workflow.getHandle(`autopay-${id}`).describe()).status.name).toBe('RUNNING');
    expect(await startUnstartedAutopay(stack.db, stack.temporal, config, { dealerId: stack.dealerId })).toBe(0);
  });
});
