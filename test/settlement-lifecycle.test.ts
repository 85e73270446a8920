import { randomUUID } from 'node:crypto';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { paymentStateQuery, paymentWorkflowId } from '../workflows/payment-definitions';
import type { glPostingWorkflow } from '../workflows/gl-posting';
import { glPostingWorkflowId } from '../workflows/settlement-definitions';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, type PaymentStack } from './support/payment-stack';
import { createInvoice } from './support/portal';

/**
 * A real payment from the portal through its payment-<id> workflow into the day's settlement,
 * out and back in on freeze and release, auto-posted to Spruce (the payment workflow hears
 * `glPosted`), then refunded after posting: the reversal lands on the next open batch and
 * reaches Spruce's ledger too.
 */
jest.setTimeout(180_000);

describe('a payment through its settlement to the general ledger', () => {
  let spruce: SpruceEmulator;
  let stack: PaymentStack;
  const tenantId = `life-${randomUUID().slice(0, 8)}`;
  const apiKey = `key-${randomUUID()}`;

  beforeAll(async () => {
    spruce = await startSpruceEmulator({ port: 0 });
    spruce.store.createTenant({ id: tenantId, name: 'Lifecycle Lumber', apiKey });
    stack = await startPaymentStack({
      businessDayMs: 5_000,
      dealer: { integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, settlement_cutoff: '17:00', time_zone: 'America/Chicago' },
    });
  });
  afterAll(async () => {
    await stack.stop();
    await spruce.stop();
  });

  it('joins, leaves and rejoins its settlement, is posted, then reversed after a refund', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 123_45, dueDate: '2026-12-15' });
    const account = await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id');
    spruce.store.loadBook(tenantId, {
      accounts: [{ id: account.erp_account_id, name: 'Lifecycle builder' }],
      invoices: [{ id: invoice.invoice_number, account_id: account.erp_account_id, invoice_date: '2026-11-01', due_date: '2026-12-15', amount_cents: 123_45, balance_cents: 123_45 }],
    });

    const submitted = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }] })
      .expect(201);
    const paymentId: string = submitted.body.payment.id;
    const settlementOf = async () => (await stack.db('payments').where({ id: paymentId }).first('settlement_id')).settlement_id as string | null;
    await eventually(async () => expect(await settlementOf()).not.toBeNull(), 60_000);
    const settlementId = (await settlementOf())!;
    expect(await stack.db('gl_posting_lines').where({ payment_id: paymentId })).toHaveLength(1);

    // Frozen while unposted: out of the batch; released: back in it.
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/freeze`, { reason: 'checking the remittance' }).expect(200);
    expect(await settlementOf()).toBeNull();
    expect((await stack.db('settlements').where({ id: settlementId }).first()).payment_count).toBe(0);
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/release`, { reason: 'remittance confirmed' }).expect(200);
    await eventually(async () => expect(await settlementOf()).toBe(settlementId));

    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    await stack.temporal.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(settlementId)).result();
    const ledger = () => spruce.store.tenant(tenantId).ledger;
    expect(ledger()).toHaveLength(1);
    expect(ledger()[0]).toMatchObject({ type: 'invoice_payment', document_id: invoice.invoice_number, amount_cents: 123_45, payment_reference: submitted.body.payment.number });
    // The payment's own workflow hears that its lines are in the ledger.
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).query(paymentStateQuery)).glPosted).toBe(true));

    // Refunded after posting: the reversal waits on the next open batch and posts from there.
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/dispute`, { reason: 'customer paid twice' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/resolve-dispute`, { reason: 'refund the duplicate', outcome: 'refunded' }).expect(200);
    expect(await paymentStatus(stack.db, paymentId)).toBe('terminated');
    const reversal = await stack.db('gl_posting_lines').where({ payment_id: paymentId, line_type: 'reversal' }).first();
    expect(reversal).toMatchObject({ amount_cents: -123_45, document_type: 'reversal', status: 'pending' });
    expect(reversal.settlement_id).not.toBe(settlementId);
    await stack.operator.send('post', `/api/operator/settlements/${reversal.settlement_id}/close`).expect(200);
    await stack.operator.send('post', `/api/operator/settlements/${reversal.settlement_id}/auto-post`, {}).expect(202);
    await stack.temporal.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(reversal.settlement_id)).result();
    expect(ledger()).toHaveLength(2);
    expect(ledger()[1]).toMatchObject({ type: 'reversal', reverses_posting_id: ledger()[0]!.id, amount_cents: 123_45 });
    expect(spruce.store.tenant(tenantId).objects.invoice.get(invoice.invoice_number)).toMatchObject({ balance_cents: 123_45, status: 'open' });

    // Both batches reconcile: the processor refunded what the second one reverses.
    for (const id of [settlementId, reversal.settlement_id]) {
      const report = (await stack.operator.get(`/api/operator/settlements/${id}/reconciliation`).expect(200)).body;
      expect(report).toMatchObject({ agrees: true, differences: [] });
    }
  });
});
