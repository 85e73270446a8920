import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { recordShortPay } from '../../db/short-pays';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage, signInToPortal } from '../support/browser';
import { eventually } from '../support/eventually';
import { createOperator } from '../support/operator';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from '../support/payment-stack';
import { createInvoice, createJob } from '../support/portal';
import { createSettledPayment } from '../support/settlements';

/**
 * Short-pays in Debian's Chromium: a customer pays part of an invoice in the portal and picks
 * what was wrong; an AR clerk finds it on the console's short-pay worklist and resolves it.
 * Each test has its own customer, context and sign-in.
 */
jest.setTimeout(180_000);

describe('short-pays in the browser', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let dealerName: string;

  beforeAll(async () => {
    stack = await startPaymentStack({ dealer: { allow_partial_payments: true } });
    dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function signedInCustomer(customer: PayingCustomer): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    await signInToPortal(page, stack.apiUrl, email, dealerName);
    return { page, errors, close: () => context.close() };
  }

  it('pays part of an invoice with a reason the customer picks; "another problem" waits for their words', async () => {
    const customer = await payingCustomer(stack);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'SP-2210', amountCents: 1_250_00, dueDate: '2026-12-20' });
    const { page, close, errors } = await signedInCustomer(customer);
    try {
      await page.getByRole('checkbox', { name: 'Invoice SP-2210' }).check();
      await page.getByLabel('Amount to pay on invoice SP-2210').fill('1100.00');
      const reason = page.getByLabel('Reason for paying less on invoice SP-2210');
      await reason.selectOption({ label: 'Another problem' });
      const continueButton = page.locator('.selection-bar').getByRole('button', { name: 'Continue' });
      await page.getByText('Say what is wrong so your supplier can look into it.').waitFor();
      expect(await continueButton.isDisabled()).toBe(true);

      await reason.selectOption({ label: 'Something arrived damaged' });
      await page.getByLabel('What happened with invoice SP-2210').fill('Six sheets of drywall broken on delivery');
      await shoot(page, 'portal-short-pay-reason');
      await continueButton.click();

      await page.getByText('short-paid: damaged (Six sheets of drywall broken on delivery)').waitFor();
      const submitted = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/api/portal/payments'));
      await page.getByRole('button', { name: 'Pay $1,100.00' }).click();
      expect((await submitted).status()).toBe(201);
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      await shoot(page, 'portal-short-pay-submitted');

      const stored = await stack.db('short_pays').where({ customer_account_id: customer.accountId }).select('reason', 'note', 'paid_cents', 'open_before_cents', 'status');
      expect(stored).toEqual([{ reason: 'damaged', note: 'Six sheets of drywall broken on delivery', paid_cents: 1_100_00, open_before_cents: 1_250_00, status: 'open' }]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  describe('the console worklist', () => {
    let opened: ConsolePage | undefined;
    afterEach(async () => {
      await closeConsolePage(opened, expect.getState().currentTestName);
      opened = undefined;
    });

    it('lists the claim with the customer\'s words and resolves it with the clerk\'s note', async () => {
      const customer = await payingCustomer(stack);
      const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Harbor View lofts');
      const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'SP-3300', amountCents: 480_00, dueDate: '2026-12-20', jobId: job.id });
      const book = {
        dealerId: stack.dealerId, accountId: customer.accountId, erpAccountId: '', companyId: customer.companyId, paymentMethodId: customer.bankMethodId,
        invoiceIds: new Map([['SP-3300', invoice.id]]), adjustmentIds: new Map(), statementId: null,
      };
      const payment = await createSettledPayment(stack.db, book, [{ kind: 'invoice', number: 'SP-3300', amountCents: 400_00 }]);
      const application = await stack.db('payment_applications').where({ payment_id: payment.id }).first('id');
      await stack.db.transaction((trx) => recordShortPay(trx, {
        dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentId: payment.id, applicationId: Number(application.id), itemType: 'invoice', itemId: invoice.id,
        paidCents: 400_00, openBeforeCents: 480_00, reason: 'pricing', note: 'Quoted $4.00 a stud, billed $4.80',
      }));
      const clerk = await createOperator(stack.db, stack.dealerId, { role: 'ar_operator', name: 'Robin Clerk' });

      opened = await consoleAs(browser, stack.apiUrl, clerk.email);
      const { page } = opened;
      await page.getByRole('menuitem', { name: 'Short-pays' }).click();
      const row = page.getByRole('row').filter({ hasText: 'SP-3300' });
      await expectText(row, /Harbor View lofts/);
      await expectText(row, /Pricing · “Quoted \$4\.00 a stud, billed \$4\.80”/);
      await expectText(row, /\$80\.00/);
      await expectText(row, new RegExp(payment.number));
      await shoot(page, 'console-short-pays');

      await row.getByRole('button', { name: 'Resolve' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(/\$80\.00 is in question/).waitFor();
      await dialog.getByLabel('Credit memo issued').check();
      await dialog.getByLabel('Note (optional)').fill('CM-5512 issued in Spruce');
      await dialog.getByRole('button', { name: 'Resolve' }).click();
      await page.getByText('Short-pay on SP-3300 resolved').waitFor();
      await eventually(async () => expect(await stack.db('short_pays').where({ invoice_id: invoice.id }).first('status', 'resolution', 'resolution_note'))
        .toEqual({ status: 'resolved', resolution: 'credit_issued', resolution_note: 'CM-5512 issued in Spruce' }));
      await row.first().waitFor({ state: 'detached' });

      await page.getByRole('tab', { name: 'Resolved' }).click();
      const resolved = page.getByRole('row').filter({ hasText: 'SP-3300' });
      await expectText(resolved, /Credit memo issued · “CM-5512 issued in Spruce”/);
      await expectText(resolved, /Robin Clerk/);
      await shoot(page, 'console-short-pays-resolved');
      expect(await paymentStatus(stack.db, payment.id)).toBe('settled');
    });
  });
});
