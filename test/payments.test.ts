import { randomUUID } from 'node:crypto';
import { signMoovWebhook } from '../integrations/moov-webhooks';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, WEBHOOK_SECRET, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createAdjustment, createInvoice } from './support/portal';
import { ReservationConflict, reserveItems } from '../db/payments';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';

/**
 * Payments end to end on real parts: portal API → PostgreSQL (reservations) → payment-<id>
 * workflow on the Temporal dev server → Moov emulator through @moovio/sdk → signed webhooks
 * back into the API → settlement. Business days last two seconds here.
 */
jest.setTimeout(120_000);

describe('payments', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const invoice = (customer: PayingCustomer, amountCents: number) =>
    createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });

  const submit = (customer: PayingCustomer, items: Array<{ type: 'invoice' | 'debit' | 'credit'; id: string; amountCents?: number }>, paymentMethodId: string, key = randomUUID()) =>
    customer.session.agent
      .post('/api/portal/payments')
      .set('X-CSRF-Token', customer.session.csrfToken)
      .set('Idempotency-Key', key)
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId, sourceView: 'all', items, achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION });

  const waitForStatus = (paymentId: string, status: string, timeoutMs = 30_000) =>
    eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), timeoutMs);

  const balances = async (invoiceId: string) => stack.db('invoices').where({ id: invoiceId }).first('balance_cents', 'reserved_cents', 'status');

  it('previews exactly what it then charges, and a card payment settles within seconds', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const inv = await invoice(customer, 125_00);
    const preview = await customer.session.send('post', '/api/portal/payments/preview', {
      dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: inv.id }],
    }).expect(200);
    expect(preview.body).toMatchObject({ itemsCents: 125_00, amountCents: 125_00, errors: [] });

    const response = await submit(customer, [{ type: 'invoice', id: inv.id }], cardId).expect(201);
    expect(response.body.payment).toMatchObject({ status: 'pending', amountCents: preview.body.amountCents });
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 125_00, reserved_cents: 125_00 });

    await waitForStatus(response.body.payment.id, 'settled');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 0, reserved_cents: 0, status: 'paid' });
    // Joining the day's settlement is the step after settling.
    await eventually(async () => expect((await stack.db('payments').where({ id: response.body.payment.id }).first()).settlement_id).not.toBeNull());
    const payment = await stack.db('payments').where({ id: response.body.payment.id }).first();
    const events = await stack.db('payment_events').where({ payment_id: payment.id }).orderBy('id').pluck('to_status');
    expect(events).toEqual(['pending', 'settled']);
    // Every transition, the submission included, is in the audit log with its actor.
    const audit = await stack.db('audit_events').where({ entity_type: 'payment', entity_id: payment.id }).orderBy('id').select('action', 'actor_kind', 'data');
    expect(audit.map((row) => [row.action, row.actor_kind, row.data.from, row.data.to])).toEqual([
      ['payment.submitted', 'customer', null, 'pending'],
      ['payment.processor_completed', 'processor', 'pending', 'settled'],
    ]);
  });

  it('clears an ACH payment only after its business days, then settles it', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 480_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await eventually(async () => {
      const row = await stack.db('payments').where({ id: body.payment.id }).first('moov_transfer_id');
      expect(row.moov_transfer_id).toBeTruthy();
    });
    expect(await paymentStatus(stack.db, body.payment.id)).toBe('pending');
    await waitForStatus(body.payment.id, 'settled');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 0, status: 'paid' });
  });

  it('fails a declined card and makes the invoice payable again', async () => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const inv = await invoice(customer, 94_02); // emulator: card declined (do-not-honor)
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], cardId).expect(201);
    await waitForStatus(body.payment.id, 'failed');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 94_02, reserved_cents: 0, status: 'open' });
    const row = await stack.db('payments').where({ id: body.payment.id }).first('failure_reason');
    expect(row.failure_reason).toMatch(/honor|declin/i);
  });

  it('re-opens balances, disables the bank account and alerts operators on an ACH return after settlement', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 245_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await waitForStatus(body.payment.id, 'settled');
    // The customer's bank returns the debit days later: account closed.
    const transferId = (await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id;
    await stack.emulators.moov.admin.returnTransfer(transferId, 'R02');
    await waitForStatus(body.payment.id, 'returned');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 245_00, reserved_cents: 0, status: 'open' });
    const method = await stack.db('payment_methods').where({ id: customer.bankMethodId }).first('status', 'disabled_reason');
    expect(method).toMatchObject({ status: 'disabled', disabled_reason: expect.stringContaining('R02') });
    expect(await stack.db('email_outbox').where({ kind: 'payment_alert' }).whereILike('subject', '%returned%').first()).toBeTruthy();
    const audit = await stack.db('audit_events').where({ entity_id: body.payment.id, action: 'payment.ach_returned' }).first();
    expect(audit.data).toMatchObject({ from: 'settled', to: 'returned' });
    const retry = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('payment_method_disabled');
  });

  it('fails a payment the processor refuses to create, with its reason, instead of leaving it pending', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 133_00);
    // The bank account is gone at the processor (removed, or disabled after a return on another payment).
    await stack.db('payment_methods').where({ id: customer.bankMethodId }).update({ moov_payment_method_id: `gone-${Date.now()}` });
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await waitForStatus(body.payment.id, 'failed');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 133_00, reserved_cents: 0, status: 'open' });
    expect((await stack.db('payments').where({ id: body.payment.id }).first('failure_reason')).failure_reason).toMatch(/payment method/i);
    // The run ends with the payment, rather than failing and leaving it pending.
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(`payment-${body.payment.id}`).describe()).status.name).toBe('COMPLETED'), 30_000);
  });

  it('fails an ACH debit the bank returns before it clears', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 91_01); // emulator: returned R01 (insufficient funds) before clearing
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await waitForStatus(body.payment.id, 'failed');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 91_01, reserved_cents: 0, status: 'open' });
    // R01 is about funds, not the account: it stays usable.
    expect((await stack.db('payment_methods').where({ id: customer.bankMethodId }).first()).status).toBe('active');
  });

  it('lets an operator freeze and release, and refuses illegal moves with a clear message', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 93_00); // emulator: ACH never leaves initiated until told
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    const paymentId = body.payment.id;
    await eventually(async () => expect((await stack.db('payments').where({ id: paymentId }).first()).moov_transfer_id).toBeTruthy());

    const noReason = await stack.operator.send('post', `/api/operator/payments/${paymentId}/freeze`, {});
    expect(noReason.status).toBe(400);
    const frozen = await stack.operator.send('post', `/api/operator/payments/${paymentId}/freeze`, { reason: 'Customer called about a duplicate' }).expect(200);
    expect(frozen.body).toMatchObject({ status: 'frozen', actions: expect.arrayContaining(['release', 'terminate']) });
    // The timeline names who acted, not just "operator" (createOperator's default name).
    expect(frozen.body.timeline).toEqual(expect.arrayContaining([
      expect.objectContaining({ event: 'submitted', actor_kind: 'customer', actor_name: expect.any(String) }),
      expect.objectContaining({ event: 'freeze', actor_kind: 'operator', actor_name: 'Dana Operator', reason: 'Customer called about a duplicate' }),
    ]));
    const again = await stack.operator.send('post', `/api/operator/payments/${paymentId}/freeze`, { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('illegal_transition');

    // Cleared while frozen: it must not settle until released.
    const transferId = (await stack.db('payments').where({ id: paymentId }).first()).moov_transfer_id;
    await stack.emulators.moov.admin.completeTransfer(transferId);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await paymentStatus(stack.db, paymentId)).toBe('frozen');

    await stack.operator.send('post', `/api/operator/payments/${paymentId}/release`, {}).expect(200);
    await waitForStatus(paymentId, 'settled');
    const timeline = await stack.db('payment_events').where({ payment_id: paymentId }).orderBy('id').pluck('event');
    expect(timeline).toEqual(['submitted', 'freeze', 'release', 'processor_completed']);
    const audit = await stack.db('audit_events').where({ entity_id: paymentId, action: 'payment.freeze' }).first();
    expect(audit.actor_kind).toBe('operator');
  });

  it('terminates a frozen payment: the transfer is cancelled and the balance is unchanged', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 93_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await eventually(async () => expect((await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id).toBeTruthy());
    await stack.operator.send('post', `/api/operator/payments/${body.payment.id}/freeze`, { reason: 'Wrong invoices selected' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${body.payment.id}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    expect(await paymentStatus(stack.db, body.payment.id)).toBe('terminated');
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 93_00, reserved_cents: 0, status: 'open' });
    const transfer = await stack.emulators.moov.admin.getTransfer((await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id);
    expect(['canceled', 'reversed']).toContain(transfer.status);
  });

  it('terminates a pending payment directly', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 93_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await eventually(async () => expect((await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id).toBeTruthy());
    const result = await stack.operator.send('post', `/api/operator/payments/${body.payment.id}/terminate`, { reason: 'Fraud check failed' }).expect(200);
    expect(result.body.status).toBe('terminated');
    expect(await balances(inv.id)).toMatchObject({ reserved_cents: 0, balance_cents: 93_00 });
  });

  it('is found in Temporal by the account number and payment number an operator reads out', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 93_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    const { number } = await stack.db('payments').where({ id: body.payment.id }).first('number');
    const { erp_account_id: accountNumber } = await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id');
    expect(number).toMatch(/^P-\d+$/);
    // Visibility is eventually consistent: poll until the new workflow is indexed.
    await eventually(async () => {
      const found: string[] = [];
      for await (const workflow of stack.temporal.workflow.list({ query: `CustomerAccount="${accountNumber}" AND PaymentNumber="${number}"` })) found.push(workflow.workflowId);
      // The id scheme is unchanged: signals and the console's links depend on it.
      expect(found).toEqual([`payment-${body.payment.id}`]);
    }, 30_000, 500);
  });

  it('returns the same payment for the same Idempotency-Key and refuses the key with another request', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 210_00);
    const other = await invoice(customer, 15_00);
    const key = randomUUID();
    const first = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId, key).expect(201);
    const second = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId, key).expect(200);
    expect(second.body.payment.id).toBe(first.body.payment.id);
    const reused = await submit(customer, [{ type: 'invoice', id: other.id }], customer.bankMethodId, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(await stack.db('payments').where({ company_id: customer.companyId }).count({ n: '*' })).toEqual([{ n: 1 }]);
    await eventually(async () => expect((await stack.db('payments').where({ id: first.body.payment.id }).first()).moov_transfer_id).toBeTruthy());
    const transfers = await stack.emulators.moovClient.listTransfers({ foreignId: first.body.payment.id });
    expect(transfers).toHaveLength(1);
  });

  it('lets only one of 20 concurrent payments take the same invoice', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 500_00);
    const responses = await Promise.all(Array.from({ length: 20 }, () => submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(responses.find((r) => r.status === 409)!.body.error.code).toBe('items_unavailable');
    expect(await balances(inv.id)).toMatchObject({ reserved_cents: 500_00 });
  });

  it('holds every item of a payment in one statement, and a refused hold keeps none and names the item', async () => {
    const customer = await payingCustomer(stack);
    const scope = { dealerId: stack.dealerId, customerAccountId: customer.accountId };
    const [first, second, taken] = await Promise.all([invoice(customer, 100_00), invoice(customer, 200_00), invoice(customer, 300_00)]);
    const debit = await createAdjustment(stack.db, stack.dealerId, customer.accountId, { kind: 'debit', amountCents: 40_00 });
    await stack.db('invoices').where({ id: taken.id }).update({ reserved_cents: 250_00 });

    const openBefore = await stack.db.transaction((trx) => reserveItems(trx, scope, [
      { itemType: 'invoice', itemId: second.id, amountCents: 150_00 },
      { itemType: 'debit', itemId: debit.id, amountCents: 40_00 },
      { itemType: 'invoice', itemId: first.id, amountCents: 30_00 },
      // Two lines of one item (a credit spread over invoices does this) are held as their sum.
      { itemType: 'invoice', itemId: first.id, amountCents: 20_00 },
    ]));
    expect(Object.fromEntries(openBefore)).toEqual({ [first.id]: 100_00, [second.id]: 200_00, [debit.id]: 40_00 });
    expect(await balances(first.id)).toMatchObject({ reserved_cents: 50_00 });
    expect(await balances(second.id)).toMatchObject({ reserved_cents: 150_00 });
    expect(await stack.db('adjustments').where({ id: debit.id }).first('reserved_cents')).toEqual({ reserved_cents: 40_00 });

    const refused = stack.db.transaction((trx) => reserveItems(trx, scope, [
      { itemType: 'invoice', itemId: first.id, amountCents: 50_00 },
      { itemType: 'invoice', itemId: taken.id, amountCents: 60_00 },
    ]));
    await expect(refused).rejects.toBeInstanceOf(ReservationConflict);
    await expect(refused).rejects.toMatchObject({ itemId: taken.id, message: `Invoice ${taken.invoice_number} has only 5000 cents left to pay after other payments in progress; refresh and try again.` });
    expect(await balances(first.id)).toMatchObject({ reserved_cents: 50_00 });
    expect(await balances(taken.id)).toMatchObject({ reserved_cents: 250_00 });

    // Another customer's invoice is not this account's to hold, whatever its balance.
    const stranger = await payingCustomer(stack);
    const theirs = await invoice(stranger, 80_00);
    await expect(stack.db.transaction((trx) => reserveItems(trx, scope, [{ itemType: 'invoice', itemId: theirs.id, amountCents: 10_00 }])))
      .rejects.toMatchObject({ itemId: theirs.id });
    expect(await balances(theirs.id)).toMatchObject({ reserved_cents: 0 });
  });

  it('refuses a forged webhook and ignores a duplicate delivery', async () => {
    const body = JSON.stringify({ eventID: randomUUID(), type: 'transfer.updated', data: { transferID: 'nope' }, createdOn: new Date().toISOString() });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(`${stack.apiUrl}/webhooks/moov`, {
      method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': 'n1', 'X-Webhook-ID': 'w1', 'X-Signature': signMoovWebhook('not-the-secret', { timestamp, nonce: 'n1', webhookId: 'w1' }) },
    });
    expect(forged.status).toBe(401);
    const signed = { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': 'n2', 'X-Webhook-ID': 'w1', 'X-Signature': signMoovWebhook(WEBHOOK_SECRET, { timestamp, nonce: 'n2', webhookId: 'w1' }) };
    expect((await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', body, headers: signed })).status).toBe(202);
    // Moov sends a duplicate with a fresh nonce; the same nonce again is a replay (test/security/webhook-refusals.test.ts).
    const resigned = { ...signed, 'X-Nonce': 'n3', 'X-Signature': signMoovWebhook(WEBHOOK_SECRET, { timestamp, nonce: 'n3', webhookId: 'w1' }) };
    const duplicate = await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', body, headers: resigned });
    expect(await duplicate.json()).toEqual({ status: 'duplicate' });
  });

  it('settles through the reconciliation poll when every webhook is lost', async () => {
    await stack.emulators.moov.admin.setWebhookFaults({ drop: 1000 });
    try {
      const customer = await payingCustomer(stack);
      const cardId = await linkCard(stack, customer);
      const inv = await invoice(customer, 77_00);
      const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], cardId).expect(201);
      await waitForStatus(body.payment.id, 'settled');
      expect(await stack.db('webhook_events').where({ provider: 'moov' }).whereRaw("payload->'data'->>'transferID' = ?", [(await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id]).first()).toBeUndefined();
    } finally {
      await stack.emulators.moov.admin.clearWebhookFaults();
    }
  });

  it('is unmoved by duplicated and reordered webhooks', async () => {
    await stack.emulators.moov.admin.setWebhookFaults({ duplicate: 2, reorder: true });
    try {
      const customer = await payingCustomer(stack);
      const cardId = await linkCard(stack, customer);
      const inv = await invoice(customer, 61_00);
      const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], cardId).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await stack.emulators.moov.admin.flushWebhooks();
      await waitForStatus(body.payment.id, 'settled');
      const events = await stack.db('payment_events').where({ payment_id: body.payment.id }).orderBy('id').pluck('to_status');
      expect(events).toEqual(['pending', 'settled']);
      expect(await balances(inv.id)).toMatchObject({ balance_cents: 0, reserved_cents: 0 });
    } finally {
      await stack.emulators.moov.admin.clearWebhookFaults();
    }
  });

  it('finishes a payment that was in flight when the worker died', async () => {
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 333_00);
    const { body } = await submit(customer, [{ type: 'invoice', id: inv.id }], customer.bankMethodId).expect(201);
    await eventually(async () => expect((await stack.db('payments').where({ id: body.payment.id }).first()).moov_transfer_id).toBeTruthy());
    await stack.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the ACH clears while nobody listens
    await stack.startWorker();
    await waitForStatus(body.payment.id, 'settled');
    const transfers = await stack.emulators.moovClient.listTransfers({ foreignId: body.payment.id });
    expect(transfers).toHaveLength(1);
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 0, reserved_cents: 0 });
  });

  it('refuses the same item twice in one request, naming the repeated line, in preview and submit alike', async () => {
    // Was: 201 charging 63.18, the 47.38 line gone without a word.
    const customer = await payingCustomer(stack);
    const inv = await invoice(customer, 200_00);
    const other = await invoice(customer, 30_00);
    const items = [{ type: 'invoice' as const, id: inv.id, amountCents: 47_38 }, { type: 'invoice' as const, id: other.id }, { type: 'invoice' as const, id: inv.id.toUpperCase(), amountCents: 63_18 }];
    const preview = await customer.session.send('post', '/api/portal/payments/preview', {
      dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items,
    }).expect(400);
    expect(preview.body.error).toMatchObject({ code: 'duplicate_item', message: expect.stringContaining('items.2'), details: [{ field: 'items.2', code: 'duplicate_item', message: expect.stringContaining('items.0') }] });
    const submitted = await submit(customer, items, customer.bankMethodId).expect(400);
    expect(submitted.body.error).toMatchObject({ code: 'duplicate_item', details: [expect.objectContaining({ field: 'items.2' })] });
    expect(Number((await stack.db('payments').where({ customer_account_id: customer.accountId }).count({ n: '*' }))[0]!.n)).toBe(0);
    expect(await balances(inv.id)).toMatchObject({ balance_cents: 200_00, reserved_cents: 0 });
    // Each once, with the amount meant, is the way to pay it.
    const once = await submit(customer, [{ type: 'invoice', id: inv.id, amountCents: 110_56 }], customer.bankMethodId).expect(201);
    expect(once.body.payment.amountCents).toBe(110_56);
  });

  it('hides other companies’ items: foreign ids are 404', async () => {
    const mine = await payingCustomer(stack);
    const theirs = await payingCustomer(stack);
    const theirInvoice = await invoice(theirs, 50_00);
    const attempt = await submit(mine, [{ type: 'invoice', id: theirInvoice.id }], mine.bankMethodId);
    expect(attempt.status).toBe(404);
    const theirAccount = await mine.session.send('post', '/api/portal/payments/preview', {
      dealerId: stack.dealerId, customerAccountId: theirs.accountId, paymentMethodId: mine.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: theirInvoice.id }],
    });
    expect(theirAccount.status).toBe(404);
    const theirMethod = await submit(mine, [], theirs.bankMethodId);
    expect(theirMethod.status).toBe(404);
  });
});
