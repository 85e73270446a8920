import { randomUUID } from 'node:crypto';
import { WorkflowExecutionStatusName } from '@temporalio/client';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import type { glPostingWorkflow } from '../workflows/gl-posting';
import { paymentForTransfer } from '../db/payments';
import { paymentStateQuery, paymentWorkflowId } from '../workflows/payment-definitions';
import { glPostingWorkflowId } from '../workflows/settlement-definitions';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, startMailSink, waitForEmail } from './support/portal';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { startEmailRelay } from '../worker/duties';

/**
 * Money that moves after Settled, through the real path: the Moov emulator's signed webhooks
 * into the API, the payment's own workflow id (a follow-up run once the first has closed),
 * the books, the GL posted to the Spruce emulator, and the emails read from the SMTP sink.
 * A business day lasts one second here.
 */
jest.setTimeout(240_000);

describe('money after settlement', () => {
  let spruce: SpruceEmulator;
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let stopRelay: () => void;
  const tenantId = `after-${randomUUID().slice(0, 8)}`;
  const apiKey = `key-${randomUUID()}`;

  beforeAll(async () => {
    sink = await startMailSink();
    spruce = await startSpruceEmulator({ port: 0 });
    spruce.store.createTenant({ id: tenantId, name: 'Aftermath Lumber', apiKey });
    stack = await startPaymentStack({
      businessDayMs: 1_000,
      config: { SMTP_URL: sink.smtpUrl },
      dealer: { integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, settlement_cutoff: '17:00', time_zone: 'America/Chicago' },
    });
    // The worker process runs this relay in production; operator alerts go out only through it.
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
  });
  afterAll(async () => {
    stopRelay();
    await stack.stop();
    await spruce.stop();
    await sink.stop();
  });

  const ledger = () => spruce.store.tenant(tenantId).ledger;
  const customerEmail = async (customer: PayingCustomer) => (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;
  const operatorEmail = async () => (await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('email')).email as string;
  const balance = async (invoiceId: string) => Number((await stack.db('invoices').where({ id: invoiceId }).first('balance_cents')).balance_cents);
  const waitForStatus = (paymentId: string, status: string, timeoutMs = 60_000) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), timeoutMs);
  const transferOf = async (paymentId: string) => (await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id as string;

  /** Invoices known to Spruce as well, so its ledger can be compared with ours. */
  async function invoices(customer: PayingCustomer, amounts: number[]) {
    const account = await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id');
    const created = [];
    for (const amountCents of amounts) created.push(await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' }));
    spruce.store.loadBook(tenantId, {
      accounts: [{ id: account.erp_account_id, name: 'Aftermath builder' }],
      invoices: created.map((invoice, index) => ({ id: invoice.invoice_number, account_id: account.erp_account_id, invoice_date: '2026-11-01', due_date: '2026-12-15', amount_cents: amounts[index]!, balance_cents: amounts[index]! })),
    });
    return created;
  }

  /** Pays the invoices, waits for the money to settle, and auto-posts the day's batch to Spruce. */
  async function paidAndPosted(customer: PayingCustomer, methodId: string, invoiceIds: string[]): Promise<{ paymentId: string; number: string; settlementId: string }> {
    const submitted = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: methodId, sourceView: 'all', items: invoiceIds.map((id) => ({ type: 'invoice', id })), achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    const paymentId: string = submitted.body.payment.id;
    await waitForStatus(paymentId, 'settled');
    await eventually(async () => expect((await stack.db('payments').where({ id: paymentId }).first('settlement_id')).settlement_id).not.toBeNull(), 60_000);
    const settlementId = (await stack.db('payments').where({ id: paymentId }).first('settlement_id')).settlement_id as string;
    await postSettlement(settlementId);
    return { paymentId, number: submitted.body.payment.number, settlementId };
  }

  async function postSettlement(settlementId: string): Promise<void> {
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await stack.operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    await stack.temporal.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(settlementId)).result();
  }

  async function firstRunClosed(paymentId: string): Promise<void> {
    await eventually(async () => {
      const description = await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).describe();
      expect(description.status.name).toBe('COMPLETED' satisfies WorkflowExecutionStatusName);
    }, 90_000);
  }

  /** Every run of payment-<id>, oldest first, by workflow type. */
  async function runsOf(paymentId: string): Promise<string[]> {
    const runs: Array<{ type: string; startTime: Date }> = [];
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${paymentWorkflowId(paymentId)}'` })) runs.push({ type: run.type, startTime: run.startTime });
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).map((run) => run.type);
  }

  async function reversalLines(paymentId: string) {
    return stack.db('gl_posting_lines').where({ payment_id: paymentId, line_type: 'reversal' }).orderBy('id');
  }

  it('books an R10 that arrives on day 59, after the first run has closed, under the same workflow id', async () => {
    const customer = await payingCustomer(stack);
    const [invoice] = await invoices(customer, [310_00]);
    const { paymentId, number, settlementId } = await paidAndPosted(customer, customer.bankMethodId, [invoice!.id]);
    await firstRunClosed(paymentId);
    expect(await balance(invoice!.id)).toBe(0);

    await stack.emulators.moov.admin.advanceClock({ ms: 59 * 24 * 3600_000 });
    await stack.emulators.moov.admin.returnTransfer(await transferOf(paymentId), 'R10');
    await waitForStatus(paymentId, 'returned');

    expect(await balance(invoice!.id)).toBe(310_00);
    // The reversal lines are queued just after the status moves, in their own transaction.
    await eventually(async () => expect((await reversalLines(paymentId)).reduce((sum, line) => sum + Number(line.amount_cents), 0)).toBe(-310_00), 30_000);
    const lines = await reversalLines(paymentId);
    expect(lines[0]!.settlement_id).not.toBe(settlementId);
    await postSettlement(lines[0]!.settlement_id);
    expect(spruce.store.tenant(tenantId).objects.invoice.get(invoice!.invoice_number)).toMatchObject({ balance_cents: 310_00 });
    expect(await runsOf(paymentId)).toEqual(['paymentWorkflow', 'paymentAftermathWorkflow']);
    const state = await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).query(paymentStateQuery).catch(() => null);
    if (state) expect(state.status).toBe('returned');

    const toCustomer = await waitForEmail(sink, await customerEmail(customer), (message) => message.subject === `Payment ${number} was returned by your bank`);
    expect(toCustomer.text).toMatch(/not authorized/i);
    await waitForEmail(sink, await operatorEmail(), (message) => message.subject.startsWith(`Payment ${number} was returned (R10)`), 60_000);
    const audit = await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.ach_returned' }).first();
    expect(audit.data).toMatchObject({ from: 'settled', to: 'returned' });
  });

  it('books a return that came after its Nacha deadline and tells operators how to have it dishonored', async () => {
    const customer = await payingCustomer(stack);
    const [invoice] = await invoices(customer, [187_00]);
    const { paymentId, number } = await paidAndPosted(customer, customer.bankMethodId, [invoice!.id]);
    await firstRunClosed(paymentId);
    // A business day here lasts a second, but Nacha's deadline is counted in calendar dates:
    // the payment is made to have settled a week ago, past R29's two banking days.
    await stack.db('payments').where({ id: paymentId }).update({ settled_at: new Date(Date.now() - 7 * 24 * 3600_000) });

    await stack.emulators.moov.admin.returnTransfer(await transferOf(paymentId), 'R29');
    await waitForStatus(paymentId, 'returned');

    expect(await balance(invoice!.id)).toBe(187_00);
    const alert = await waitForEmail(sink, await operatorEmail(), (message) => message.subject === `Payment ${number} was returned (R29) after the Nacha deadline`, 60_000);
    expect(alert.text).toMatch(/dishonor it as untimely \(R68\)/);
    const event = await stack.db('payment_events').where({ payment_id: paymentId, to_status: 'returned' }).first('reason');
    expect(event.reason).toBe("ACH return R29, after Nacha's deadline");
  });

  it('charges back part of a card payment when the dispute is lost, re-opening the items for that amount', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const [first, second] = await invoices(customer, [300_00, 100_00]);
    const { paymentId, number, settlementId } = await paidAndPosted(customer, cardId, [first!.id, second!.id]);
    const transferId = await transferOf(paymentId);
    const amount = Number((await stack.db('payments').where({ id: paymentId }).first('amount_cents')).amount_cents);

    const dispute = await stack.emulators.moov.admin.disputeTransfer(transferId, 200_00);
    await waitForStatus(paymentId, 'disputed');
    const row = await stack.db('payment_disputes').where({ payment_id: paymentId }).first();
    expect(row).toMatchObject({ processor_dispute_id: dispute.disputeID, amount_cents: 200_00, status: 'response_needed' });
    // The items stay paid while the dispute is decided.
    expect(await balance(first!.id)).toBe(0);

    await stack.emulators.moov.admin.resolveDispute(transferId, dispute.disputeID, 'lost');
    await eventually(async () => expect((await stack.db('payments').where({ id: paymentId }).first('reversed_cents')).reversed_cents).toBe(200_00), 60_000);
    await waitForStatus(paymentId, 'settled');
    // Given back the way it was applied: three quarters to the first invoice, one quarter to the second.
    expect(await balance(first!.id)).toBe(150_00);
    expect(await balance(second!.id)).toBe(50_00);
    const lines = await reversalLines(paymentId);
    expect(lines.reduce((sum, line) => sum + Number(line.amount_cents), 0)).toBe(-200_00);
    await postSettlement(lines[0]!.settlement_id);
    expect(spruce.store.tenant(tenantId).objects.invoice.get(first!.invoice_number)).toMatchObject({ balance_cents: 150_00 });
    expect(spruce.store.tenant(tenantId).objects.invoice.get(second!.invoice_number)).toMatchObject({ balance_cents: 50_00 });
    expect(amount).toBe(400_00);
    // Both batches reconcile: the processor's lost chargeback is the $200.00 taken back here.
    for (const id of new Set([settlementId, lines[0]!.settlement_id])) {
      const report = await stack.operator.get(`/api/operator/settlements/${id}/reconciliation`).expect(200);
      expect({ id, agrees: report.body.agrees, differences: report.body.differences }).toEqual({ id, agrees: true, differences: [] });
    }
    await waitForEmail(sink, await operatorEmail(), (message) => message.subject.includes(`Payment ${number}: chargeback of $200.00 lost`));
    await waitForEmail(sink, await customerEmail(customer), (message) => message.subject.includes(number));
  });

  it('keeps a card payment whole when its dispute is won, and ignores the dispute events replayed late and out of order', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const [invoice] = await invoices(customer, [75_00]);
    const { paymentId } = await paidAndPosted(customer, cardId, [invoice!.id]);
    const transferId = await transferOf(paymentId);

    const dispute = await stack.emulators.moov.admin.disputeTransfer(transferId);
    await waitForStatus(paymentId, 'disputed');
    await stack.emulators.moov.admin.resolveDispute(transferId, dispute.disputeID, 'won');
    await waitForStatus(paymentId, 'settled');

    // Moov delivers the opening again after the outcome: a hint only, the dispute as read stays won.
    const events = await stack.emulators.moov.admin.events({ transferID: transferId });
    for (const event of events.filter((candidate) => candidate.type.startsWith('dispute.')).reverse()) await stack.emulators.moov.admin.redeliver(event.eventID);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await paymentStatus(stack.db, paymentId)).toBe('settled');
    expect(await balance(invoice!.id)).toBe(0);
    expect(await reversalLines(paymentId)).toHaveLength(0);
    expect((await stack.db('payment_disputes').where({ payment_id: paymentId }).first('status')).status).toBe('won');
  });

  it('refunds part of a settled card payment by item, then the rest, through the payment workflow', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const [first, second] = await invoices(customer, [120_00, 80_00]);
    const { paymentId, number } = await paidAndPosted(customer, cardId, [first!.id, second!.id]);
    const applications = await stack.db('payment_applications').where({ payment_id: paymentId }).orderBy('id');
    const secondApplication = applications.find((application) => application.invoice_id === second!.id);

    const requestId = randomUUID();
    const partly = { request_id: requestId, reason: 'Damaged delivery on the second invoice', items: [{ application_id: String(secondApplication.id), amount_cents: 30_00 }] };
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, partly).expect(200);
    // The same request again refunds nothing more.
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, partly).expect(200);
    expect(await balance(second!.id)).toBe(30_00);
    expect(await balance(first!.id)).toBe(0);
    expect((await stack.db('payments').where({ id: paymentId }).first('reversed_cents')).reversed_cents).toBe(30_00);
    expect(await paymentStatus(stack.db, paymentId)).toBe('settled');

    const tooMuch = await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, { request_id: randomUUID(), reason: 'Refund too much', amount_cents: 500_00 }).expect(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'refund_invalid', message: expect.stringContaining('$170.00') });

    const rest = { request_id: randomUUID(), reason: 'Order cancelled' };
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, rest).expect(200);
    await waitForStatus(paymentId, 'refunded');
    // The same request again (its answer lost on the way): the refund it made, not a refusal.
    const again = await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, rest).expect(200);
    expect(again.body.status).toBe('refunded');
    expect(await balance(first!.id)).toBe(120_00);
    expect(await balance(second!.id)).toBe(80_00);
    const lines = await reversalLines(paymentId);
    expect(lines.reduce((sum, line) => sum + Number(line.amount_cents), 0)).toBe(-200_00);
    const refunds = await stack.db('payment_reversals').where({ payment_id: paymentId, kind: 'refund' });
    expect(refunds.map((refund) => Number(refund.amount_cents)).sort((a, b) => a - b)).toEqual([30_00, 170_00]);
    expect(await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.refund_full' }).first()).toBeTruthy();
    await waitForEmail(sink, await customerEmail(customer), (message) => message.subject === `Payment ${number} has been refunded`);
  });

  it('books an R01 two banking days after settlement while the first run is still open', async () => {
    const customer = await payingCustomer(stack);
    const [invoice] = await invoices(customer, [64_00]);
    const submitted = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice!.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    const paymentId: string = submitted.body.payment.id;
    await waitForStatus(paymentId, 'settled');
    await stack.emulators.moov.admin.advanceClock({ businessDays: 2 });
    await stack.emulators.moov.admin.returnTransfer(await transferOf(paymentId), 'R01');
    await waitForStatus(paymentId, 'returned');
    expect(await balance(invoice!.id)).toBe(64_00);
    expect(await runsOf(paymentId)).toEqual(['paymentWorkflow']);
    // The books move inside the activity; the workflow records it once the activity answers.
    await eventually(async () => {
      const history = (await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).query(paymentStateQuery)).history;
      expect(history.map((entry) => entry.status)).toEqual(expect.arrayContaining(['settled', 'returned']));
    });
    const toCustomer = await waitForEmail(sink, await customerEmail(customer), (message) => message.subject === `Payment ${submitted.body.payment.number} was returned by your bank`);
    expect(toCustomer.text).toMatch(/enough funds|insufficient/i);
  });

  it('flags a payment still pending after three business days by the workflow’s own timer', async () => {
    const customer = await payingCustomer(stack);
    const [invoice] = await invoices(customer, [93_00]);
    // 93.00 by ACH: the emulator's bank never clears it.
    const submitted = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice!.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    const paymentId: string = submitted.body.payment.id;
    expect((await stack.db('payments').where({ id: paymentId }).first('needs_investigation')).needs_investigation).toBe(false);
    await eventually(async () => expect((await stack.db('payments').where({ id: paymentId }).first('needs_investigation')).needs_investigation).toBe(true), 60_000);
    const audit = await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.needs_investigation' }).first();
    expect(audit).toMatchObject({ actor_kind: 'system' });
    expect((await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).query(paymentStateQuery)).needsInvestigation).toBe(true);
    expect(await paymentStatus(stack.db, paymentId)).toBe('pending');
  });

  it('refunds a card payment whose first run has closed, in a follow-up run under the same id', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const [invoice] = await invoices(customer, [55_00]);
    const { paymentId } = await paidAndPosted(customer, cardId, [invoice!.id]);
    await firstRunClosed(paymentId);
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, { request_id: randomUUID(), reason: 'Customer returned the order' }).expect(200);
    expect(await paymentStatus(stack.db, paymentId)).toBe('refunded');
    expect(await balance(invoice!.id)).toBe(55_00);
    expect(await runsOf(paymentId)).toEqual(['paymentWorkflow', 'paymentAftermathWorkflow']);
  });
  it('refunds part of a settled ACH payment as an ACH credit whose own events reach the payment', async () => {
    const customer = await payingCustomer(stack);
    const [invoice] = await invoices(customer, [240_00]);
    const { paymentId, settlementId } = await paidAndPosted(customer, customer.bankMethodId, [invoice!.id]);
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/refund`, { request_id: randomUUID(), reason: 'Overcharged for delivery', amount_cents: 40_00 }).expect(200);
    expect(await balance(invoice!.id)).toBe(40_00);
    const refund = await stack.db('payment_reversals').where({ payment_id: paymentId, kind: 'refund' }).first();
    expect(refund.source_id).not.toBe(await transferOf(paymentId));
    expect(refund.processor_status).toMatch(/^ACH credit pending/);

    // The credit travels on its own: its webhooks name the credit, not the debit, and are
    // routed to the payment, whose run re-reads the refund and records where the money is.
    await eventually(async () => {
      expect((await stack.db('payment_reversals').where({ id: refund.id }).first('processor_status')).processor_status).toMatch(/^ACH credit completed/);
    }, 60_000);
    expect(await paymentForTransfer(stack.db, refund.source_id, undefined)).toEqual({ id: paymentId });
    expect(await paymentStatus(stack.db, paymentId)).toBe('settled');
    // The refund is a transfer of its own at the processor; the report still finds the $40.00.
    const reversal = (await reversalLines(paymentId))[0]!;
    await postSettlement(reversal.settlement_id);
    for (const id of new Set([settlementId, reversal.settlement_id])) {
      const report = await stack.operator.get(`/api/operator/settlements/${id}/reconciliation`).expect(200);
      expect({ id, agrees: report.body.agrees, differences: report.body.differences }).toEqual({ id, agrees: true, differences: [] });
    }
  });
  it('tells operators when a lost chargeback is won on appeal, without putting the money back on items by itself', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const [invoice] = await invoices(customer, [260_00]);
    const { paymentId, number } = await paidAndPosted(customer, cardId, [invoice!.id]);
    const transferId = await transferOf(paymentId);
    const dispute = await stack.emulators.moov.admin.disputeTransfer(transferId, 60_00);
    await waitForStatus(paymentId, 'disputed');
    await stack.emulators.moov.admin.resolveDispute(transferId, dispute.disputeID, 'lost');
    await eventually(async () => expect(await balance(invoice!.id)).toBe(60_00), 60_000);

    await stack.emulators.moov.admin.overturnDispute(transferId, dispute.disputeID);
    const alert = await waitForEmail(sink, await operatorEmail(), (message) => message.subject === `Payment ${number}: chargeback of $60.00 overturned, the money is back`, 60_000);
    expect(alert.text).toContain(`${invoice!.invoice_number} ($60.00)`);
    expect((await stack.db('payment_disputes').where({ payment_id: paymentId }).first('status')).status).toBe('won');
    const audit = await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.chargeback_overturned' });
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({ disputeId: dispute.disputeID, amountCents: 60_00 });
    // The reopened item waits for the AR team's decision; nothing is booked twice.
    expect(await balance(invoice!.id)).toBe(60_00);
    expect(await paymentStatus(stack.db, paymentId)).toBe('settled');
  });

});
