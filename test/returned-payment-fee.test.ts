import { randomUUID } from 'node:crypto';
import { WorkflowExecutionStatusName } from '@temporalio/client';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { signalPaymentEvent } from '../workflows/payment-client';
import { paymentWorkflowId } from '../workflows/payment-definitions';
import { returnedPaymentFeeIdempotencyKey } from '../activities/returned-payment-fee';
import { startEmailRelay } from '../worker/duties';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, startMailSink, waitForEmail } from './support/portal';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';

/**
 * The dealer's returned payment fee, through the real path: the Moov emulator's signed
 * webhooks into the API, the payment's workflow, the books, the fee sent to the Spruce
 * emulator over HTTP, and the customer's email read from the SMTP sink. The dealer starts on
 * the Spruce integration; one test moves it to files. A business day lasts one second here.
 */
jest.setTimeout(240_000);

describe('returned payment fee', () => {
  let spruce: SpruceEmulator;
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let stopRelay: () => void;
  const tenantId = `fee-${randomUUID().slice(0, 8)}`;
  const apiKey = `key-${randomUUID()}`;

  beforeAll(async () => {
    sink = await startMailSink();
    spruce = await startSpruceEmulator({ port: 0 });
    spruce.store.createTenant({ id: tenantId, name: 'Fee Lumber', apiKey });
    stack = await startPaymentStack({
      businessDayMs: 1_000,
      config: { SMTP_URL: sink.smtpUrl },
      dealer: { integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, settlement_cutoff: '17:00', time_zone: 'America/Chicago' },
    });
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
  });
  afterAll(async () => {
    stopRelay();
    await stack.stop();
    await spruce.stop();
    await sink.stop();
  });

  const setFee = (cents: number) => stack.operator.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: cents }).expect(200);
  const waitForStatus = (paymentId: string, status: string, timeoutMs = 60_000) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), timeoutMs);
  const transferOf = async (paymentId: string) => (await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id as string;
  const numberOf = async (paymentId: string) => (await stack.db('payments').where({ id: paymentId }).first('number')).number as string;
  const customerEmail = async (customer: PayingCustomer) => (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;
  const feeRow = (paymentId: string) => stack.db('returned_payment_fees').where({ payment_id: paymentId }).first();
  const feeAdjustments = (customer: PayingCustomer) => stack.db('adjustments').where({ customer_account_id: customer.accountId }).whereLike('adjustment_number', 'DM-RPF-%');
  const spruceFees = (erpAccountId: string) => [...spruce.store.tenant(tenantId).objects.adjustment.values()].filter((adjustment) => adjustment.account_id === erpAccountId);

  /** A paying customer whose account Spruce knows too, so a fee can be put on it there. */
  async function spruceCustomer(): Promise<PayingCustomer & { erpAccountId: string }> {
    const customer = await payingCustomer(stack);
    const { erp_account_id: erpAccountId } = await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id');
    spruce.store.loadBook(tenantId, { accounts: [{ id: erpAccountId, name: 'Fee builder' }] });
    return { ...customer, erpAccountId };
  }

  async function firstRunClosed(paymentId: string): Promise<void> {
    await eventually(async () => {
      const description = await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).describe();
      expect(description.status.name).toBe('COMPLETED' satisfies WorkflowExecutionStatusName);
    }, 90_000);
  }

  it('charges nothing while the dealer’s fee is off (the default)', async () => {
    expect((await stack.db('dealers').where({ id: stack.dealerId }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(0);
    const customer = await spruceCustomer();
    const paymentId = await submitBankPayment(stack, customer, 91_01); // emulator: returned R01 before clearing
    await waitForStatus(paymentId, 'failed');
    await firstRunClosed(paymentId);
    expect(await feeRow(paymentId)).toBeUndefined();
    expect(await feeAdjustments(customer)).toEqual([]);
    expect(spruceFees(customer.erpAccountId)).toEqual([]);
  });

  it('puts one fee on the account after an R01, in our books and in Spruce, however often the return is reported', async () => {
    await setFee(25_00);
    const customer = await spruceCustomer();
    const paymentId = await submitBankPayment(stack, customer, 245_00);
    await waitForStatus(paymentId, 'settled');
    const number = await numberOf(paymentId);

    // Every webhook is delivered twice from here on.
    await stack.emulators.moov.admin.setWebhookFaults({ duplicate: 1 });
    try {
      await stack.emulators.moov.admin.returnTransfer(await transferOf(paymentId), 'R01');
      await waitForStatus(paymentId, 'returned');
      await eventually(async () => expect(await feeRow(paymentId)).toMatchObject({ erp_status: 'sent', amount_cents: 25_00, return_code: 'R01' }), 60_000);
    } finally {
      await stack.emulators.moov.admin.clearWebhookFaults();
    }
    // A later change of the setting does not change a fee already charged.
    await setFee(40_00);
    await firstRunClosed(paymentId);

    // The same news again, after the first run has closed, under a fresh event id: a follow-up run re-reads it and charges nothing more.
    const config = testConfig({ TASK_QUEUE: stack.taskQueue, BUSINESS_DAY_MS: '1000', RECONCILE_POLL_MS: '1000' });
    await signalPaymentEvent(stack.db, stack.temporal, config, paymentId, { eventId: randomUUID(), type: 'transfer.updated', transferId: await transferOf(paymentId) });
    await eventually(async () => {
      const runs: string[] = [];
      for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${paymentWorkflowId(paymentId)}' AND ExecutionStatus = 'Completed'` })) runs.push(run.type);
      expect(runs.sort()).toEqual(['paymentAftermathWorkflow', 'paymentWorkflow']);
    }, 90_000);

    const adjustments = await feeAdjustments(customer);
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0]).toMatchObject({
      kind: 'debit', reason: 'charge', adjustment_number: `DM-RPF-${number}`, amount_cents: 25_00, balance_cents: 25_00, status: 'open',
      description: `Returned payment fee — payment ${number}, R01 Insufficient Funds`,
    });
    expect(await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.returned_fee_charged' })).toHaveLength(1);

    // In Spruce once, as a change in its feed, under the key derived from the payment; nothing in its GL.
    expect(spruceFees(customer.erpAccountId)).toEqual([expect.objectContaining({ id: `DM-RPF-${number}`, kind: 'debit', amount_cents: 25_00, balance_cents: 25_00, status: 'open' })]);
    expect(spruce.store.tenant(tenantId).changes.filter((change) => change.id === `DM-RPF-${number}`)).toHaveLength(1);
    expect(spruce.store.tenant(tenantId).idempotency.has(returnedPaymentFeeIdempotencyKey(paymentId))).toBe(true);
    expect(spruce.store.tenant(tenantId).ledger.filter((posting) => posting.document_id === `DM-RPF-${number}`)).toEqual([]);

    // Payable in the portal like any debit adjustment.
    const outstanding = await customer.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}&view=all`).expect(200);
    expect(itemsIn(outstanding.body)).toContainEqual(expect.objectContaining({ type: 'debit', id: adjustments[0].id, number: `DM-RPF-${number}`, payableCents: 25_00 }));

    // The customer's return notice names the fee and links it for payment.
    const toCustomer = await waitForEmail(sink, await customerEmail(customer), (message) => message.subject === `Payment ${number} was returned by your bank`, 60_000);
    expect(toCustomer.text).toContain(`returned payment fee of $25.00 to your account (DM-RPF-${number})`);
    expect(toCustomer.text).toContain(adjustments[0].id);
  });

  it('waits out a Spruce outage and sends the fee once Spruce is back', async () => {
    await setFee(25_00);
    const customer = await spruceCustomer();
    const paymentId = await submitBankPayment(stack, customer, 130_00);
    await waitForStatus(paymentId, 'settled');
    await spruce.setFaults({ outage: 'unavailable' });
    try {
      await stack.emulators.moov.admin.returnTransfer(await transferOf(paymentId), 'R09');
      await waitForStatus(paymentId, 'returned');
      // Booked with the return, in our books, while Spruce cannot be reached.
      expect(await feeRow(paymentId)).toMatchObject({ erp_status: 'pending', amount_cents: 25_00 });
      expect(await feeAdjustments(customer)).toHaveLength(1);
      expect(spruceFees(customer.erpAccountId)).toEqual([]);
      // The workflow's activity is failing against the outage and being retried, not given up.
      await eventually(async () => {
        const { raw } = await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).describe();
        const sending = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'sendReturnedPaymentFee');
        expect(sending?.attempt).toBeGreaterThanOrEqual(2);
        expect(sending?.lastFailure?.message).toMatch(/unavailable/i);
      }, 60_000);
      expect(await feeRow(paymentId)).toMatchObject({ erp_status: 'pending' });
    } finally {
      await spruce.setFaults({ outage: 'none' });
    }
    await eventually(async () => expect(await feeRow(paymentId)).toMatchObject({ erp_status: 'sent' }), 90_000);
    expect(spruceFees(customer.erpAccountId)).toEqual([expect.objectContaining({ amount_cents: 25_00, description: expect.stringContaining('R09 Uncollected Funds') })]);
  });

  it('keeps a file-based dealer’s fee in our books only, and never charges a declined card', async () => {
    await setFee(25_00);
    await stack.db('dealers').where({ id: stack.dealerId }).update({ integration_mode: 'file' });
    try {
      const customer = await spruceCustomer();
      const paymentId = await submitBankPayment(stack, customer, 91_01); // returned R01 before clearing
      await waitForStatus(paymentId, 'failed');
      await firstRunClosed(paymentId);
      const number = await numberOf(paymentId);
      expect(await feeRow(paymentId)).toMatchObject({ erp_status: 'books_only', amount_cents: 25_00, return_code: 'R01' });
      expect(await feeAdjustments(customer)).toEqual([expect.objectContaining({ adjustment_number: `DM-RPF-${number}`, amount_cents: 25_00, status: 'open' })]);
      expect(spruceFees(customer.erpAccountId)).toEqual([]);
      const toCustomer = await waitForEmail(sink, await customerEmail(customer), (message) => message.subject === `Payment ${number} did not go through`, 60_000);
      expect(toCustomer.text).toContain('returned payment fee of $25.00');

      const cardId = await linkCard(stack, customer);
      const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 94_02, dueDate: '2026-12-15' }); // emulator: card declined
      const declined = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
        .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
        .expect(201);
      await waitForStatus(declined.body.payment.id, 'failed');
      await firstRunClosed(declined.body.payment.id);
      expect(await feeRow(declined.body.payment.id)).toBeUndefined();
      expect(await feeAdjustments(customer)).toHaveLength(1);
    } finally {
      await stack.db('dealers').where({ id: stack.dealerId }).update({ integration_mode: 'spruce' });
    }
  });
});

/** Every outstanding item in the portal's answer, wherever it is grouped. */
function itemsIn(body: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(body)) return body.flatMap(itemsIn);
  if (!body || typeof body !== 'object') return [];
  const record = body as Record<string, unknown>;
  const own = typeof record.number === 'string' && typeof record.payableCents === 'number' ? [record] : [];
  return [...own, ...Object.values(record).flatMap(itemsIn)];
}
