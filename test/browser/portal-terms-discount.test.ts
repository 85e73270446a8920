import type { Browser } from 'playwright-core';
import path from 'node:path';
import { addDays, localDate } from '../../domain/dates';
import { launchChromium, SCREENSHOTS, signInToPortal } from '../support/browser';
import { eventually } from '../support/eventually';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';

/**
 * An invoice's early-payment discount in Debian's Chromium: offered on Outstanding, itemised
 * on the Pay page, and paid for the discounted amount.
 */
jest.setTimeout(180_000);

describe('terms discounts in the portal', () => {
  let stack: PaymentStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startPaymentStack();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('offers the discount, shows it in the preview and charges the discounted total', async () => {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'TD-5150', amountCents: 480_00, dueDate: addDays(today, 25) });
    await stack.db('invoices').where({ id: invoice.id }).update({ terms: '2% 10th Prox', terms_discount_cents: 9_60, terms_discount_date: today });
    const dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await signInToPortal(page, stack.apiUrl, email, dealerName);
      await page.getByText(/\$9\.60 off when paid in full by .+ \(2% 10th Prox\)/).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-terms-discount-offered.png'), fullPage: true });

      await page.getByRole('checkbox', { name: 'Invoice TD-5150' }).check();
      await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      const lines = page.locator('.preview-lines');
      await lines.getByText('Early-payment discount TD-5150').waitFor();
      await page.locator('.preview-sums div', { hasText: 'Early-payment discount' }).getByText('−$9.60').waitFor();
      await page.getByText('Early-payment discount for paying by the discount date: $9.60 on TD-5150 (2% 10th Prox).').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-terms-discount-preview.png'), fullPage: true });

      await page.getByRole('button', { name: 'Pay $470.40' }).click();
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      await eventually(async () => expect(await stack.db('payments').where({ customer_account_id: customer.accountId }).select('amount_cents', 'discount_cents'))
        .toEqual([{ amount_cents: 470_40, discount_cents: 9_60 }]));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
