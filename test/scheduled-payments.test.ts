import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { addDays, localDate } from '../domain/dates';
import { startEmailRelay } from '../worker/duties';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createDealer, createOperator, signIn } from './support/operator';
import { createInvoice, createPortalCustomer, createCustomerAccount, signInCustomer, startMailSink, waitForEmail } from './support/portal';

/**
 * Scheduled one-off payments through the portal API, on the real worker and the Moov emulator,
 * with calendar days compressed (CALENDAR_DAY_MS): the items are held from scheduling, the
 * schedule becomes an ordinary payment on its date, a cancelled one never does, and an item
 * paid another way meanwhile is left out with an email saying so.
 */
const DAY_MS = 1_500;

describe('scheduled payments', () => {
  let stack: PaymentStack;
  let customer: PayingCustomer;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let today: string;
  let stopRelay: () => void;

  beforeAll(async () => {
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { CALENDAR_DAY_MS: String(DAY_MS) } });
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
    customer = await payingCustomer(stack);
    today = localDate(new Date(), 'America/Chicago');
  });
  afterAll(async () => {
    stopRelay();
    await stack.stop();
    await sink.stop();
  });

  const request = (invoiceIds: string[], scheduledFor: string) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all',
    items: invoiceIds.map((id) => ({ type: 'invoice', id })), achAuthorizationVersion: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION, scheduledFor,
  });
  const schedule = (body: unknown, key = randomUUID()) => customer.session.agent.post('/api/portal/scheduled-payments')
    .set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', key).send(body as object);
  const invoice = (amountCents: number) => createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: addDays(today, 20) });

  it('refuses today, a date too far ahead and "pay an amount", naming the field', async () => {
    const inv = await invoice(10_000);
    const todayRefused = await schedule(request([inv.id], today)).expect(400);
    expect(todayRefused.body.error).toMatchObject({ code: 'scheduled_for_invalid', message: expect.stringContaining('scheduledFor') });
    expect((await schedule(request([inv.id], addDays(today, 61))).expect(400)).body.error.message).toContain('within 60 days');
    expect((await schedule(request([inv.id], '2026-02-30')).expect(400)).body.error.message).toContain('scheduledFor');
    const amount = await schedule({ ...request([], addDays(today, 2)), sourceView: 'amount', payAmountCents: 5_000 }).expect(400);
    expect(amount.body.error.code).toBe('schedule_needs_items');
    expect(await stack.db('scheduled_payments').where({ company_id: customer.companyId })).toEqual([]);
  });

  it('holds the items from scheduling, then pays them on the date as an ordinary payment', async () => {
    const [first, second] = [await invoice(40_000), await invoice(25_000)];
    const preview = await customer.session.send('post', '/api/portal/scheduled-payments/preview', request([first.id, second.id], addDays(today, 2))).expect(200);
    expect(preview.body).toMatchObject({ amountCents: 65_000, scheduledFor: addDays(today, 2), errors: [] });
    expect(preview.body.achAuthorization.text).toContain(`on or after ${addDays(today, 2)}`);
    // The words beside Schedule, not the ones beside Pay; the portal asks without a version and is given them.
    const { achAuthorizationVersion: _shown, ...unversioned } = request([first.id, second.id], addDays(today, 2));
    const asked = await customer.session.send('post', '/api/portal/scheduled-payments/preview', unversioned).expect(200);
    expect(asked.body.achAuthorization).toMatchObject({ version: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION, text: expect.stringMatching(/^By pressing Schedule, /) });

    const key = randomUUID();
    const created = await schedule(request([first.id, second.id], addDays(today, 2)), key).expect(201);
    expect(created.body).toMatchObject({ status: 'scheduled', scheduledFor: addDays(today, 2), quotedAmountCents: 65_000, paymentId: null });
    expect(created.body.items.map((item: { number: string; state: string }) => [item.number, item.state]).sort()).toEqual([[first.invoice_number, 'reserved'], [second.invoice_number, 'reserved']].sort());
    // The same key again is the same schedule, not a second one.
    expect((await schedule(request([first.id, second.id], addDays(today, 2)), key).expect(200)).body.id).toBe(created.body.id);
    // Held: paying the invoice now is refused as already in a payment.
    const payNow = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ ...request([first.id], today), scheduledFor: undefined }).expect(409);
    expect(payNow.body.error.code).toBe('items_unavailable');

    let paymentId = '';
    await eventually(async () => {
      const row = await stack.db('scheduled_payments').where({ id: created.body.id }).first('status', 'payment_id');
      expect(row).toMatchObject({ status: 'submitted', payment_id: expect.any(String) });
      paymentId = row.payment_id;
    }, 30_000);
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 30_000);
    expect(await stack.db('payments').where({ id: paymentId }).first('amount_cents', 'idempotency_key')).toEqual({ amount_cents: 65_000, idempotency_key: `scheduled:${created.body.id}` });
    // The payment keeps the words the customer accepted beside Schedule.
    expect(await stack.db('payments').where({ id: paymentId }).first('ach_authorization_version')).toEqual({ ach_authorization_version: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION });
    for (const id of [first.id, second.id]) expect(await stack.db('invoices').where({ id }).first('balance_cents', 'reserved_cents', 'status')).toEqual({ balance_cents: 0, reserved_cents: 0, status: 'paid' });
    const listed = await customer.session.get('/api/portal/scheduled-payments').expect(200);
    expect(listed.body.scheduledPayments.find((row: { id: string }) => row.id === created.body.id)).toMatchObject({ status: 'submitted', statusLabel: 'Paid on schedule', paymentId });
    const audit = await stack.db('audit_events').where({ entity_type: 'scheduled_payment', entity_id: created.body.id }).orderBy('id').pluck('action');
    expect(audit).toEqual(['scheduled_payment.created', 'scheduled_payment.submitted']);
  });

  it('cancels one that has not run: the items are free again and no payment is ever made', async () => {
    const inv = await invoice(30_000);
    const created = await schedule(request([inv.id], addDays(today, 5))).expect(201);
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 30_000 });
    const canceled = await customer.session.send('post', `/api/portal/scheduled-payments/${created.body.id}/cancel`).expect(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', canceledAt: expect.any(String) });
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
    const again = await customer.session.send('post', `/api/portal/scheduled-payments/${created.body.id}/cancel`).expect(409);
    expect(again.body.error.code).toBe('scheduled_payment_not_cancelable');
    // Its workflow ended on the cancellation instead of waiting out the date.
    await eventually(async () => expect(await stack.temporal.workflow.getHandle(`scheduled-payment-${created.body.id}`).result()).toBe('canceled'), 20_000);
    expect(await stack.db('payments').where({ idempotency_key: `scheduled:${created.body.id}` })).toEqual([]);
  });

  it('leaves out an invoice paid another way meanwhile, pays the rest, and tells the customer', async () => {
    const [paidAtCounter, stillOpen] = [await invoice(12_000), await invoice(8_000)];
    const created = await schedule(request([paidAtCounter.id, stillOpen.id], addDays(today, 3))).expect(201);
    // A check at the counter, entered in the ERP: the sync lowers the balance (and what can stay reserved).
    await stack.db('invoices').where({ id: paidAtCounter.id }).update({ balance_cents: 0, reserved_cents: 0, status: 'paid' });
    let paymentId = '';
    await eventually(async () => {
      const row = await stack.db('scheduled_payments').where({ id: created.body.id }).first('status', 'payment_id');
      expect(row.status).toBe('submitted');
      paymentId = row.payment_id;
    }, 30_000);
    expect(await stack.db('payments').where({ id: paymentId }).first('amount_cents')).toEqual({ amount_cents: 8_000 });
    const items = await stack.db('scheduled_payment_items').where({ scheduled_payment_id: created.body.id }).select('invoice_id', 'state');
    expect(items.find((item) => item.invoice_id === paidAtCounter.id)?.state).toBe('dropped');
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    const notice = await waitForEmail(sink, email, (message) => /scheduled payment changed/.test(message.subject ?? ''));
    expect(notice.text).toContain(paidAtCounter.invoice_number);
    expect(notice.text).toContain('$80.00');
  });

  it('shows a schedule only to its company and lets no one else cancel it', async () => {
    const inv = await invoice(9_000);
    const created = await schedule(request([inv.id], addDays(today, 7))).expect(201);
    const otherAccount = await createCustomerAccount(stack.db, stack.dealerId);
    const other = await createPortalCustomer(stack.db, [{ id: otherAccount.id, dealerId: stack.dealerId }]);
    const stranger = await signInCustomer(stack.app, other.email);
    await stranger.send('post', `/api/portal/scheduled-payments/${created.body.id}/cancel`).expect(404);
    expect((await stranger.get('/api/portal/scheduled-payments').expect(200)).body.scheduledPayments).toEqual([]);
    expect((await stack.db('scheduled_payments').where({ id: created.body.id }).first('status')).status).toBe('scheduled');
    await customer.session.send('post', `/api/portal/scheduled-payments/${created.body.id}/cancel`).expect(200);
  });

  it('shows the customer\'s schedules to the dealer\'s operators, who can cancel one with a reason the customer is emailed', async () => {
    const inv = await invoice(21_000);
    const created = await schedule(request([inv.id], addDays(today, 9))).expect(201);
    const clerk = await signIn(stack.app, (await createOperator(stack.db, stack.dealerId, { role: 'ar_operator' })).email);
    const listed = await clerk.get(`/api/operator/customers/${customer.accountId}/scheduled-payments`).expect(200);
    expect(listed.body.scheduledPayments.find((row: { id: string }) => row.id === created.body.id))
      .toMatchObject({ status: 'scheduled', quotedAmountCents: 21_000, items: [{ id: inv.id, state: 'reserved' }] });

    // Another dealer's operator: the customer and the schedule do not exist for them.
    const otherDealer = await createDealer(stack.db);
    const outsider = await signIn(stack.app, (await createOperator(stack.db, otherDealer.id)).email);
    await outsider.get(`/api/operator/customers/${customer.accountId}/scheduled-payments`).expect(404);
    await outsider.send('post', `/api/operator/scheduled-payments/${created.body.id}/cancel`, { reason: 'not mine to cancel' }).expect(404);

    const noReason = await clerk.send('post', `/api/operator/scheduled-payments/${created.body.id}/cancel`, {}).expect(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    expect((await stack.db('scheduled_payments').where({ id: created.body.id }).first('status')).status).toBe('scheduled');

    const reason = 'Customer called: paying by check at the counter';
    const canceled = await clerk.send('post', `/api/operator/scheduled-payments/${created.body.id}/cancel`, { reason }).expect(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', items: [{ id: inv.id, state: 'released' }] });
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
    await eventually(async () => expect(await stack.temporal.workflow.getHandle(`scheduled-payment-${created.body.id}`).result()).toBe('canceled'), 20_000);
    const audit = await stack.db('audit_events').where({ entity_id: created.body.id, action: 'scheduled_payment.canceled' }).first('actor_kind', 'data');
    expect(audit).toMatchObject({ actor_kind: 'operator', data: expect.objectContaining({ reason }) });
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    const notice = await waitForEmail(sink, email, (message) => /cancelled your payment scheduled/.test(message.subject ?? ''));
    expect(notice.text).toContain(reason);
    expect(notice.text).toContain('$210.00');
    await clerk.send('post', `/api/operator/scheduled-payments/${created.body.id}/cancel`, { reason }).expect(409);
  });
});
