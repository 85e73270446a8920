import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../db/connection';
import { portalPayLink } from '../../domain/portal-links';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, serveOperatorApp, type ServedApp } from '../support/operator';
import { createCustomerAccount, createInvoice, createPortalCustomer, CUSTOMER_PASSWORD } from '../support/portal';

/**
 * The link in a customer email about money that came back (domain/portal-links.ts
 * portalPayLink) opens the portal's Pay page with exactly the reopened items chosen, leaves
 * out any paid in the meantime and says so, in a real browser against the real API.
 */
jest.setTimeout(180_000);

describe('Portal pay link from an email', () => {
  let db: Db;
  let api: ServedApp;
  let baseUrl: string;
  let browser: Browser;
  let dealerId: string;

  beforeAll(async () => {
    db = testDb();
    api = await serveOperatorApp(db);
    baseUrl = api.baseUrl;
    dealerId = (await createDealer(db, { name: 'Linkwood Lumber' })).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.destroy();
  });

  /** A customer owing four invoices; the email's link names three of them, one of which has since been paid. */
  async function customerWithReopenedItems() {
    const account = await createCustomerAccount(db, dealerId);
    const portal = await createPortalCustomer(db, [{ id: account.id, dealerId }]);
    const suffix = account.erp_account_id.slice(-4);
    const reopenedA = await createInvoice(db, dealerId, account.id, { number: `RET-${suffix}-1`, amountCents: 410_00, dueDate: '2026-12-10' });
    const reopenedB = await createInvoice(db, dealerId, account.id, { number: `RET-${suffix}-2`, amountCents: 95_50, dueDate: '2026-12-12' });
    const paidMeanwhile = await createInvoice(db, dealerId, account.id, { number: `RET-${suffix}-3`, amountCents: 60_00, balanceCents: 0, status: 'paid', dueDate: '2026-12-14' });
    const notLinked = await createInvoice(db, dealerId, account.id, { number: `OTH-${suffix}-4`, amountCents: 75_00, dueDate: '2026-12-16' });
    return {
      email: portal.email,
      link: portalPayLink(baseUrl, dealerId, [reopenedA.id, reopenedB.id, paidMeanwhile.id]),
      chosen: [reopenedA.invoice_number, reopenedB.invoice_number],
      others: [paidMeanwhile.invoice_number, notLinked.invoice_number],
    };
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { context, page, errors };
  }

  async function fillSignIn(page: Page, email: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The items the Pay page's "What you are paying" card lists, as the customer reads them. */
  async function itemsBeingPaid(page: Page): Promise<string[]> {
    const card = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'What you are paying' }) });
    await card.waitFor();
    return (await card.locator('li').allInnerTexts()).map((text) => text.trim());
  }

  it('opened by a signed-in customer, selects exactly the reopened items still open and says one was paid meanwhile', async () => {
    const customer = await customerWithReopenedItems();
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${baseUrl}/portal/#/sign-in`);
      await fillSignIn(page, customer.email);
      await page.getByRole('heading', { name: 'Linkwood Lumber' }).first().waitFor();

      await page.goto(customer.link);
      expect(await itemsBeingPaid(page)).toEqual(customer.chosen);
      await page.getByText('2 items, $505.50 before fees and discounts.').waitFor();
      await page.getByRole('status').filter({ hasText: '1 item from the email was paid in the meantime' }).waitFor();
      // The link's item list is consumed: a reload keeps the choice without re-reading the link.
      expect(new URL(page.url()).hash).toBe(`#/pay/${dealerId}`);
      await page.reload();
      expect(await itemsBeingPaid(page)).toEqual(customer.chosen);
      for (const other of customer.others) expect(await page.getByText(other).count()).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-pay-link.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opened signed out, asks to sign in and then lands on the same selection', async () => {
    const customer = await customerWithReopenedItems();
    const { context, page, errors } = await newPage();
    try {
      await page.goto(customer.link);
      await fillSignIn(page, customer.email);
      expect(await itemsBeingPaid(page)).toEqual(customer.chosen);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
