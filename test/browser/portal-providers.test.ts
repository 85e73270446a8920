import type { Browser, BrowserContext, Page } from 'playwright-core';
import path from 'node:path';
import { captureLogs } from '../../runtime/logger';
import { eventually } from '../support/eventually';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { luhnCandidates } from '../support/luhn';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createCustomerAccount, createInvoice, createPortalCustomer, CUSTOMER_PASSWORD } from '../support/portal';

/**
 * The providers' own browser components in the portal, in Debian's Chromium: a card typed into
 * Moov's card-link Drop and a bank linked in Plaid Link opened by Plaid's script, each then
 * paid with; leaving Link, and a bank that is down. Each test has its own customer, context
 * and sign-in.
 */
jest.setTimeout(180_000);

const DESKTOP = { width: 1280, height: 900 };
const CARD_NUMBER = '4111111111111111';

describe('the providers\' components in the portal', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let dealerName: string;

  beforeAll(async () => {
    stack = await startPaymentStack();
    dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A customer with no saved method, signed in, on the Pay page for one invoice. */
  async function onPayPage(invoiceNumber: string, amountCents: number): Promise<{ context: BrowserContext; page: Page; companyId: string; errors: string[] }> {
    const account = await createCustomerAccount(stack.db, stack.dealerId);
    const customer = await createPortalCustomer(stack.db, [{ id: account.id, dealerId: stack.dealerId }]);
    await createInvoice(stack.db, stack.dealerId, account.id, { number: invoiceNumber, amountCents, dueDate: '2026-12-20' });
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.apiUrl}/portal/#/sign-in`);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: dealerName }).waitFor();
    await page.getByRole('checkbox', { name: `Invoice ${invoiceNumber}` }).check();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
    await page.getByText('No saved payment methods yet.').waitFor();
    return { context, page, companyId: customer.companyId, errors };
  }

  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('adds a card in Moov\'s card-link Drop and pays with it: the number reaches Moov only, never our API or its logs', async () => {
    const capture = captureLogs('trace');
    try {
      const { context, page, companyId, errors } = await onPayPage('DROP-4100', 410_00);
      const toOurApi: string[] = [];
      const carryingTheNumber: string[] = [];
      page.on('request', (request) => {
        const text = `${request.url()} ${request.postData() ?? ''}`;
        if (request.url().startsWith(stack.apiUrl)) toOurApi.push(text);
        if (text.replace(/[\s-]/g, '').includes(CARD_NUMBER)) carryingTheNumber.push(request.url());
      });

      await page.getByRole('button', { name: 'Add a card' }).click();
      const drop = page.frameLocator('moov-card-link iframe');
      await drop.getByLabel('Card number').fill('4111 1111 1111 1111');
      await drop.getByLabel('Expiration').fill('12/39');
      await drop.getByLabel('Security code').fill('123');
      await drop.getByLabel('Billing ZIP').fill('62701');
      await shoot(page, 'portal-card-drop-desktop');
      await page.getByRole('button', { name: 'Use this card' }).click();
      await page.getByRole('radio', { name: /Visa credit ····1111/ }).waitFor();
      const pay = page.getByRole('button', { name: /^Pay \$/ });
      await pay.click();
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();

      expect(carryingTheNumber.length).toBeGreaterThan(0);
      expect(carryingTheNumber.every((url) => url.startsWith(`${stack.emulators.moov.url}/accounts/`))).toBe(true);
      expect(toOurApi.some((text) => text.includes('/api/portal/payment-methods/cards'))).toBe(true);
      expect(toOurApi.flatMap(luhnCandidates)).toEqual([]);
      const method = await stack.db('payment_methods').where({ company_id: companyId, kind: 'card' }).first('last4', 'card_brand', 'billing_state');
      expect(method).toEqual({ last4: '1111', card_brand: 'Visa', billing_state: 'IL' });
      expect(await stack.db('payments').where({ company_id: companyId, method: 'card' }).count({ n: '*' })).toEqual([{ n: 1 }]);
      expect(errors).toEqual([]);
      await context.close();

      const logged = capture.lines.join('\n');
      expect(capture.lines.length).toBeGreaterThan(5);
      expect(logged.includes(CARD_NUMBER)).toBe(false);
      expect(luhnCandidates(logged)).toEqual([]);
    } finally {
      capture.stop();
    }
  });

  it('links a bank in Plaid Link opened by Plaid\'s script, then pays by ACH', async () => {
    const { context, page, companyId, errors } = await onPayPage('LINK-4200', 420_00);
    await page.getByRole('button', { name: 'Link a bank account' }).click();
    const link = page.frameLocator('iframe[title="Plaid Link"]');
    await link.getByRole('heading', { name: /Connect a bank account/ }).waitFor();
    await link.getByRole('radio', { name: /Operating Account/ }).check();
    await link.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('radio', { name: /Timberline Credit Union ····4001/ }).waitFor();
    // Link's frame is gone once it handed over.
    expect(await page.locator('iframe[title="Plaid Link"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Pay $420.00' }).click();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    const payment = await stack.db('payments').where({ company_id: companyId }).first('method', 'amount_cents');
    expect(payment).toEqual({ method: 'ach', amount_cents: 420_00 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a bank account whose login expired (Plaid\'s webhook) cannot be chosen until reconnected in Link\'s update mode; then it pays', async () => {
    const customer = await payingCustomer(stack);
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'RELINK-4400', amountCents: 440_00, dueDate: '2026-12-20' });
    const { plaid_item_id: itemId } = await stack.db('payment_methods').where({ id: customer.bankMethodId }).first('plaid_item_id');
    await stack.emulators.plaidClient.sandboxResetLogin(stack.emulators.plaid.state.items[itemId]!.accessToken!);
    await eventually(async () => expect((await stack.db('payment_methods').where({ id: customer.bankMethodId }).first('relink_reason')).relink_reason).toBe('login_required'), 20_000);

    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.apiUrl}/portal/#/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: dealerName }).waitFor();
    await page.getByRole('checkbox', { name: 'Invoice RELINK-4400' }).check();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();

    await page.getByText('Your bank needs you to sign in again before this account can be debited.').waitFor();
    expect(await page.getByRole('radio', { name: /needs reconnecting/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^Pay \$/ }).count()).toBe(0);
    await shoot(page, 'portal-bank-needs-relink-desktop');

    await page.getByRole('button', { name: 'Reconnect' }).click();
    const link = page.frameLocator('iframe[title="Plaid Link"]');
    await link.getByRole('heading', { name: /Reconnect your bank account/ }).waitFor();
    await link.getByRole('button', { name: 'Sign in and reconnect' }).click();
    // Chosen as soon as it is usable again: the label of a usable method, not the disabled one's.
    const reconnected = page.locator('label.method').filter({ hasText: 'Prairie State Bank ····0001' }).getByRole('radio');
    await reconnected.waitFor();
    await page.getByText('Your bank needs you to sign in again').waitFor({ state: 'detached' });
    expect(await reconnected.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Pay $440.00' }).click();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    const paid = await stack.db('payments').where({ company_id: customer.companyId, payment_method_id: customer.bankMethodId }).count({ n: '*' });
    expect(paid).toEqual([{ n: 1 }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaving Link saves nothing; a bank that is down is explained in Link and again on the page', async () => {
    const { context, page, companyId, errors } = await onPayPage('LINK-4300', 430_00);
    const link = page.frameLocator('iframe[title="Plaid Link"]');

    await page.getByRole('button', { name: 'Link a bank account' }).click();
    await link.getByRole('button', { name: 'Exit' }).click();
    await page.getByText('Bank linking was cancelled.').waitFor();
    expect(await page.locator('iframe[title="Plaid Link"]').count()).toBe(0);

    await page.getByRole('button', { name: 'Link a bank account' }).click();
    await link.getByRole('radio', { name: /Harbor Checking/ }).check();
    await link.getByRole('button', { name: 'Continue' }).click();
    await link.getByText('This financial institution is not currently responding to requests.').waitFor();
    await shoot(page, 'portal-link-bank-down-desktop');
    await link.getByRole('button', { name: 'Exit' }).click();
    await page.getByText(/Your bank could not be linked: This financial institution is not currently responding/).waitFor();
    await page.getByRole('button', { name: 'Link a bank account' }).waitFor();
    expect(await stack.db('payment_methods').where({ company_id: companyId }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
