import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSettlementActivities } from '../../activities/settlements';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { logger } from '../../runtime/logger';
import { settlementStateQuery } from '../../workflows/settlement-definitions';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { eventually } from '../support/eventually';
import { createOperator, OPERATOR_PASSWORD } from '../support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook } from '../support/settlements';
import { startTestWorker } from '../support/temporal';

/**
 * Closing a settlement early from the console, in Debian's Chromium (playwright-core) against
 * the real API, PostgreSQL and a worker on the Temporal dev server. Closing cannot be undone,
 * so the console asks first; Cancel must leave the settlement open. Each test has its own
 * dealer, operator, settlement and browser context. Screenshots go to test-results/.
 */
const SCREENSHOTS = path.resolve(__dirname, '../../test-results');
const VIEWPORT = { width: 1440, height: 900 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

jest.setTimeout(240_000);

describe('Operator console in a browser: closing a settlement early', () => {
  let db: Db;
  let server: Server;
  let baseUrl: string;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let activities: ReturnType<typeof createSettlementActivities>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = testDb();
    worker = await startTestWorker({ db, logger, config: testConfig() });
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = testConfig({ PUBLIC_URL: baseUrl, TASK_QUEUE: worker.taskQueue });
    server.on('request', createApp({ db, temporal: worker.client, config }));
    activities = createSettlementActivities({ db, logger, config, temporal: worker.client, taskQueue: worker.taskQueue });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await worker?.stop();
    await db?.destroy();
  });

  /** A dealer with an operator and today's open settlement holding two payments. */
  async function openSettlement(label: string) {
    const dealer = await createSettlementDealer(db, null, { name: `${label} Lumber` });
    const email = (await createOperator(db, dealer.id, { role: 'ar_operator', name: 'Avery Receivables' })).email;
    const book: CustomerBook = await createCustomerBook(db, null, dealer, {
      invoices: [1, 2, 3].map((n) => ({ number: `INV-${label}-${n}`, amountCents: 500_000 })),
    });
    let settlementId = '';
    for (const [n, cents] of [[1, 123_456], [2, 76_544]] as const) {
      const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: `INV-${label}-${n}`, amountCents: cents }], { settledAt: new Date() });
      settlementId = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
    }
    const settlement = await db('settlements').where({ id: settlementId }).first();
    return { dealer, email, book, settlement };
  }

  async function signedInPage(email: string): Promise<Page> {
    // Berlin on purpose: dates must follow the dealer's zone, not the browser's.
    const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'Europe/Berlin', locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(OPERATOR_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('dealer-name').waitFor();
    return page;
  }

  /** Opens the settlement from the Settlements list, as an operator would. */
  async function openFromList(page: Page, number: string) {
    await page.goto(`${baseUrl}/admin/#/settlements`);
    await page.locator('table tbody tr').filter({ hasText: number }).click();
    // The page's own heading: the app bar's title names the settlement too once the record has loaded.
    await page.getByTestId('settlement-detail').getByRole('heading', { name: `Settlement ${number}` }).waitFor();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `console-settlements-${name}.png`), fullPage: true });

  it('asks before closing, says what closing does, and Cancel leaves the settlement open', async () => {
    const { email, settlement } = await openSettlement('Cancel');
    const page = await signedInPage(email);
    await openFromList(page, settlement.number);
    await page.getByTestId('settlement-status').getByText('Open').waitFor();

    await page.getByRole('button', { name: 'Close now' }).click();
    const dialog = page.getByRole('dialog', { name: `Close settlement ${settlement.number} now?` });
    await dialog.waitFor();
    await dialog.getByText('2 payments ($2,000.00 net)').waitFor();
    await dialog.getByText(/Payments that settle later on .+ go into a new settlement for the same business day/).waitFor();
    await dialog.getByText('This cannot be undone:').waitFor();
    await shot(page, '01-close-confirmation');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('settlement-status').getByText('Open').waitFor();
    await page.getByRole('button', { name: 'Close now' }).waitFor();
    expect((await db('settlements').where({ id: settlement.id }).first()).status).toBe('open');
    expect(await db('audit_events').where({ entity_id: settlement.id, action: 'settlement.closed' })).toEqual([]);
  });

  it('closes once confirmed; the next payment of the day opens the day\'s second settlement', async () => {
    const { email, book, settlement } = await openSettlement('Confirm');
    const page = await signedInPage(email);
    await openFromList(page, settlement.number);

    await page.getByRole('button', { name: 'Close now' }).click();
    const dialog = page.getByRole('dialog', { name: `Close settlement ${settlement.number} now?` });
    await dialog.getByRole('button', { name: 'Close settlement' }).click();
    await page.getByText(`Settlement ${settlement.number} closed`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('settlement-status').getByText('Ready to post').waitFor();
    await page.getByRole('button', { name: 'Close now' }).waitFor({ state: 'hidden' });
    await shot(page, '02-closed');
    expect((await db('settlements').where({ id: settlement.id }).first()).status).toBe('ready');
    expect(await db('audit_events').where({ entity_id: settlement.id, action: 'settlement.closed' }).first()).toMatchObject({ actor_kind: 'operator' });
    await eventually(async () => {
      const state = await worker.client.workflow.getHandle(settlement.workflow_id).query(settlementStateQuery);
      expect(state).toMatchObject({ status: 'ready' });
    });

    // A payment settled later the same day: the list shows the day's second settlement, marked #2.
    const late = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-Confirm-3', amountCents: 4_200 }], { settledAt: new Date() });
    const second = await db('settlements').where({ id: (await activities.addToSettlement({ paymentId: late.id })).settlementId }).first();
    expect(second).toMatchObject({ business_date: settlement.business_date, sequence: 2, status: 'open' });
    await page.goto(`${baseUrl}/admin/#/settlements`);
    const secondRow = page.locator('table tbody tr').filter({ hasText: second.number });
    await secondRow.getByText('· #2').waitFor();
    await shot(page, '03-list-with-second-settlement');
  });
});
