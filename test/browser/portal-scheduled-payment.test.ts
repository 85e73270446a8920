import type { Browser } from 'playwright-core';
import path from 'node:path';
import { addDays, localDate } from '../../domain/dates';
import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, signInToPortal, type ConsolePage } from '../support/browser';
import { createOperator } from '../support/operator';
import { eventually } from '../support/eventually';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createInvoice } from '../support/portal';

/**
 * Paying on a later date in Debian's Chromium: the customer picks the date, sees the quote for
 * it, schedules, finds it on Payments and cancels it there.
 */
jest.setTimeout(180_000);

describe('scheduling a payment in the portal', () => {
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

  it('schedules for a chosen date, lists it on Payments, and cancels it there', async () => {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const payOn = addDays(today, 9);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'SCH-7001', amountCents: 612_50, dueDate: addDays(today, 30) });
    const dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/Chicago' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await signInToPortal(page, stack.apiUrl, email, dealerName);
      await page.getByRole('checkbox', { name: 'Invoice SCH-7001' }).check();
      await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Pay $612.50' }).waitFor();

      await page.getByLabel('On a later date').check();
      await page.getByLabel('Payment date').fill(payOn);
      const schedule = page.getByRole('button', { name: /^Schedule \$612\.50 for / });
      await schedule.waitFor();
      await page.getByRole('note', { name: 'Debit authorization' }).getByText(/^By pressing Schedule, you authorize/).waitFor();
      await page.getByText(`on or after ${payOn}`).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-schedule-payment.png'), fullPage: true });
      await schedule.click();

      await page.getByRole('heading', { name: 'Payments' }).waitFor();
      await page.getByText('Your payment is scheduled.').waitFor();
      const row = page.locator('.scheduled-row').filter({ hasText: 'SCH-7001' });
      await row.getByText('$612.50').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-scheduled-list.png'), fullPage: true });
      expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 612_50 });

      await row.getByRole('button', { name: /Cancel the payment scheduled for/ }).click();
      await row.waitFor({ state: 'detached' });
      await eventually(async () => expect(await stack.db('scheduled_payments').where({ customer_account_id: customer.accountId }).select('status', 'scheduled_for'))
        .toEqual([{ status: 'canceled', scheduled_for: payOn }]));
      expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the customer\'s schedule on the console\'s customer page, where an operator cancels it with a reason', async () => {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const payOn = addDays(today, 12);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'SCH-8001', amountCents: 845_25, dueDate: addDays(today, 30) });
    await customer.session.agent.post('/api/portal/scheduled-payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID()).send({
      dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all',
      items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION, scheduledFor: payOn,
    }).expect(201);
    const clerk = await createOperator(stack.db, stack.dealerId, { role: 'ar_operator', name: 'Casey Clerk' });

    let opened: ConsolePage | undefined;
    try {
      opened = await consoleAs(browser, stack.apiUrl, clerk.email);
      const { page } = opened;
      await page.goto(`${stack.apiUrl}/admin/#/customers/${customer.accountId}/show`);
      await page.getByRole('tab', { name: 'Scheduled' }).click();
      const table = page.getByRole('table', { name: 'Scheduled payments' });
      const row = table.getByRole('row').filter({ hasText: 'SCH-8001' });
      await expectText(row, /\$845\.25/);
      await expectText(row, /Scheduled/);
      await row.getByRole('button', { name: /Cancel the payment scheduled for/ }).click();
      const dialog = page.getByRole('dialog');
      const confirm = dialog.getByRole('button', { name: 'Cancel payment' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Reason (required, sent to the customer)').fill('Customer paid by check at the branch');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-scheduled-cancel.png'), fullPage: true });
      await confirm.click();
      await dialog.waitFor({ state: 'detached' });
      await expectText(row, /Cancelled/);
      expect(await row.getByRole('button', { name: /Cancel the payment/ }).count()).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-scheduled-cancelled.png'), fullPage: true });
      expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
      expect(await stack.db('audit_events').where({ action: 'scheduled_payment.canceled', actor_id: clerk.id }).first('data'))
        .toMatchObject({ data: expect.objectContaining({ reason: 'Customer paid by check at the branch' }) });
    } finally {
      await closeConsolePage(opened, expect.getState().currentTestName);
    }
  });
});
