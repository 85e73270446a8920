import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { addDays, localDate, zonedInstant } from '../../domain/dates';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { createOperator, OPERATOR_PASSWORD } from '../support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from '../support/settlements';
import { requiredEnv } from '../support/temporal';

/**
 * The dashboard's "Cash received by day" in Debian's Chromium against the real API and
 * database: money that settled, by the day it settled; a payment still pending at the
 * processor is shown apart and opens the Pending list. Screenshots go to test-results/.
 */
const SCREENSHOTS = path.resolve(__dirname, '../../test-results');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ZONE = 'America/Chicago';

jest.setTimeout(240_000);

describe('Operator console in a browser: cash received on the dashboard', () => {
  let db: Db;
  let server: Server;
  let baseUrl: string;
  let connection: Connection;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = testDb();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    connection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
    server.on('request', createApp({ db, temporal: new Client({ connection, namespace: 'default' }), config: testConfig({ PUBLIC_URL: baseUrl }) }));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await connection?.close();
    await db?.destroy();
  });

  it('charts only settled money and shows the pending $109,040.06 ACH payment apart', async () => {
    const dealer = await createSettlementDealer(db, null, { name: 'Cashbox Lumber' });
    const email = (await createOperator(db, dealer.id, { role: 'ar_operator' })).email;
    const book = await createCustomerBook(db, null, dealer, { invoices: [0, 1, 2].map((n) => ({ number: `CB-${n}`, amountCents: 20_000_000 })) });
    const today = localDate(new Date(), ZONE);
    const pending = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'CB-0', amountCents: 10_904_006 }]);
    await db('payments').where({ id: pending.id }).update({ status: 'pending', settled_at: null, submitted_at: new Date() });
    const settledToday = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'CB-1', amountCents: 250_000 }], { settledAt: new Date() });
    await db('payments').where({ id: settledToday.id }).update({ submitted_at: zonedInstant(addDays(today, -1), '12:00', ZONE) });
    await createSettledPayment(db, book, [{ kind: 'invoice', number: 'CB-2', amountCents: 12_345 }], { settledAt: zonedInstant(addDays(today, -1), '12:00', ZONE) });

    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin', locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(OPERATOR_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('dealer-name').waitFor();
    await page.getByRole('menuitem', { name: 'Dashboard' }).click();

    const chart = page.getByTestId('cash-received-chart');
    await chart.getByText('Cash received by day').waitFor();
    await chart.getByTestId('cash-received-total').getByText('Last 30 days: $2,623.45 settled in 2 payments').waitFor();
    await chart.getByTestId('cash-pending').getByText('Pending, not yet received: $109,040.06 in 1 payment').waitFor();
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    // The y-axis counts in whole dollars: no two ticks print the same label.
    const tickLabels = chart.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await tickLabels.first().waitFor();
    const ticks = await tickLabels.allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-dashboard-01-cash-received.png'), fullPage: true });

    // The pending figure opens the list it counts.
    await chart.getByTestId('cash-pending').click();
    await page.waitForURL(/#\/payments\?.*pending/);
    await page.locator('table tbody tr').filter({ hasText: pending.number }).waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(1);
  });
  it('says no cash was received instead of drawing an axis of zeros', async () => {
    const dealer = await createSettlementDealer(db, null, { name: 'Quiet Timber' });
    const email = (await createOperator(db, dealer.id, { role: 'ar_operator' })).email;
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin', locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(OPERATOR_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('dealer-name').waitFor();
    await page.getByRole('menuitem', { name: 'Dashboard' }).click();

    const chart = page.getByTestId('cash-received-chart');
    await chart.getByTestId('cash-received-total').getByText('Last 30 days: $0.00 settled in 0 payments').waitFor();
    await chart.getByTestId('cash-received-empty').getByText('No payments settled in the last 30 days.').waitFor();
    expect(await chart.locator('.recharts-wrapper').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-dashboard-02-no-cash-received.png'), fullPage: true });
  });
});
