import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Db } from '../../db/connection';
import { addDays, localDate } from '../../domain/dates';
import { launchChromium, openConsolePage, SCREENSHOTS, signInToPortal, type ConsolePage } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, serveOperatorApp, type ServedApp } from '../support/operator';
import { createCustomerAccount, createInvoice, createJob, createPortalCustomer } from '../support/portal';

/**
 * A contractor owing 140 invoices on one job: the page shows the first ones at once, "Show
 * more" fetches the next page, and "Select everything in this job" chooses all 140, including
 * those never shown, for the total the job owes.
 */
jest.setTimeout(180_000);

describe('Portal Outstanding with a long job', () => {
  let db: Db;
  let api: ServedApp;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    api = await serveOperatorApp(db);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await opened?.close();
    await browser?.close();
    await api?.close();
    await db?.destroy();
  });

  it('shows the first page, fetches more on request, and selects every item of the job', async () => {
    const dealerId = (await createDealer(db, { name: 'Longview Lumber' })).id;
    const account = await createCustomerAccount(db, dealerId, { name: 'Tall Towers Inc' });
    const jobId = (await createJob(db, dealerId, account.id, 'Harbor Tower')).id;
    const today = localDate(new Date(), 'America/Chicago');
    let owedCents = 0;
    for (let i = 0; i < 140; i++) {
      owedCents += 10_000 + i;
      await createInvoice(db, dealerId, account.id, { number: `HT-${String(i).padStart(3, '0')}`, jobId, amountCents: 10_000 + i, dueDate: addDays(today, -150 + i) });
    }
    const portal = await createPortalCustomer(db, [{ id: account.id, dealerId }]);

    opened = await openConsolePage(browser);
    const { page } = opened;
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await signInToPortal(page, api.baseUrl, portal.email, 'Longview Lumber');
    const rows = page.locator('.job.open .items > li');
    await page.getByRole('checkbox', { name: 'Invoice HT-049' }).waitFor();
    expect(await rows.count()).toBe(50);
    expect(await page.getByRole('checkbox', { name: 'Invoice HT-050' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Show 50 more of 90' }).click();
    await page.getByRole('checkbox', { name: 'Invoice HT-099' }).waitFor();
    expect(await rows.count()).toBe(100);

    await page.getByRole('button', { name: 'Select everything in this job' }).click();
    const dollars = (owedCents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
    await page.getByRole('region', { name: 'Selected items' }).getByText(`140 items · ${dollars}`).waitFor();
    expect(await rows.count()).toBe(140);
    expect(await page.getByRole('checkbox', { name: 'Invoice HT-139' }).isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: /Show \d+ more/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-long-job-selected.png'), fullPage: false });

    await page.getByRole('button', { name: 'Clear this job' }).click();
    await page.getByRole('region', { name: 'Selected items' }).waitFor({ state: 'detached' });
    expect(opened.errors.filter((error) => !error.startsWith('Failed to load resource'))).toEqual([]);
    // Before signing in the portal asks for a session and is told there is none; nothing else may fail.
    expect(failed.filter((line) => !line.startsWith('401 '))).toEqual([]);
  });
});
