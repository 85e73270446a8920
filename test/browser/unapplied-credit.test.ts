import type { Browser } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import path from 'node:path';
import { closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, signInToPortal, type ConsolePage } from '../support/browser';
import { eventually } from '../support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';

/**
 * Unapplied credit in Debian's Chromium, as a customer and an operator use it: pay more than the
 * invoice, see the credit on Outstanding once the payment clears, pay a later invoice with it
 * (nothing charged), then part of another with the rest and the bank for the remainder; the
 * operator reads the ledger on the customer's Credit tab.
 */
jest.setTimeout(240_000);

describe('unapplied credit in the portal and the console', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let customer: PayingCustomer;

  beforeAll(async () => {
    stack = await startPaymentStack({ dealer: { allow_overpayment: true, allow_partial_payments: true } });
    browser = await launchChromium();
    customer = await payingCustomer(stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('pays more than the invoice, then pays later invoices with the credit', async () => {
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'UC-100', amountCents: 100_00, dueDate: '2026-12-01' });
    const dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await signInToPortal(page, stack.apiUrl, email, dealerName);
      await page.getByRole('checkbox', { name: 'Invoice UC-100' }).check();
      await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Extra amount to pay on account').fill('40.00');
      await page.locator('.preview-lines').getByText('Paid on account').waitFor();
      await page.getByRole('button', { name: 'Pay $140.00' }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-credit-overpay-preview.png'), fullPage: true });
      await page.getByRole('button', { name: 'Pay $140.00' }).click();
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      const first = await stack.db('payments').where({ customer_account_id: customer.accountId }).first('id', 'on_account_cents', 'amount_cents');
      expect(first).toMatchObject({ on_account_cents: 40_00, amount_cents: 140_00 });
      await eventually(async () => expect(await paymentStatus(stack.db, first.id)).toBe('settled'), 60_000);

      // Two later invoices: the credit pays the first in full, part of the second, the bank the rest.
      await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'UC-200', amountCents: 30_00, dueDate: '2026-12-10' });
      await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'UC-300', amountCents: 50_00, dueDate: '2026-12-20' });
      await page.goto(`${stack.apiUrl}/portal/#/outstanding/${stack.dealerId}`);
      await page.locator('.unapplied-credit').getByText('$40.00').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-credit-outstanding.png'), fullPage: true });

      await page.getByRole('checkbox', { name: 'Invoice UC-200' }).check();
      await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      await page.getByText('You have $40.00 of unapplied credit on this account.').waitFor();
      await page.getByRole('button', { name: 'Apply credit to the selected invoices' }).click();
      await page.getByText('$30.00 of your credit paid everything selected; nothing was charged.').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-credit-paid-with-credit.png'), fullPage: true });
      expect(await stack.db('invoices').where({ invoice_number: 'UC-200', dealer_id: stack.dealerId }).first('balance_cents', 'status')).toEqual({ balance_cents: 0, status: 'paid' });
      expect(await stack.db('payments').where({ customer_account_id: customer.accountId }).count('* as n').first()).toMatchObject({ n: 1 });

      await page.goto(`${stack.apiUrl}/portal/#/outstanding/${stack.dealerId}`);
      await page.locator('.unapplied-credit').getByText('$10.00').waitFor();
      await page.getByRole('checkbox', { name: 'Invoice UC-300' }).check();
      await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Apply credit to the selected invoices' }).click();
      await page.getByText('$10.00 of credit applied; nothing was charged for it.').waitFor();
      await page.getByText('No unapplied credit is left on this account.').waitFor();
      await page.getByRole('button', { name: 'Pay $40.00' }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-credit-part-credit-part-bank.png'), fullPage: true });
      await page.getByRole('button', { name: 'Pay $40.00' }).click();
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      await eventually(async () => expect(await stack.db('invoices').where({ invoice_number: 'UC-300', dealer_id: stack.dealerId }).first('balance_cents', 'status')).toEqual({ balance_cents: 0, status: 'paid' }), 60_000);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    // More credit (through the portal API this time), and an invoice for the operator to apply it to.
    const deposit = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'UC-400', amountCents: 10_00, dueDate: '2027-01-05' });
    const answer = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: deposit.id }], onAccountCents: 25_00, achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    await eventually(async () => expect(await paymentStatus(stack.db, answer.body.payment.id)).toBe('settled'), 60_000);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'UC-500', amountCents: 20_00, dueDate: '2027-01-10' });

    // The operator reads the same ledger on the customer's Credit tab and applies the rest, audited.
    let opened: ConsolePage | undefined;
    try {
      const operatorEmail = (await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('email')).email;
      opened = await consoleAs(browser, stack.apiUrl, operatorEmail);
      await opened.page.goto(`${stack.apiUrl}/admin/#/customers/${customer.accountId}/show/credit`);
      await opened.page.getByTestId('credit-balance').getByText('Unapplied credit: $25.00').waitFor();
      const ledger = opened.page.getByRole('table', { name: 'Credit ledger' });
      await ledger.getByText('UC-200').waitFor();
      await ledger.getByText('UC-300').waitFor();
      await opened.page.getByRole('checkbox', { name: 'Apply credit to UC-500' }).check();
      await opened.page.getByLabel('Note (optional)').fill('Customer asked by phone');
      await opened.page.screenshot({ path: path.join(SCREENSHOTS, 'console-credit-apply.png'), fullPage: true });
      await opened.page.getByRole('button', { name: 'Apply credit' }).click();
      await opened.page.getByTestId('credit-balance').getByText('Unapplied credit: $5.00').waitFor();
      await ledger.getByText('Applied to invoice — Customer asked by phone').waitFor();
      await opened.page.screenshot({ path: path.join(SCREENSHOTS, 'console-credit-ledger.png'), fullPage: true });
      expect(await stack.db('invoices').where({ invoice_number: 'UC-500', dealer_id: stack.dealerId }).first('balance_cents', 'status')).toEqual({ balance_cents: 0, status: 'paid' });
      const audit = await stack.db('audit_events').where({ entity_id: customer.accountId, action: 'account_credit.applied', actor_kind: 'operator' }).first('data');
      expect(audit.data).toMatchObject({ amountCents: 20_00, balanceCents: 5_00, note: 'Customer asked by phone' });
    } finally {
      await closeConsolePage(opened, expect.getState().currentTestName);
    }
  });
});
