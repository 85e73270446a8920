import path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeConsolePage, consoleAs, escapeRegExp, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { eventually } from '../support/eventually';
import { createOperator } from '../support/operator';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitPayment, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';

/**
 * Money after settlement in the operator console, in Debian's Chromium (playwright-core, never
 * a downloaded browser) on real parts: card payments through the portal API, the payment
 * workflow on the Temporal dev server, the Moov emulator delivering signed webhooks to the API.
 * An admin refunds part of one item; an AR operator is offered no refund; a dispute opened at
 * the processor shows up with its deadline and takes evidence notes. Screenshots go to
 * test-results/ for a person to look at.
 */
jest.setTimeout(240_000);

describe('Operator console in a browser: refunds, disputes and reversals', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let opened: ConsolePage | undefined;
  let adminEmail: string;
  let arOperatorEmail: string;

  beforeAll(async () => {
    // Business days stay long so no stale or return-window timer moves a payment under the test.
    stack = await startPaymentStack({ businessDayMs: 600_000 });
    adminEmail = (await createOperator(stack.db, stack.dealerId, { role: 'admin', name: 'Avery Admin' })).email;
    arOperatorEmail = (await createOperator(stack.db, stack.dealerId, { role: 'ar_operator', name: 'Riley Receivables' })).email;
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

  /** A customer's invoices paid in full by card, settled. */
  async function settledCardPayment(amounts: number[]) {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const invoices = [];
    for (const amountCents of amounts) invoices.push(await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' }));
    const payment = await submitPayment(stack, customer, cardId, invoices.map((invoice) => invoice.id));
    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('settled'), 90_000);
    const row = await stack.db('payments').where({ id: payment.id }).first('amount_cents', 'moov_transfer_id');
    return { ...payment, invoices, amountCents: Number(row.amount_cents), transferId: row.moov_transfer_id as string };
  }

  async function openPayment(email: string, paymentId: string) {
    opened = await consoleAs(browser, stack.apiUrl, email);
    await opened.page.goto(`${stack.apiUrl}/admin/#/payments/${paymentId}/show`);
    await opened.page.getByTestId('payment-detail').waitFor();
    return opened.page;
  }

  const balance = async (invoiceId: string) => Number((await stack.db('invoices').where({ id: invoiceId }).first('balance_cents')).balance_cents);

  it('lets an admin refund part of one item, showing the limit the API names, then the reversal and the item given back', async () => {
    const payment = await settledCardPayment([300_00, 120_00]);
    const [lumber, delivery] = payment.invoices;
    expect(payment.amountCents).toBe(420_00);
    const page = await openPayment(adminEmail, payment.id);
    await expectText(page.getByTestId('payment-status'), /^Settled$/);

    await page.getByTestId('refund-button').click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, /up to \$420\.00 can go back to the customer, to the card it came from/);

    // More than the payment holds: the API's refusal names the limit, beside the amount typed.
    await dialog.getByLabel('An amount').check();
    await dialog.getByLabel('Amount to refund').fill('900');
    await dialog.getByLabel('Reason (required)').fill('Customer returned the whole order');
    await dialog.getByRole('button', { name: 'Refund $900.00' }).click();
    await expectText(dialog.getByText(/can be refunded at most/), new RegExp(`^Payment ${escapeRegExp(payment.number)} can be refunded at most \\$420\\.00\\.$`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-refunds-01-limit-named.png'), fullPage: true });
    expect(await dialog.isVisible()).toBe(true);

    // Part of the delivery invoice, typed in dollars; a double click still refunds once.
    await dialog.getByLabel('By item').check();
    await expectText(dialog.getByRole('row', { name: new RegExp(escapeRegExp(delivery!.invoice_number)) }), /\$120\.00\s+\$0\.00\s+\$120\.00/);
    await dialog.getByLabel(`Refund for Invoice ${delivery!.invoice_number}`).fill('45.5');
    await dialog.getByLabel('Reason (required)').fill('Two bundles of cedar came damaged');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-refunds-02-by-item.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Refund $45.50' }).dblclick();
    await dialog.waitFor({ state: 'hidden' });

    const reversal = page.getByTestId('reversal');
    await expectText(reversal, /Refund by Avery Admin/);
    const reversalText = await reversal.innerText();
    expect(reversalText).toContain('“Two bundles of cedar came damaged”');
    expect(reversalText).toMatch(/\$45\.50/);
    expect(reversalText).toMatch(new RegExp(`Invoice ${escapeRegExp(delivery!.invoice_number)}\\s+\\$45\\.50`));
    expect(reversalText).not.toContain(lumber!.invoice_number);
    await expectText(page.getByTestId('reversed-total'), /^\$45\.50 of \$420\.00; the payment now brings in \$374\.50$/);
    // The item shows what went back; a partial refund leaves the payment settled.
    await expectText(page.getByRole('row', { name: new RegExp(escapeRegExp(delivery!.invoice_number)) }).getByTestId('application-given-back'), /^\$45\.50$/);
    await expectText(page.getByRole('row', { name: new RegExp(escapeRegExp(lumber!.invoice_number)) }).getByTestId('application-given-back'), /^—$/);
    await expectText(page.getByTestId('payment-status'), /^Settled$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-refunds-03-reversal.png'), fullPage: true });

    const reversals = await stack.db('payment_reversals').where({ payment_id: payment.id });
    expect(reversals.map((row) => [row.kind, Number(row.amount_cents)])).toEqual([['refund', 45_50]]);
    expect(await balance(delivery!.id)).toBe(45_50);
    expect(await balance(lumber!.id)).toBe(0);
  });

  it('offers no Refund to an AR operator on a payment an admin could refund', async () => {
    const payment = await settledCardPayment([210_00]);
    // The same payment is refundable: an admin's detail carries the action.
    expect((await stack.operator.get(`/api/operator/payments/${payment.id}`).expect(200)).body.actions).toContain('refund');

    const page = await openPayment(arOperatorEmail, payment.id);
    await expectText(page.getByTestId('payment-status'), /^Settled$/);
    await expectText(page.getByTestId('payment-amount'), /^\$210\.00$/);
    expect(await page.getByTestId('refund-button').count()).toBe(0);
    expect(await page.getByRole('button', { name: /refund/i }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-refunds-04-ar-operator.png'), fullPage: true });
  });

  it('shows a dispute opened at the processor with its respond-by date, and keeps the evidence notes saved', async () => {
    const payment = await settledCardPayment([260_00, 90_00]);
    const page = await openPayment(adminEmail, payment.id);
    await expectText(page.getByTestId('payment-status'), /^Settled$/);

    // The card network opens a chargeback through the emulator's admin API; Moov's webhook tells the app.
    const respondBy = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    const response = await fetch(`${stack.emulators.moov.url}/admin/transfers/${payment.transferId}/dispute`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ amountCents: 150_00, respondBy, networkReasonCode: '13.1', networkReasonDescription: 'Merchandise/Services Not Received' }),
    });
    expect(response.status).toBe(200);

    // The page follows the payment by itself.
    await expectText(page.getByTestId('payment-status'), /^Disputed$/, 60_000);
    const dispute = page.getByTestId('dispute');
    await expectText(dispute.getByTestId('dispute-status'), /^Response needed$/);
    await expectText(dispute.getByTestId('dispute-amount'), /^\$150\.00 of \$350\.00$/);
    await expectText(dispute, /13\.1 — Merchandise\/Services Not Received/);
    await expectText(dispute.getByTestId('dispute-respond-by'), /Respond by\s+\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M C[SD]T\s+1 day left/);
    expect(await dispute.getByTestId('dispute-respond-by').getAttribute('data-urgent')).toBe('true');

    const notes = 'Signed delivery ticket DT-5521, received by J. Ortiz on site; photos of the drop at the gate.';
    await dispute.getByLabel('Evidence notes').fill(notes);
    await dispute.getByRole('button', { name: 'Save evidence notes' }).click();
    await expectText(dispute, /Saved by Avery Admin/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-refunds-05-dispute.png'), fullPage: true });

    await page.reload();
    await expectText(page.getByTestId('dispute'), /Saved by Avery Admin/);
    expect(await page.getByTestId('dispute').getByLabel('Evidence notes').inputValue()).toBe(notes);
    expect((await stack.db('payment_disputes').where({ payment_id: payment.id }).first('evidence_notes')).evidence_notes).toBe(notes);
  });
});
