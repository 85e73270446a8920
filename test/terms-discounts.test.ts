import { randomUUID } from 'node:crypto';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { addDays, localDate } from '../domain/dates';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice } from './support/portal';

/**
 * Per-invoice cash-discount terms end to end through the portal API on the real worker and the
 * Moov emulator: the Outstanding page offers the discount while it can be earned, a payment on
 * the last discount day takes it and settles for the reduced amount, the next day does not,
 * and the dealer's grace days (set by an admin, audited) stretch the window.
 */
describe('terms discounts', () => {
  let stack: PaymentStack;
  let customer: PayingCustomer;
  let today: string;

  beforeAll(async () => {
    stack = await startPaymentStack();
    customer = await payingCustomer(stack);
    today = localDate(new Date(), 'America/Chicago');
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function termsInvoice(discountDate: string): Promise<{ id: string; invoice_number: string }> {
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 480_00, dueDate: addDays(today, 30) });
    await stack.db('invoices').where({ id: invoice.id }).update({ terms: '2% 10th Prox', terms_discount_cents: 9_60, terms_discount_date: discountDate });
    return invoice;
  }
  const request = (invoiceId: string, extra: Record<string, unknown> = {}) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all',
    items: [{ type: 'invoice', id: invoiceId }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION, ...extra,
  });
  const outstandingItem = async (invoiceId: string) => {
    const page = await customer.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}`).expect(200);
    return page.body.accounts.flatMap((account: { jobs: Array<{ items: unknown[] }> }) => account.jobs.flatMap((job) => job.items)).find((item: { id: string }) => item.id === invoiceId);
  };

  it('takes the discount on the last day: offered, previewed, charged, settled, and the invoice closed', async () => {
    const invoice = await termsInvoice(today);
    expect((await outstandingItem(invoice.id)).termsDiscount).toEqual({ cents: 9_60, lastDay: today, terms: '2% 10th Prox' });

    const preview = await customer.session.send('post', '/api/portal/payments/preview', request(invoice.id)).expect(200);
    expect(preview.body).toMatchObject({ itemsCents: 480_00, discountCents: 9_60, amountCents: 470_40, errors: [] });
    expect(preview.body.lines.map((line: { type: string; amountCents: number }) => [line.type, line.amountCents])).toEqual([['invoice', 480_00], ['terms_discount', 9_60]]);
    expect(preview.body.discountReason).toContain(`$9.60 on ${invoice.invoice_number} (2% 10th Prox)`);

    const submitted = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send(request(invoice.id, { expectedAmountCents: 470_40 })).expect(201);
    const paymentId = submitted.body.payment.id as string;
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 30_000);

    expect(await stack.db('payments').where({ id: paymentId }).first('items_cents', 'discount_cents', 'amount_cents')).toEqual({ items_cents: 480_00, discount_cents: 9_60, amount_cents: 470_40 });
    const applications = await stack.db('payment_applications').where({ payment_id: paymentId }).orderBy('id').select('item_type', 'invoice_id', 'amount_cents', 'state');
    expect(applications).toEqual([
      { item_type: 'invoice', invoice_id: invoice.id, amount_cents: 480_00, state: 'applied' },
      { item_type: 'terms_discount', invoice_id: invoice.id, amount_cents: 9_60, state: 'applied' },
    ]);
    expect(await stack.db('invoices').where({ id: invoice.id }).first('balance_cents', 'reserved_cents', 'status')).toEqual({ balance_cents: 0, reserved_cents: 0, status: 'paid' });
    // What the customer sees afterwards names the discount.
    const detail = await customer.session.get(`/api/portal/payments/${paymentId}`).expect(200);
    expect(detail.body.lines.map((line: { type: string }) => line.type)).toEqual(['invoice', 'terms_discount']);
    // The processor was asked for the discounted amount only.
    const transfer = await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id');
    expect((await stack.emulators.moovClient.getTransfer(transfer.moov_transfer_id)).amountCents).toBe(470_40);
  });

  it('charges the whole invoice the day after, and refuses a preview\'s discounted total once it is gone', async () => {
    const invoice = await termsInvoice(addDays(today, -1));
    expect((await outstandingItem(invoice.id)).termsDiscount).toBeNull();
    const preview = await customer.session.send('post', '/api/portal/payments/preview', request(invoice.id)).expect(200);
    expect(preview.body).toMatchObject({ discountCents: 0, amountCents: 480_00 });
    const stale = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send(request(invoice.id, { expectedAmountCents: 470_40 })).expect(422);
    expect(stale.body.error.code).toBe('amount_changed');
    expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
  });

  it('grants the dealer\'s grace days once an admin sets them, audited', async () => {
    const invoice = await termsInvoice(addDays(today, -2));
    expect((await customer.session.send('post', '/api/portal/payments/preview', request(invoice.id)).expect(200)).body.discountCents).toBe(0);
    const refused = await stack.operator.send('put', '/api/operator/settings/dealer', { terms_discount_grace_days: 11 }).expect(400);
    expect(refused.body.error.message).toContain('terms_discount_grace_days');
    const saved = await stack.operator.send('put', '/api/operator/settings/dealer', { terms_discount_grace_days: 2 }).expect(200);
    expect(saved.body.terms_discount_grace_days).toBe(2);
    expect((await customer.session.send('post', '/api/portal/payments/preview', request(invoice.id)).expect(200)).body).toMatchObject({ discountCents: 9_60, amountCents: 470_40 });
    expect((await outstandingItem(invoice.id)).termsDiscount).toEqual({ cents: 9_60, lastDay: today, terms: '2% 10th Prox' });
    const audit = await stack.db('audit_events').where({ dealer_id: stack.dealerId, action: 'dealer.settings_updated' }).orderBy('id', 'desc').first('data');
    expect(audit.data).toMatchObject({ changes: { terms_discount_grace_days: { from: 0, to: 2 } } });
    await stack.operator.send('put', '/api/operator/settings/dealer', { terms_discount_grace_days: 0 }).expect(200);
  });
});
