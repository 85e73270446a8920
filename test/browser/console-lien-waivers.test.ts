import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { createOperator } from '../support/operator';
import { payingCustomer, startPaymentStack, submitPayment, type PaymentStack } from '../support/payment-stack';
import { pdfText } from '../support/pdf-text';
import { createInvoice, createJob } from '../support/portal';

/**
 * Lien waivers in the operator console, in Debian's Chromium on the real API: a payment's
 * waivers on its page, a waiver's PDF downloaded, and the waiver's page listing who received
 * it (the customer's download through the API, then the operator's own).
 */
jest.setTimeout(180_000);

describe('Operator console in a browser: lien waivers', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    stack = await startPaymentStack();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    await browser?.close();
    await stack?.stop();
  });

  it('shows the payment\'s waiver per job, downloads it, and lists who received it', async () => {
    const admin = await createOperator(stack.db, stack.dealerId, { role: 'admin', name: 'Avery Admin' });
    const customer = await payingCustomer(stack);
    await stack.db('customer_accounts').where({ id: customer.accountId }).update({ state: 'WA' });
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Harbor View Townhomes');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 3_905_20, dueDate: '2026-12-15', jobId: job.id });
    const payment = await submitPayment(stack, customer, customer.bankMethodId, [invoice.id]);
    const waiverId = (await stack.db('lien_waivers').where({ payment_id: payment.id }).first('id')).id as string;
    await customer.session.get(`/api/portal/lien-waivers/${waiverId}/pdf`).expect(200);

    opened = await consoleAs(browser, stack.apiUrl, admin.email);
    const { page } = opened;
    await page.goto(`${stack.apiUrl}/admin/#/payments/${payment.id}/show`);
    const panel = page.getByTestId('payment-lien-waivers');
    await panel.getByText('Conditional Waiver and Release on Progress Payment').waitFor();
    await panel.getByText('Harbor View Townhomes').waitFor();
    await panel.getByText('$3,905.20').waitFor();

    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-payment-lien-waivers-desktop.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await panel.getByRole('link', { name: 'PDF' }).click();
    const text = pdfText(readFileSync((await (await download).path())!)).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('CONDITIONAL WAIVER AND RELEASE ON PROGRESS PAYMENT');
    expect(text).toContain('Harbor View Townhomes');

    await panel.getByRole('link', { name: 'Conditional Waiver and Release on Progress Payment' }).click();
    const downloads = page.getByTestId('lien-waiver-downloads');
    await downloads.getByText('Customer (portal)').waitFor();
    await downloads.getByText('Operator (console)').waitFor();
    await downloads.getByText(/Avery Admin/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-lien-waiver-desktop.png'), fullPage: true });

    // The job's waivers, from the waiver's page; then every waiver of the dealer.
    await page.getByTestId('job-waivers-link').click();
    await page.waitForURL(/#\/lien-waivers\?filter=/);
    await page.getByRole('cell', { name: 'Harbor View Townhomes' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('menuitem', { name: 'Lien waivers' }).click();
    await page.getByRole('cell', { name: 'Harbor View Townhomes' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-lien-waivers-list-desktop.png'), fullPage: true });

    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const section = page.getByTestId('lien-waiver-forms-section');
    await section.getByText('Progress forms in every state.').waitFor();
    await section.getByRole('button', { name: 'Add a state' }).click();
    await section.getByRole('button', { name: 'Save lien waiver forms' }).click();
    await section.getByText('Lien waiver forms saved.').waitFor();
    expect(await stack.db('lien_waiver_forms').where({ dealer_id: stack.dealerId })).toEqual([expect.objectContaining({ state: 'AL', form: 'final' })]);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-lien-waiver-forms-desktop.png') });
  });
});
