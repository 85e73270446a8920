import { randomUUID } from 'node:crypto';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { openReminderItems } from '../db/reminders';
import { eventually } from './support/eventually';
import { createDealer, createOperator, signIn } from './support/operator';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createAdjustment, createInvoice, createJob } from './support/portal';

/**
 * Short-pays end to end through HTTP: a customer pays part of an invoice and says why through
 * the portal's payment API, the payment runs on the real worker against the Moov emulator, the
 * claim lands on the operators' worklist (scoped to the dealer), keeps the item out of payment
 * reminders until an operator resolves it, and every step is audited.
 */
describe('short-pays', () => {
  let stack: PaymentStack;
  let customer: PayingCustomer;

  beforeAll(async () => {
    stack = await startPaymentStack({ dealer: { allow_partial_payments: true } });
    customer = await payingCustomer(stack);
  });
  afterAll(async () => {
    await stack.stop();
  });

  const request = (items: unknown[]) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items,
    achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION,
  });
  const submit = (items: unknown[]) => customer.session.agent.post('/api/portal/payments')
    .set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID()).send(request(items));

  it('refuses a reason on an item paid in full, on a credit, and "other" without words, naming the field', async () => {
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 40_000, dueDate: '2026-12-20' });
    const whole = await customer.session.send('post', '/api/portal/payments/preview', request([{ type: 'invoice', id: invoice.id, shortPay: { reason: 'damaged' } }])).expect(200);
    expect(whole.body.errors).toEqual([expect.objectContaining({ code: 'short_pay_not_partial', itemId: invoice.id, message: expect.stringContaining('$400.00') })]);
    const refused = await submit([{ type: 'invoice', id: invoice.id, amountCents: 40_000, shortPay: { reason: 'pricing' } }]).expect(422);
    expect(refused.body.error.code).toBe('short_pay_not_partial');

    const credit = await createAdjustment(stack.db, stack.dealerId, customer.accountId, { kind: 'credit', amountCents: 5_000 });
    const onCredit = await customer.session.send('post', '/api/portal/payments/preview', request([
      { type: 'invoice', id: invoice.id, amountCents: 30_000 }, { type: 'credit', id: credit.id, amountCents: 2_000, shortPay: { reason: 'damaged' } },
    ])).expect(200);
    expect(onCredit.body.errors).toEqual([expect.objectContaining({ code: 'short_pay_not_partial', itemId: credit.id, message: expect.stringContaining('is a credit') })]);

    const vague = await submit([{ type: 'invoice', id: invoice.id, amountCents: 30_000, shortPay: { reason: 'other' } }]).expect(400);
    expect(vague.body.error).toMatchObject({ code: 'short_pay_note_required', message: expect.stringContaining('items.0.shortPay.note') });
    const unknown = await submit([{ type: 'invoice', id: invoice.id, amountCents: 30_000, shortPay: { reason: 'weather' } }]).expect(400);
    expect(unknown.body.error.message).toContain('items.0.shortPay.reason');
    // Nothing was reserved by any of the refusals.
    expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
    expect(await stack.db('short_pays').where({ invoice_id: invoice.id })).toEqual([]);
  });

  it('records the reason with the payment, lists it for the dealer\'s operators only, pauses reminders until resolved', async () => {
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Maple St duplex');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 125_000, dueDate: '2026-12-20', jobId: job.id });
    const untouched = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 9_000, dueDate: '2026-12-20' });
    const created = await submit([{ type: 'invoice', id: invoice.id, amountCents: 110_000, shortPay: { reason: 'damaged', note: '12 sheets of OSB delivered wet' } }]).expect(201);
    const paymentId = created.body.payment.id as string;
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 30_000);

    const list = await stack.operator.get(`/api/operator/short-pays?filter=${encodeURIComponent(JSON.stringify({ status: 'open', customer_account_id: customer.accountId }))}`).expect(200);
    expect(list.headers['content-range']).toMatch(/^short-pays 0-0\/1$/);
    const [claim] = list.body;
    expect(claim).toMatchObject({
      status: 'open', reason: 'damaged', reason_label: 'Damaged', note: '12 sheets of OSB delivered wet', item_type: 'invoice', item_id: invoice.id,
      item_number: invoice.invoice_number, job_name: 'Maple St duplex', open_before_cents: 125_000, paid_cents: 110_000, short_cents: 15_000,
      payment_id: paymentId, payment_status: 'settled', customer_account_id: customer.accountId, resolution: null,
    });

    // The item is still owed 150.00, but nobody reminds the customer about a claim under review.
    const remindable = async () => (await openReminderItems(stack.db, stack.dealerId, { customerAccountId: customer.accountId })).map((item) => item.item_id);
    expect(await remindable()).toContain(untouched.id);
    expect(await remindable()).not.toContain(invoice.id);

    // Another dealer's operator sees nothing of it.
    const other = await createDealer(stack.db);
    const outsider = await signIn(stack.app, (await createOperator(stack.db, other.id)).email);
    await outsider.get(`/api/operator/short-pays/${claim.id}`).expect(404);
    await outsider.send('post', `/api/operator/short-pays/${claim.id}/resolve`, { resolution: 'written_off' }).expect(404);
    expect((await outsider.get('/api/operator/short-pays').expect(200)).body).toEqual([]);

    const badResolution = await stack.operator.send('post', `/api/operator/short-pays/${claim.id}/resolve`, { resolution: 'forgotten' }).expect(400);
    expect(badResolution.body.error.message).toContain('resolution');

    const clerk = await signIn(stack.app, (await createOperator(stack.db, stack.dealerId, { role: 'ar_operator', name: 'Casey Clerk' })).email);
    const resolved = await clerk.send('post', `/api/operator/short-pays/${claim.id}/resolve`, { resolution: 'customer_to_pay', note: 'Driver photos show dry load' }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'customer_to_pay', resolution_label: expect.any(String), resolution_note: 'Driver photos show dry load', resolved_by_name: 'Casey Clerk', resolved_at: expect.any(String) });
    const again = await stack.operator.send('post', `/api/operator/short-pays/${claim.id}/resolve`, { resolution: 'credit_issued' }).expect(409);
    expect(again.body.error.code).toBe('short_pay_already_resolved');
    expect(await remindable()).toContain(invoice.id);

    const audit = await stack.db('audit_events').where({ entity_type: 'short_pay', entity_id: claim.id }).orderBy('id').select('action', 'data');
    expect(audit.map((row) => row.action)).toEqual(['short_pay.recorded', 'short_pay.resolved']);
    expect(audit[0].data).toMatchObject({ payment_id: paymentId, reason: 'damaged', short_cents: 15_000 });
    expect(audit[1].data).toMatchObject({ resolution: 'customer_to_pay', note: 'Driver photos show dry load' });

    const open = await stack.operator.get(`/api/operator/short-pays?filter=${encodeURIComponent(JSON.stringify({ status: 'open', customer_account_id: customer.accountId }))}`).expect(200);
    expect(open.body).toEqual([]);
  });
});
