import { randomUUID } from 'node:crypto';
import { achAuthorizationText, CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createAdjustment, createInvoice } from './support/portal';

/**
 * The portal's side of paying, on the real stack: a submit attempt found again by its key,
 * the ACH debit authorization recorded with the payment, what a payment that ended says about
 * the money, and each supplier's open balance.
 */
jest.setTimeout(120_000);

describe('portal payments API', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const request = (customer: PayingCustomer, invoiceId: string, paymentMethodId: string, extra: Record<string, unknown> = {}) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoiceId }], ...extra,
  });
  const submit = (customer: PayingCustomer, body: object, key: string = randomUUID()) =>
    customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', key).send(body);

  it('the same attempt key twice gives one payment, and the key finds it again for its own company only', async () => {
    const customer = await payingCustomer(stack);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 93_00, dueDate: '2026-12-15' });
    const key = `attempt-${randomUUID()}`;
    const body = request(customer, invoice.id, customer.bankMethodId, { expectedAmountCents: 93_00, achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION });

    const missing = await customer.session.get(`/api/portal/payment-attempts/${key}`).expect(404);
    expect(missing.body.error.code).toBe('attempt_not_found');

    const [first, second] = await Promise.all([submit(customer, body, key), submit(customer, body, key)]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(second.body.payment.id).toBe(first.body.payment.id);
    expect(await stack.db('payments').where({ company_id: customer.companyId }).count({ n: '*' })).toEqual([{ n: 1 }]);

    const found = await customer.session.get(`/api/portal/payment-attempts/${key}`).expect(200);
    expect(found.body.payment).toMatchObject({ id: first.body.payment.id, amountCents: 93_00, status: 'pending' });

    // Another company's customer learns nothing about the key.
    const stranger = await payingCustomer(stack);
    const foreign = await stranger.session.get(`/api/portal/payment-attempts/${key}`).expect(404);
    expect(foreign.body.error.code).toBe('attempt_not_found');
    const bad = await customer.session.get('/api/portal/payment-attempts/x').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_attempt_key', message: expect.stringContaining('attempt key') });
  });

  it('an ACH payment stores the authorization wording the preview showed; a missing or unknown version is refused naming the field', async () => {
    const customer = await payingCustomer(stack);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 420_15, dueDate: '2026-12-15' });
    const preview = await customer.session.send('post', '/api/portal/payments/preview', request(customer, invoice.id, customer.bankMethodId)).expect(200);
    const authorization = preview.body.achAuthorization as { version: string; text: string };
    expect(authorization.version).toBe(CURRENT_ACH_AUTHORIZATION_VERSION);
    expect(authorization.text).toContain('$420.15');
    expect(authorization.text).toMatch(/····\d{4}/);
    expect(authorization.text).toContain('authorize');

    const withoutVersion = await submit(customer, request(customer, invoice.id, customer.bankMethodId));
    expect(withoutVersion.status).toBe(400);
    expect(withoutVersion.body.error).toMatchObject({ code: 'ach_authorization_required', message: expect.stringContaining('achAuthorizationVersion'), details: [{ field: 'achAuthorizationVersion' }] });
    const unknown = await submit(customer, request(customer, invoice.id, customer.bankMethodId, { achAuthorizationVersion: 'ach-debit-1999-01' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'ach_authorization_unknown', message: expect.stringContaining('achAuthorizationVersion'), details: [{ field: 'achAuthorizationVersion' }] });
    expect(await stack.db('payments').where({ company_id: customer.companyId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    const paid = await submit(customer, request(customer, invoice.id, customer.bankMethodId, { achAuthorizationVersion: authorization.version })).expect(201);
    const row = await stack.db('payments').where({ id: paid.body.payment.id }).first('ach_authorization_version', 'ach_authorization_text');
    expect(row).toEqual({ ach_authorization_version: authorization.version, ach_authorization_text: authorization.text });

    // A card payment carries no ACH authorization.
    const cardId = await linkCard(stack, customer);
    const cardInvoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 12_00, dueDate: '2026-12-15' });
    const cardPreview = await customer.session.send('post', '/api/portal/payments/preview', request(customer, cardInvoice.id, cardId)).expect(200);
    expect(cardPreview.body.achAuthorization).toBeNull();
    const card = await submit(customer, request(customer, cardInvoice.id, cardId)).expect(201);
    expect(await stack.db('payments').where({ id: card.body.payment.id }).first('ach_authorization_version')).toEqual({ ach_authorization_version: null });
  });

  it('the wording of a version never depends on anything but its facts', () => {
    const facts = { dealerName: 'Northwind Lumber', amountCents: 1_234_56, accountLabel: 'Prairie State Bank ····1111', date: '2026-12-02' };
    expect(achAuthorizationText(CURRENT_ACH_AUTHORIZATION_VERSION, facts)).toBe(achAuthorizationText(CURRENT_ACH_AUTHORIZATION_VERSION, { ...facts }));
    expect(achAuthorizationText(CURRENT_ACH_AUTHORIZATION_VERSION, facts)).toContain('$1,234.56 from Prairie State Bank ····1111 on or after 2026-12-02');
    expect(() => achAuthorizationText('made-up', facts)).toThrow('unknown ACH authorization version');
  });

  it('a payment that ended says what happened to the money: cancelled before it moved, refunded after it did', async () => {
    const customer = await payingCustomer(stack);
    // 93.00 keeps the ACH transfer initiated at the emulator: cancellable, so nothing is charged.
    const pendingInvoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 93_00, dueDate: '2026-12-15' });
    const pending = await submit(customer, request(customer, pendingInvoice.id, customer.bankMethodId, { achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })).expect(201);
    expect(pending.body.payment.moneyOutcome).toBeNull();
    await eventually(async () => expect((await stack.db('payments').where({ id: pending.body.payment.id }).first()).moov_transfer_id).toBeTruthy());
    await stack.operator.send('post', `/api/operator/payments/${pending.body.payment.id}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    const cancelled = await customer.session.get(`/api/portal/payments/${pending.body.payment.id}`).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'terminated', statusLabel: 'Cancelled', moneyOutcome: 'not_charged' });

    const cardId = await linkCard(stack, customer);
    const cardInvoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 140_00, dueDate: '2026-12-15' });
    const card = await submit(customer, request(customer, cardInvoice.id, cardId)).expect(201);
    await eventually(async () => expect(await paymentStatus(stack.db, card.body.payment.id)).toBe('settled'), 30_000);
    expect((await customer.session.get(`/api/portal/payments/${card.body.payment.id}`).expect(200)).body.moneyOutcome).toBeNull();
    await stack.operator.send('post', `/api/operator/payments/${card.body.payment.id}/terminate`, { reason: 'Charged the wrong account' }).expect(200);
    const refunded = await customer.session.get(`/api/portal/payments/${card.body.payment.id}`).expect(200);
    expect(refunded.body).toMatchObject({ status: 'terminated', moneyOutcome: 'refunded' });
  });

  it('lists each supplier with what the linked accounts owe it: invoices and debits less credits', async () => {
    const customer = await payingCustomer(stack);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 1_000_00, dueDate: '2026-12-15' });
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 500_00, balanceCents: 200_00, dueDate: '2026-12-20' });
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 300_00, dueDate: '2026-12-20', status: 'paid' });
    await createAdjustment(stack.db, stack.dealerId, customer.accountId, { kind: 'debit', amountCents: 25_50 });
    await createAdjustment(stack.db, stack.dealerId, customer.accountId, { kind: 'credit', amountCents: 75_25 });
    const dealers = await customer.session.get('/api/portal/dealers').expect(200);
    expect(dealers.body).toHaveLength(1);
    expect(dealers.body[0].openBalanceCents).toBe(1_000_00 + 200_00 + 25_50 - 75_25);

    // Nothing owed, nothing shown as owed; and no other company's book leaks in.
    const quiet = await payingCustomer(stack);
    expect((await quiet.session.get('/api/portal/dealers').expect(200)).body[0].openBalanceCents).toBe(0);
  });
});
