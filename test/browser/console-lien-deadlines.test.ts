import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { createApp } from '../../api/app';
import { refreshAccountStats } from '../../db/account-stats';
import type { Db } from '../../db/connection';
import { addDays, localDate } from '../../domain/dates';
import { closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { createOperator } from '../support/operator';
import { requiredEnv } from '../support/temporal';

/**
 * Job lien deadlines in the console, in Debian's Chromium on the real API: the customers list
 * filtered to "lien deadline within 10 days" as an operator picks it, the customer's jobs with
 * their deadlines, and the job's own page.
 */
jest.setTimeout(240_000);

const ZONE = 'America/Chicago';

describe('Operator console in a browser: job lien deadlines', () => {
  let db: Db;
  let server: Server;
  let baseUrl: string;
  let connection: Connection;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    connection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
    server.on('request', createApp({ db, temporal: new Client({ connection, namespace: 'default' }), config: testConfig({ PUBLIC_URL: baseUrl }) }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await connection?.close();
    await db?.destroy();
  });

  it('filters the customers to those with a lien deadline within 10 days and shows the job\'s deadlines', async () => {
    const suffix = randomUUID().slice(0, 8);
    const [dealer] = await db('dealers').insert({ name: `Timberline ${suffix}`, slug: `timberline-${suffix}`, integration_mode: 'file', time_zone: ZONE }).returning('id');
    const operator = await createOperator(db, dealer.id, { role: 'ar_operator' });
    const day = (offset: number) => addDays(localDate(new Date(), ZONE), offset);
    const seed = async (erp: string, name: string, state: string, job: { name: string; state?: string; first: number; last: number }) => {
      const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: erp, name, state }).returning('id');
      const [row] = await db('jobs').insert({
        dealer_id: dealer.id, customer_account_id: account.id, erp_job_id: `${erp}-J1`, name: job.name, state: job.state ?? null,
        first_delivery_date: day(job.first), last_delivery_date: day(job.last),
      }).returning('id');
      await db('invoices').insert({
        dealer_id: dealer.id, customer_account_id: account.id, job_id: row.id, invoice_number: `${erp}-INV`, invoice_date: day(job.last), due_date: day(15),
        amount_cents: 1_250_000, balance_cents: 1_250_000, status: 'open',
      });
      return account.id as string;
    };
    // California: 20 days for the preliminary notice, 90 to file; Arizona: 20 and 120.
    const near = await seed('C-100', 'Sierra Framing Co', 'CA', { name: 'Lot 14 Maple Ridge', first: -110, last: -83 });
    const later = await seed('C-200', 'Mesa Custom Homes', 'AZ', { name: 'Desert Bloom clubhouse', first: -15, last: -5 });
    await refreshAccountStats(db, [near, later]);

    opened = await consoleAs(browser, baseUrl, operator.email);
    const { page } = opened;
    await page.getByRole('cell', { name: /Mesa Custom Homes/ }).waitFor();
    await page.getByLabel('Lien deadline').click();
    await page.getByRole('option', { name: 'Within 10 days' }).click();
    await page.waitForURL(/lien_deadline_within_days/);
    await page.getByRole('cell', { name: /Mesa Custom Homes/ }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: /Sierra Framing Co/ }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-lien-deadline-filter-desktop.png'), fullPage: true });

    await page.getByRole('cell', { name: /Sierra Framing Co/ }).click();
    await page.getByRole('tab', { name: 'Jobs' }).click();
    const row = page.getByRole('row', { name: /Lot 14 Maple Ridge/ });
    await row.getByText(/in 7 days/).waitFor();
    await row.getByText(/90 days ago|days ago/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-customer-jobs-desktop.png'), fullPage: true });

    await row.click();
    const deadlines = page.getByTestId('job-lien-deadlines');
    await deadlines.getByText("CA (the account's)").waitFor();
    await deadlines.getByText('Lien filing (90 days)').waitFor();
    await deadlines.getByText(/in 7 days/).waitFor();
    await deadlines.getByText('$12,500.00').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-job-lien-deadlines-desktop.png'), fullPage: true });

    // The invoice's page carries its job's deadlines too.
    await page.getByRole('link', { name: 'Sierra Framing Co' }).click();
    await page.getByRole('tab', { name: 'Invoices' }).click();
    await page.getByRole('cell', { name: 'C-100-INV' }).click();
    const panel = page.getByTestId('job-lien-deadlines');
    await panel.getByText('Job lien deadlines').waitFor();
    await panel.getByText(/in 7 days/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-invoice-job-lien-deadlines-desktop.png'), fullPage: true });
  });

  it("lets an admin set a state's days in Settings, audited", async () => {
    const suffix = randomUUID().slice(0, 8);
    const [dealer] = await db('dealers').insert({ name: `Cedar Yard ${suffix}`, slug: `cedar-${suffix}`, integration_mode: 'file', time_zone: ZONE }).returning('id');
    const admin = await createOperator(db, dealer.id, { role: 'admin' });
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = await consoleAs(browser, baseUrl, admin.email);
    const { page } = opened;
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const section = page.getByTestId('lien-deadlines-section');
    const filing = section.getByLabel('CA lien filing days');
    await filing.fill('80');
    await section.getByRole('button', { name: 'Save lien deadlines' }).click();
    await section.getByText('Lien deadlines saved.').waitFor();
    await section.getByText('20 / 90 · overridden').waitFor();
    expect(await db('lien_deadline_overrides').where({ dealer_id: dealer.id }).select('state', 'preliminary_notice_days', 'lien_filing_days')).toEqual([
      { state: 'CA', preliminary_notice_days: 20, lien_filing_days: 80 },
    ]);
    expect(await db('audit_events').where({ dealer_id: dealer.id, action: 'settings.lien_deadlines_changed', actor_id: admin.id })).toHaveLength(1);

    await filing.fill('400');
    await section.getByRole('button', { name: 'Save lien deadlines' }).click();
    await section.getByText(/lien_filing_days/).waitFor();
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-lien-deadline-settings-desktop.png'), fullPage: true });
  });
});
