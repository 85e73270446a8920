import type { Browser } from 'playwright-core';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addDays, localDate } from '../../domain/dates';
import { launchChromium, SCREENSHOTS, signInToPortal } from '../support/browser';
import { eventually } from '../support/eventually';
import { pdfText } from '../support/pdf-text';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';

/**
 * Enrolling in autopay in Debian's Chromium: the customer chooses the account, method, rule and
 * maximum, reads the recurring authorization in the words that will be recorded, turns autopay
 * on, downloads the authorization PDF and finds those words and their own facts in it.
 */
jest.setTimeout(180_000);

describe('autopay in the portal', () => {
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

  it('enrols with a maximum, shows the authorization before and as a PDF after, and cancels', async () => {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const [statement] = await stack.db('statements').insert({
      dealer_id: stack.dealerId, customer_account_id: customer.accountId, statement_number: `ST-AP-${customer.accountId.slice(0, 6)}`, statement_date: today,
      balance_cents: 1_250_00, discount_cents: 25_00, discount_date: addDays(today, 10), due_date: addDays(today, 25),
    }).returning('id');
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'AP-7001', amountCents: 1_250_00, dueDate: addDays(today, 25), statementId: statement.id });
    const dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/Chicago', acceptDownloads: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await signInToPortal(page, stack.apiUrl, email, dealerName);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Autopay' }).click();
      await page.getByRole('heading', { name: 'Turn on autopay' }).waitFor();
      await page.getByLabel('Pay each statement on its discount date (take the discount)').check();
      await page.getByLabel('Maximum per payment ($, optional)').fill('2000');
      await page.getByLabel('Business account').check();
      const words = page.locator('p.terms');
      await words.getByText('never more than $2,000.00').waitFor();
      await words.getByText(/recurring ACH debits/).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-autopay-enrol.png'), fullPage: true });
      const shown = (await words.textContent())!;
      await page.getByRole('button', { name: 'Turn on autopay' }).click();

      await page.getByText('Autopay is on. You will be emailed before each debit.').waitFor();
      const row = page.locator('.autopay-row');
      await row.getByText('On', { exact: true }).waitFor();
      // The next debit is known once the enrolment's workflow has planned its first cycle.
      await eventually(async () => expect(await stack.db('autopay_cycles').join('autopay_enrolments as e', 'e.id', 'autopay_cycles.enrolment_id').where({ 'e.customer_account_id': customer.accountId }).first('debit_date')).toEqual({ debit_date: addDays(today, 10) }), 30_000);
      await page.reload();
      await row.getByText('Next debit:').waitFor();
      await row.getByText(/Pays each statement in full on its discount date/).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-autopay-list.png'), fullPage: true });
      const stored = await stack.db('autopay_enrolments').where({ customer_account_id: customer.accountId }).first();
      expect(stored).toMatchObject({ status: 'active', rule: 'statement_discount_date', account_holder_type: 'business', authorization_text: shown });
      expect(Number(stored.max_amount_cents)).toBe(2_000_00);

      const download = page.waitForEvent('download');
      await row.getByRole('link', { name: 'Authorization (PDF)' }).click();
      const file = (await (await download).path())!;
      const text = pdfText(readFileSync(file)).join(' ').replace(/\s+/g, ' ');
      expect(text).toContain('RECURRING PAYMENT AUTHORIZATION');
      expect(text).toContain(email);
      expect(text).toContain(stored.account_mask);
      expect(text).toContain(shown.replace(/\s+/g, ' ').slice(0, 60));
      // Kept beside the screenshots, to be opened as the customer opens it.
      copyFileSync(file, path.join(SCREENSHOTS, 'portal-autopay-authorization.pdf'));

      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: 'Cancel autopay' }).click();
      await page.getByText('Autopay is cancelled. No further debits will be made.').waitFor();
      await eventually(async () => expect((await stack.db('autopay_enrolments').where({ id: stored.id }).first('status')).status).toBe('canceled'));
      await page.getByRole('heading', { name: 'Turn on autopay' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
