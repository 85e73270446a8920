import { randomUUID } from 'node:crypto';
import { applySpruceChanges } from '../db/spruce-apply';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { unappliedCashOf } from '../emulators/spruce/gl';
import { spruceClientFor } from '../integrations/spruce';
import type { glPostingWorkflow } from '../workflows/gl-posting';
import { glPostingWorkflowId } from '../workflows/settlement-definitions';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { createOperator, signIn } from './support/operator';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice } from './support/portal';

/**
 * Unapplied credit end to end (docs/unapplied-credit.md) through the portal and console APIs,
 * the worker, the Moov emulator and the Spruce emulator: a customer pays more than the invoice,
 * the excess becomes credit when the payment settles and posts to Spruce as unapplied cash; the
 * credit is then applied to a later invoice, which posts as an application of that cash. An
 * invoice paid at the counter while our payment is in flight is flagged when the sync sees it,
 * and the excess becomes credit instead of a refused GL line.
 */
describe('unapplied credit', () => {
  let spruce: SpruceEmulator;
  let stack: PaymentStack;
  let customer: PayingCustomer;
  let tenantId: string;
  let erpAccountId: string;

  beforeAll(async () => {
    spruce = await startSpruceEmulator({ port: 0 });
    tenantId = `t-${randomUUID().slice(0, 8)}`;
    const apiKey = `key-${randomUUID()}`;
    spruce.store.createTenant({ id: tenantId, name: 'Credit tenant', apiKey });
    stack = await startPaymentStack({
      achBusinessDayMs: 1500,
      dealer: { integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_api_key: apiKey, spruce_tenant_id: tenantId, allow_overpayment: true },
    });
    customer = await payingCustomer(stack);
    erpAccountId = (await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id')).erp_account_id;
    spruce.store.loadBook(tenantId, { accounts: [{ id: erpAccountId, name: 'Builder' }] });
  });
  afterAll(async () => {
    await stack.stop();
    await spruce.stop();
  });

  /** An invoice in both books, same number. */
  async function invoiceInBoth(amountCents: number, dueDate: string, who = customer) {
    const invoice = await createInvoice(stack.db, stack.dealerId, who.accountId, { amountCents, dueDate });
    const account = (await stack.db('customer_accounts').where({ id: who.accountId }).first('erp_account_id')).erp_account_id;
    spruce.store.loadBook(tenantId, { invoices: [{ id: invoice.invoice_number, account_id: account, job_id: null, invoice_date: dueDate, due_date: dueDate, amount_cents: amountCents, balance_cents: amountCents }] });
    return invoice;
  }
  const request = (invoiceIds: string[], extra: Record<string, unknown> = {}) => ({
    dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all',
    items: invoiceIds.map((id) => ({ type: 'invoice', id })), achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION, ...extra,
  });
  const pay = async (body: Record<string, unknown>) => (await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken)
    .set('Idempotency-Key', randomUUID()).send(body).expect(201)).body.payment as { id: string; number: string };
  const ledger = () => spruce.store.tenant(tenantId).ledger;

  /** Closes the batch holding these lines early and auto-posts it to Spruce; waits for the run. */
  async function postSettlement(settlementId: string) {
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    await stack.temporal.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(settlementId)).result();
    const lines = await stack.db('gl_posting_lines').where({ settlement_id: settlementId }).select('status', 'rejected_reason');
    expect(lines.filter((line) => line.status !== 'posted')).toEqual([]);
  }

  it('an overpayment becomes credit, is applied to a later invoice, and both post to Spruce', async () => {
    const first = await invoiceInBoth(100_00, '2026-11-30');
    // Refused while the dealer does not allow it; the setting is an admin's, audited.
    await stack.db('dealers').where({ id: stack.dealerId }).update({ allow_overpayment: false });
    const refused = await customer.session.send('post', '/api/portal/payments/preview', request([first.id], { onAccountCents: 40_00 })).expect(200);
    expect(refused.body.errors.map((error: { code: string }) => error.code)).toEqual(['overpayment_not_allowed']);
    await stack.operator.send('put', '/api/operator/settings/dealer', { allow_overpayment: true }).expect(200);
    const audit = await stack.db('audit_events').where({ dealer_id: stack.dealerId, action: 'dealer.settings_updated' }).orderBy('id', 'desc').first('data');
    expect(audit.data).toMatchObject({ changes: { allow_overpayment: { from: false, to: true } } });

    const preview = await customer.session.send('post', '/api/portal/payments/preview', request([first.id], { onAccountCents: 40_00 })).expect(200);
    expect(preview.body).toMatchObject({ itemsCents: 100_00, onAccountCents: 40_00, amountCents: 140_00, errors: [] });
    const payment = await pay(request([first.id], { onAccountCents: 40_00, expectedAmountCents: 140_00 }));
    // No credit while the money is in flight: it is created when the payment settles.
    expect(await stack.db('account_credit_entries').where({ payment_id: payment.id })).toEqual([]);
    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('settled'), 30_000);
    await eventually(async () => expect((await stack.db('payments').where({ id: payment.id }).first('settlement_id')).settlement_id).not.toBeNull(), 15_000);

    const credit = await stack.operator.get(`/api/operator/customers/${customer.accountId}/credit`).expect(200);
    expect(credit.body).toMatchObject({ balance_cents: 40_00, entries: [{ kind: 'overpayment', amount_cents: 40_00, payment_number: payment.number }] });
    // Both apps read the payment with its on-account line (answers are checked against their contracts).
    const operatorView = await stack.operator.get(`/api/operator/payments/${payment.id}`).expect(200);
    expect(operatorView.body).toMatchObject({ on_account_cents: 40_00, paid_elsewhere_cents: 0, amount_cents: 140_00 });
    const portalView = await customer.session.get(`/api/portal/payments/${payment.id}`).expect(200);
    expect(portalView.body.lines.map((line: { type: string; amountCents: number }) => [line.type, line.amountCents])).toEqual([['invoice', 100_00], ['unapplied', 40_00]]);
    await customer.session.get(`/api/portal/payments/${payment.id}/receipt.pdf`).expect(200);
    const outstanding = await customer.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}`).expect(200);
    expect(outstanding.body.accounts[0].unappliedCreditCents).toBe(40_00);
    expect((await stack.emulators.moovClient.getTransfer((await stack.db('payments').where({ id: payment.id }).first('moov_transfer_id')).moov_transfer_id)).amountCents).toBe(140_00);

    // The payment's batch posts the invoice and the cash held on account.
    const { settlement_id: firstSettlement } = await stack.db('payments').where({ id: payment.id }).first('settlement_id');
    await postSettlement(firstSettlement);
    const received = ledger().filter((posting) => posting.payment_reference === payment.number).map((posting) => [posting.type, posting.document_id, posting.amount_cents]).sort();
    expect(received).toEqual([['invoice_payment', first.invoice_number, 100_00], ['unapplied_cash', payment.number, 40_00]].sort());
    expect(unappliedCashOf(spruce.store.tenant(tenantId), erpAccountId)).toBe(40_00);

    // A later invoice: the customer applies the credit from the portal; no money moves.
    const later = await invoiceInBoth(30_00, '2026-12-31');
    const other = await invoiceInBoth(500_00, '2027-01-31');
    const tooMuch = await customer.session.send('post', '/api/portal/credit/apply', { dealerId: stack.dealerId, customerAccountId: customer.accountId, invoiceIds: [later.id], amountCents: 40_01 }).expect(422);
    expect(tooMuch.body.error.code).toBe('credit_amount_above_balance');
    const applied = await customer.session.send('post', '/api/portal/credit/apply', { dealerId: stack.dealerId, customerAccountId: customer.accountId, invoiceIds: [later.id] }).expect(200);
    expect(applied.body).toEqual({ appliedCents: 30_00, balanceCents: 10_00, invoices: [{ invoiceId: later.id, amountCents: 30_00 }] });
    expect(await stack.db('invoices').where({ id: later.id }).first('balance_cents', 'status')).toEqual({ balance_cents: 0, status: 'paid' });
    const after = await customer.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}`).expect(200);
    expect(after.body.accounts[0].unappliedCreditCents).toBe(10_00);

    // The operator applies what is left to another invoice, audited; then nothing is left.
    const byOperator = await stack.operator.send('post', `/api/operator/customers/${customer.accountId}/credit/apply`, { invoice_ids: [other.id], note: 'Customer asked by phone' }).expect(200);
    expect(byOperator.body).toMatchObject({ applied_cents: 10_00, balance_cents: 0, invoices: [{ invoice_id: other.id, amount_cents: 10_00 }] });
    expect(await stack.db('audit_events').where({ entity_id: customer.accountId, action: 'account_credit.applied' }).count('* as n').first()).toMatchObject({ n: expect.anything() });
    expect((await stack.db('audit_events').where({ entity_id: customer.accountId, action: 'account_credit.applied' }).select('actor_kind')).map((row) => row.actor_kind).sort()).toEqual(['customer', 'operator']);
    const empty = await stack.operator.send('post', `/api/operator/customers/${customer.accountId}/credit/apply`, { invoice_ids: [other.id] }).expect(422);
    expect(empty.body.error.code).toBe('no_unapplied_credit');
    const noInvoices = await stack.operator.send('post', `/api/operator/customers/${customer.accountId}/credit/apply`, { invoice_ids: [] }).expect(400);
    expect(noInvoices.body.error.message).toContain('invoice_ids');

    // Another dealer's operator does not see this customer's credit.
    const stranger = await signIn(stack.app, (await createOperator(stack.db, (await stack.db('dealers').insert({ name: 'Other', slug: `other-${randomUUID().slice(0, 8)}`, integration_mode: 'file', time_zone: 'America/Chicago' }).returning('id'))[0].id)).email);
    await stranger.get(`/api/operator/customers/${customer.accountId}/credit`).expect(404);
    await stranger.send('post', `/api/operator/customers/${customer.accountId}/credit/apply`, { invoice_ids: [other.id] }).expect(404);
    // Nor may another company's portal user spend it.
    const otherCompany = await payingCustomer(stack);
    await otherCompany.session.send('post', '/api/portal/credit/apply', { dealerId: stack.dealerId, customerAccountId: customer.accountId, invoiceIds: [other.id] }).expect(404);

    // The applications post under the payment whose cash it was, on the batch open when they were made.
    const applicationLines = await stack.db('gl_posting_lines').where({ payment_id: payment.id, line_type: 'unapplied_cash_application' }).select('settlement_id', 'document_id', 'amount_cents');
    expect(applicationLines.map((line) => [line.document_id, Number(line.amount_cents)]).sort()).toEqual([[later.invoice_number, 30_00], [other.invoice_number, 10_00]].sort());
    expect(new Set(applicationLines.map((line) => line.settlement_id)).size).toBe(1);
    expect(applicationLines[0]!.settlement_id).not.toBe(firstSettlement);
    await postSettlement(applicationLines[0]!.settlement_id);
    const applications = ledger().filter((posting) => posting.type === 'unapplied_cash_application').map((posting) => [posting.document_id, posting.amount_cents, posting.payment_reference]).sort();
    expect(applications).toEqual([[later.invoice_number, 30_00, payment.number], [other.invoice_number, 10_00, payment.number]].sort());
    expect(spruce.store.tenant(tenantId).objects.invoice.get(later.invoice_number)).toMatchObject({ balance_cents: 0, status: 'paid' });
    expect(spruce.store.tenant(tenantId).objects.invoice.get(other.invoice_number)).toMatchObject({ balance_cents: 490_00 });
    expect(unappliedCashOf(spruce.store.tenant(tenantId), erpAccountId)).toBe(0);
  });

  it('an invoice paid at the counter while our payment is in flight: flagged when the sync sees it, and the excess becomes credit', async () => {
    const invoice = await invoiceInBoth(250_00, '2026-12-15');
    const payment = await pay(request([invoice.id], { expectedAmountCents: 250_00 }));
    // A check for 100.00 entered in Spruce meanwhile; the sync applies the change.
    const client = spruceClientFor((await stack.db('dealers').where({ id: stack.dealerId }).first()), testConfig().DATA_ENCRYPTION_KEY);
    const head = (await client.changes(0, 1)).head_seq;
    spruce.store.mutate(spruce.store.tenant(tenantId), 'invoice', invoice.invoice_number, { balance_cents: 150_00, status: 'partially_paid' });
    const page = await client.changes(head, 50);
    await stack.db.transaction((trx) => applySpruceChanges(trx, stack.dealerId, page.changes));
    expect(await stack.db('payments').where({ id: payment.id }).first('paid_elsewhere_cents', 'status')).toMatchObject({ paid_elsewhere_cents: 100_00, status: 'pending' });
    const alert = await stack.db('email_outbox').where({ payment_id: payment.id, kind: 'payment_alert' }).first('subject', 'text_body');
    expect(alert.subject).toBe(`Payment ${payment.number}: invoice ${invoice.invoice_number} was paid another way`);
    expect(alert.text_body).toContain('$100.00 becomes the customer\'s unapplied credit');

    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('settled'), 30_000);
    expect(await stack.db('invoices').where({ id: invoice.id }).first('balance_cents', 'status')).toEqual({ balance_cents: 0, status: 'paid' });
    const applications = await stack.db('payment_applications').where({ payment_id: payment.id }).orderBy('id').select('item_type', 'amount_cents', 'state');
    expect(applications).toEqual([{ item_type: 'invoice', amount_cents: 150_00, state: 'applied' }, { item_type: 'unapplied', amount_cents: 100_00, state: 'applied' }]);
    expect(await stack.db('payments').where({ id: payment.id }).first('items_cents', 'on_account_cents', 'amount_cents')).toEqual({ items_cents: 150_00, on_account_cents: 100_00, amount_cents: 250_00 });
    const credit = await stack.operator.get(`/api/operator/customers/${customer.accountId}/credit`).expect(200);
    expect(credit.body.balance_cents).toBe(100_00);
    expect(credit.body.entries[0]).toMatchObject({ kind: 'paid_elsewhere', amount_cents: 100_00, invoice_number: invoice.invoice_number });

    // Posting no longer asks Spruce to pay the invoice twice: nothing is refused.
    await eventually(async () => expect((await stack.db('payments').where({ id: payment.id }).first('settlement_id')).settlement_id).not.toBeNull(), 15_000);
    await postSettlement((await stack.db('payments').where({ id: payment.id }).first('settlement_id')).settlement_id);
    const posted = ledger().filter((posting) => posting.payment_reference === payment.number).map((posting) => [posting.type, posting.amount_cents]).sort();
    expect(posted).toEqual([['invoice_payment', 150_00], ['unapplied_cash', 100_00]].sort());
  });

  it('a returned payment takes its credit back: what the credit paid is owed again, in our books and in Spruce', async () => {
    const returning = await payingCustomer(stack);
    const account = (await stack.db('customer_accounts').where({ id: returning.accountId }).first('erp_account_id')).erp_account_id;
    spruce.store.loadBook(tenantId, { accounts: [{ id: account, name: 'Returning builder' }] });
    const paid = await invoiceInBoth(100_00, '2026-11-30', returning);
    const later = await invoiceInBoth(80_00, '2026-12-31', returning);
    const response = await returning.session.agent.post('/api/portal/payments').set('X-CSRF-Token', returning.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: returning.accountId, paymentMethodId: returning.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: paid.id }], onAccountCents: 50_00, achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    const payment = response.body.payment as { id: string; number: string };
    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('settled'), 30_000);
    await eventually(async () => expect((await stack.db('payments').where({ id: payment.id }).first('settlement_id')).settlement_id).not.toBeNull(), 15_000);
    await postSettlement((await stack.db('payments').where({ id: payment.id }).first('settlement_id')).settlement_id);
    await stack.operator.send('post', `/api/operator/customers/${returning.accountId}/credit/apply`, { invoice_ids: [later.id], amount_cents: 20_00 }).expect(200);
    const applicationLine = await stack.db('gl_posting_lines').where({ payment_id: payment.id, line_type: 'unapplied_cash_application' }).first('id', 'settlement_id');
    await postSettlement(applicationLine.settlement_id);
    expect(spruce.store.tenant(tenantId).objects.invoice.get(later.invoice_number)).toMatchObject({ balance_cents: 60_00 });

    const transfer = (await stack.db('payments').where({ id: payment.id }).first('moov_transfer_id')).moov_transfer_id;
    await stack.emulators.moov.admin.returnTransfer(transfer, 'R01');
    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('returned'), 30_000);

    // Our books: both invoices are owed again and the credit nets to nothing.
    expect(await stack.db('invoices').where({ id: paid.id }).first('balance_cents')).toEqual({ balance_cents: 100_00 });
    expect(await stack.db('invoices').where({ id: later.id }).first('balance_cents', 'status')).toEqual({ balance_cents: 80_00, status: 'open' });
    const credit = await stack.operator.get(`/api/operator/customers/${returning.accountId}/credit`).expect(200);
    expect(credit.body.balance_cents).toBe(0);
    expect(credit.body.entries.map((entry: { kind: string; amount_cents: number }) => [entry.kind, entry.amount_cents]).sort()).toEqual([
      ['application', -20_00], ['application_reversed', 20_00], ['credit_reversed', -50_00], ['overpayment', 50_00],
    ].sort());
    // Spruce: every line of the payment, the application of its cash included, is reversed.
    await eventually(async () => expect((await stack.db('gl_posting_lines').where({ payment_id: payment.id, line_type: 'reversal' })).reduce((sum, line) => sum + Number(line.amount_cents), 0)).toBe(-170_00), 30_000);
    const reversal = await stack.db('gl_posting_lines').where({ payment_id: payment.id, line_type: 'reversal', reverses_line_id: applicationLine.id }).first('settlement_id', 'amount_cents');
    expect(Number(reversal.amount_cents)).toBe(-20_00);
    await postSettlement(reversal.settlement_id);
    expect(spruce.store.tenant(tenantId).objects.invoice.get(later.invoice_number)).toMatchObject({ balance_cents: 80_00 });
    expect(spruce.store.tenant(tenantId).objects.invoice.get(paid.invoice_number)).toMatchObject({ balance_cents: 100_00 });
    expect(unappliedCashOf(spruce.store.tenant(tenantId), account)).toBe(0);
  });
});
