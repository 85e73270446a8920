import path from 'node:path';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../db/connection';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, createOperator, serveOperatorApp, type ServedApp } from '../support/operator';

/**
 * Settings → API keys in Debian's Chromium on the real API: an admin creates a key, sees its
 * secret once with a warning, copies it with the button (read back from the clipboard and used
 * against /api/v1), finds it listed by its prefix and never by its secret, and revokes it after
 * confirming, after which the API refuses it.
 */
jest.setTimeout(300_000);

describe('Settings → API keys in a browser', () => {
  let db: Db;
  let served: ServedApp;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    served = await serveOperatorApp(db);
    browser = await launchChromium();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await db?.destroy();
  });

  it('creates a key, shows and copies its secret once, lists its prefix, and revokes it', async () => {
    const dealer = await createDealer(db, { name: 'Cedar Ridge Lumber' });
    const admin = await createOperator(db, dealer.id, { role: 'admin', name: 'Morgan Admin' });
    opened = await consoleAs(browser, served.baseUrl, admin.email);
    const { page, context } = opened;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.baseUrl });
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const section = page.getByTestId('api-keys');
    await expectText(section, /No API keys yet/);

    await section.getByRole('button', { name: 'Create API key' }).click();
    const create = page.getByRole('dialog', { name: 'Create an API key' });
    await create.getByLabel('Name').fill('BI warehouse');
    await create.getByLabel('Scope').click();
    await page.getByRole('option', { name: 'Read', exact: true }).click();
    await create.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: /Copy the key for “BI warehouse”/ });
    await expectText(shown, /only time it is shown/);
    const secret = (await shown.getByTestId('api-key-secret').innerText()).trim();
    expect(secret).toMatch(/^dpk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-api-keys-01-secret-shown-once.png'), fullPage: true });
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await request(served.app).get('/api/v1/customers').set('Authorization', `Bearer ${secret}`).expect(200);
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached' });

    const prefix = secret.split('_')[1]!;
    const row = section.getByTestId(`api-key-${prefix}`);
    // Times in the dealer's zone (the browser sits in Berlin).
    await expectText(row, new RegExp(`BI warehouse\\s+dpk_${prefix}_…\\s+Read\\s+.*C[SD]T by Morgan Admin\\s+Never\\s+Active`));
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expectText(page.getByTestId(`api-key-${prefix}`), /Active/);
    expect(await page.getByTestId(`api-key-${prefix}`).innerText()).not.toMatch(/Never\s+Active/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-api-keys-02-listed-by-prefix.png'), fullPage: true });

    await page.getByTestId(`api-key-${prefix}`).getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “BI warehouse”?' });
    await expectText(confirm, new RegExp(`Key ${prefix} stops working at once`));
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await expectText(page.getByTestId(`api-key-${prefix}`), /Revoked/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-api-keys-03-revoked.png'), fullPage: true });
    const refused = await request(served.app).get('/api/v1/customers').set('Authorization', `Bearer ${secret}`).expect(401);
    expect(refused.body.error.code).toBe('api_key_revoked');
  });

  it('does not show the section to an AR operator', async () => {
    const dealer = await createDealer(db);
    const clerk = await createOperator(db, dealer.id, { role: 'ar_operator' });
    opened = await consoleAs(browser, served.baseUrl, clerk.email);
    await opened.page.getByRole('menuitem', { name: 'Settings' }).click();
    await opened.page.getByText('Team').first().waitFor();
    expect(await opened.page.getByTestId('api-keys').count()).toBe(0);
  });
});
