import path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { eventually } from '../support/eventually';
import { createOperator } from '../support/operator';
import { payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from '../support/payment-stack';

/**
 * Payment review actions the processor refuses, in Debian's Chromium (playwright-core, never a
 * downloaded browser) on real parts: Terminate on an ACH payment the bank already has must
 * leave the dialog open with the sentence that says why and what to do, never Temporal's
 * "Activity task failed". Screenshots go to test-results/ for a person to look at.
 */
jest.setTimeout(240_000);

describe('Operator console in a browser: a refused payment action', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let opened: ConsolePage | undefined;
  let operatorEmail: string;
  let payment: { id: string; number: string };

  beforeAll(async () => {
    // ACH business days last a minute and the emulator clock is moved by hand, so the debit
    // sits `originated` (sent to the bank, not cleared) for as long as the test looks at it.
    stack = await startPaymentStack({ achBusinessDayMs: 60_000, businessDayMs: 600_000 });
    operatorEmail = (await createOperator(stack.db, stack.dealerId, { role: 'admin', name: 'Avery Admin' })).email;
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 1_845_00);
    await eventually(async () => expect((await stack.db('payments').where({ id }).first('moov_transfer_id')).moov_transfer_id).toBeTruthy());
    const row = await stack.db('payments').where({ id }).first('number', 'moov_transfer_id');
    await stack.emulators.moov.admin.advanceClock({ businessDays: 0.3 });
    await eventually(async () => expect((await stack.emulators.moov.admin.getTransfer(row.moov_transfer_id)).source.achDetails?.status).toBe('originated'));
    payment = { id, number: row.number };

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });

  it('keeps the Terminate dialog open with the reason and the next step when the ACH debit is already at the bank', async () => {
    opened = await consoleAs(browser, stack.apiUrl, operatorEmail);
    const { page } = opened;
    await page.goto(`${stack.apiUrl}/admin/#/payments/${payment.id}/show`);
    await page.getByTestId('payment-detail').waitFor();
    await expectText(page.getByTestId('payment-status'), /^Pending$/);
    await page.getByTestId('review-actions').getByRole('button', { name: 'Terminate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (required)').fill('Customer paid this invoice twice');
    await dialog.getByRole('button', { name: 'Terminate' }).click();

    const refusal = dialog.getByTestId('action-refusal');
    await expectText(refusal, new RegExp(`^Payment ${payment.number} has already been sent to the customer's bank, so it can no longer be cancelled; the money must be sent back instead\\. Refund it once it has settled, or freeze it now to keep it out of settlement\\.$`));
    expect(await refusal.innerText()).not.toMatch(/activity|workflow|temporal/i);
    // The dialog stays open for the operator to read it; nothing moved.
    expect(await dialog.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-payment-actions-01-terminate-refused.png'), fullPage: true });
    expect(await paymentStatus(stack.db, payment.id)).toBe('pending');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expectText(page.getByTestId('payment-status'), /^Pending$/);
    // The step it names is there to take.
    await page.getByTestId('review-actions').getByRole('button', { name: 'Freeze' }).waitFor();
  });
});
