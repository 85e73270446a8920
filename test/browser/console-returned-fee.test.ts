import { Client, Connection } from '@temporalio/client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { eventually } from '../support/eventually';
import { createDealer, createOperator } from '../support/operator';
import { requiredEnv } from '../support/temporal';

/**
 * The returned payment fee on the console's Settings page, in Debian's Chromium against the real
 * API and database: an admin sets it in dollars and it is stored in cents and audited; an AR
 * operator sees it and cannot change it.
 */
jest.setTimeout(300_000);

describe('Settings: returned payment fee', () => {
  let db: Db;
  let server: Server;
  let baseUrl: string;
  let temporalConnection: Connection;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    temporalConnection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
    server.on('request', createApp({ db, temporal: new Client({ connection: temporalConnection, namespace: 'default' }), config: testConfig({ PUBLIC_URL: baseUrl }) }));
    browser = await launchChromium();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await temporalConnection?.close();
    await db?.destroy();
  });

  const expectValue = (locator: Locator, value: string) => eventually(async () => expect(await locator.inputValue()).toBe(value), 30_000);

  it('is set by an admin in dollars, stored in cents and audited; an AR operator only reads it', async () => {
    const dealer = await createDealer(db, { name: 'Fee Lumber', time_zone: 'America/Chicago' });
    const admin = await createOperator(db, dealer.id, { role: 'admin', name: 'Avery Admin' });
    const collector = await createOperator(db, dealer.id, { role: 'ar_operator', name: 'Cole Collector' });

    opened = await consoleAs(browser, baseUrl, admin.email);
    const { page } = opened;
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const fee = page.getByLabel('Returned payment fee');
    await expectValue(fee, '0.00');
    await fee.fill('25');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await eventually(async () => expect((await db('dealers').where({ id: dealer.id }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(25_00), 30_000);
    const audit = await db('audit_events').where({ dealer_id: dealer.id, action: 'dealer.settings_updated' }).orderBy('id', 'desc').first();
    expect(audit.data.changes).toEqual({ returned_payment_fee_cents: { from: 0, to: 25_00 } });
    await page.reload();
    await expectValue(page.getByLabel('Returned payment fee'), '25.00');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-settings-returned-payment-fee.png'), fullPage: true });

    // Above the most a dealer may charge: the API refuses it and nothing changes.
    await page.getByLabel('Returned payment fee').fill('500.01');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(/returned_payment_fee_cents|at most 50000 cents/).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-settings-returned-payment-fee-refused.png'), fullPage: true });
    expect((await db('dealers').where({ id: dealer.id }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(25_00);
    await closeConsolePage(opened, undefined);

    opened = await consoleAs(browser, baseUrl, collector.email);
    await opened.page.getByRole('menuitem', { name: 'Settings' }).click();
    await expectValue(opened.page.getByLabel('Returned payment fee'), '25.00');
    expect(await opened.page.getByLabel('Returned payment fee').isDisabled()).toBe(true);
    expect(await opened.page.getByRole('button', { name: 'Save configuration' }).count()).toBe(0);
  });
});
