import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { paymentActionRefusal } from '../workflows/payment-client';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from './support/payment-stack';

/**
 * Operator actions the processor refuses: an ACH debit already sent to the bank cannot be
 * cancelled. The operator must read that, and the next step, as a 409 with a code, never
 * Temporal's "Activity task failed". ACH business days last a minute here, and the emulator
 * clock is moved by hand so a transfer sits `originated` for as long as the test needs.
 */
jest.setTimeout(120_000);

describe('payment actions the processor refuses', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ achBusinessDayMs: 60_000, businessDayMs: 600_000 });
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** A bank payment whose ACH debit the bank already has (originated, not yet cleared). */
  async function originatedAchPayment(amountCents: number): Promise<{ id: string; number: string; transferId: string }> {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, amountCents);
    await eventually(async () => expect((await stack.db('payments').where({ id }).first('moov_transfer_id')).moov_transfer_id).toBeTruthy());
    const { moov_transfer_id: transferId, number } = await stack.db('payments').where({ id }).first('moov_transfer_id', 'number');
    // Origination happens a quarter of a business day in; clearing two days in.
    await stack.emulators.moov.admin.advanceClock({ businessDays: 0.3 });
    await eventually(async () => expect((await stack.emulators.moov.admin.getTransfer(transferId)).source.achDetails?.status).toBe('originated'));
    return { id, number, transferId };
  }

  it('refuses to terminate an originated ACH payment with a 409 that says the money must be sent back, and changes nothing', async () => {
    const payment = await originatedAchPayment(612_40);
    const response = await stack.operator.send('post', `/api/operator/payments/${payment.id}/terminate`, { reason: 'Customer paid twice' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('transfer_not_cancellable');
    expect(response.body.error.message).toBe(
      `Payment ${payment.number} has already been sent to the customer's bank, so it can no longer be cancelled; the money must be sent back instead. ` +
        'Refund it once it has settled, or freeze it now to keep it out of settlement.',
    );
    expect(response.body.error.message).not.toMatch(/activity|workflow|temporal/i);
    expect(await paymentStatus(stack.db, payment.id)).toBe('pending');
    expect((await stack.emulators.moov.admin.getTransfer(payment.transferId)).status).toBe('pending');
    expect(await stack.db('payment_events').where({ payment_id: payment.id, event: 'terminate' }).first()).toBeUndefined();

    // The next step it names works: the payment can be frozen, and the refusal then says so.
    await stack.operator.send('post', `/api/operator/payments/${payment.id}/freeze`, { reason: 'Customer paid twice' }).expect(200);
    const frozen = await stack.operator.send('post', `/api/operator/payments/${payment.id}/terminate`, { reason: 'Customer paid twice' });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error).toEqual({
      code: 'transfer_not_cancellable',
      message: `Payment ${payment.number} has already been sent to the customer's bank, so it can no longer be cancelled; the money must be sent back instead. ` +
        'It stays frozen, and out of settlement, until you release it; refund it once it has settled.',
    });
    expect(await paymentStatus(stack.db, payment.id)).toBe('frozen');
    // The workflow is unharmed by the refusals: it still takes actions.
    await stack.operator.send('post', `/api/operator/payments/${payment.id}/release`, {}).expect(200);
  });

  it('still terminates an ACH payment the bank does not have yet', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 93_00); // emulator: stays initiated
    await eventually(async () => expect((await stack.db('payments').where({ id }).first()).moov_transfer_id).toBeTruthy());
    const response = await stack.operator.send('post', `/api/operator/payments/${id}/terminate`, { reason: 'Wrong invoice' }).expect(200);
    expect(response.body.status).toBe('terminated');
  });

  it('keeps the status machine refusals on the same mapping', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 93_00);
    const release = await stack.operator.send('post', `/api/operator/payments/${id}/release`, {});
    expect(release.status).toBe(409);
    expect(release.body.error).toEqual({ code: 'illegal_transition', message: 'Only a frozen payment can be released; this one is pending.' });
  });

  it('shows a plain sentence, never Temporal’s text, for an update that failed without a refusal', () => {
    const activityFailure = new ActivityFailure('Activity task failed', 'terminatePayment', 'id-1', RetryState.NON_RETRYABLE_FAILURE, 'worker', ApplicationFailure.nonRetryable('connection reset by peer', 'NonRetryable'));
    const refusal = paymentActionRefusal(new WorkflowUpdateFailedError('Workflow Update failed', activityFailure), { paymentId: 'p', action: 'terminate' });
    expect(refusal.kind).toBe('conflict');
    expect(refusal.code).toBe('action_failed');
    expect(refusal.message).not.toMatch(/activity|workflow update|connection reset/i);

    // A refusal passed on inside an ActivityFailure (not re-thrown by the workflow) still reads as itself.
    const wrapped = new ActivityFailure('Activity task failed', 'terminatePayment', 'id-2', RetryState.NON_RETRYABLE_FAILURE, 'worker',
      ApplicationFailure.create({ type: 'TransferNotCancellable', message: 'Payment P-1 has already been sent to the customer’s bank.', nonRetryable: true }));
    const passedOn = paymentActionRefusal(new WorkflowUpdateFailedError('Workflow Update failed', wrapped), { paymentId: 'p', action: 'terminate' });
    expect({ kind: passedOn.kind, code: passedOn.code, message: passedOn.message }).toEqual({ kind: 'conflict', code: 'transfer_not_cancellable', message: 'Payment P-1 has already been sent to the customer’s bank.' });
  });
});
