import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';
import { randomUUID } from 'node:crypto';

/**
 * Records payment workflow histories as replay fixtures (test/replay/payment-histories/). Not
 * part of a normal run: it runs only with RECORD_PAYMENT_HISTORIES=1, and with
 * RECORD_WORKFLOWS_PATH pointing at an older copy of workflows/index.ts (e.g. extracted with
 * `git archive <commit> workflows domain`) it records what that version of the code wrote, which
 * the replay test then holds the current code to.
 */
const record = process.env.RECORD_PAYMENT_HISTORIES === '1' ? describe : describe.skip;
const OUT = path.resolve(__dirname, 'payment-histories');

jest.setTimeout(180_000);

record('record payment workflow histories', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    if (process.env.RECORD_WORKFLOWS_PATH) {
      const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(process.env.RECORD_WORKFLOWS_PATH) });
      const bundlePath = path.resolve('.tmp', `record-bundle-${process.pid}.js`);
      writeFileSync(bundlePath, bundle.code);
      process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
    }
    mkdirSync(OUT, { recursive: true });
    stack = await startPaymentStack({ businessDayMs: 1000, reconcilePollMs: 500 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const save = async (name: string, paymentId: string) => {
    // Binary protobuf: the SDK's JSON reader (historyFromJSON) fails on the protobufjs versions
    // installed here ("type must be a Type"), the binary codec of @temporalio/proto does not.
    const history = await stack.temporal.workflow.getHandle(`payment-${paymentId}`).fetchHistory();
    writeFileSync(path.join(OUT, `${name}.history.bin`), temporal.api.history.v1.History.encode(history).finish());
  };
  const waitForStatus = (paymentId: string, status: string) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), 60_000);
  const submitCard = async (amountCents: number) => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
    const response = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }] })
      .expect(201);
    return response.body.payment.id as string;
  };

  it('records a card payment that settles and waits out its return window', async () => {
    const id = await submitCard(125_00);
    await waitForStatus(id, 'settled');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await save('card-settled', id);
  });

  it('records a card payment disputed and refunded', async () => {
    const id = await submitCard(310_00);
    await waitForStatus(id, 'settled');
    // The read model says settled a moment before the workflow's own state does.
    await eventually(async () => { await stack.operator.send('post', `/api/operator/payments/${id}/dispute`, { reason: 'Customer says goods not delivered' }).expect(200); }, 20_000, 300);
    await stack.operator.send('post', `/api/operator/payments/${id}/resolve-dispute`, { reason: 'Refund agreed', outcome: 'refunded' }).expect(200);
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(`payment-${id}`).describe()).status.name).toBe('COMPLETED'));
    await save('card-disputed-refunded', id);
  });

  it('records a declined card', async () => {
    const id = await submitCard(94_02);
    await waitForStatus(id, 'failed');
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(`payment-${id}`).describe()).status.name).toBe('COMPLETED'));
    await save('card-declined', id);
  });

  it('records an ACH payment frozen, released, frozen again and terminated', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 93_00);
    await eventually(async () => expect((await stack.db('payments').where({ id }).first()).moov_transfer_id).toBeTruthy());
    await stack.operator.send('post', `/api/operator/payments/${id}/freeze`, { reason: 'Checking remittance' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/release`, {}).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/freeze`, { reason: 'Duplicate' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(`payment-${id}`).describe()).status.name).toBe('COMPLETED'));
    await save('ach-frozen-terminated', id);
  });

  it('records an ACH payment that settles and is then returned', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 245_00);
    await waitForStatus(id, 'settled');
    const transferId = (await stack.db('payments').where({ id }).first()).moov_transfer_id;
    await stack.emulators.moov.admin.returnTransfer(transferId, 'R02');
    await waitForStatus(id, 'returned');
    await eventually(async () => expect((await stack.temporal.workflow.getHandle(`payment-${id}`).describe()).status.name).toBe('COMPLETED'));
    await save('ach-returned', id);
  });
});
