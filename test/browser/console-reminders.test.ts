import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Db } from '../../db/connection';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, createOperator, serveOperatorApp, type ServedApp } from '../support/operator';

/**
 * Settings → Payment reminders in Debian's Chromium on the real API: an admin turns reminders
 * on, changes the cadence and the subject, saves (read back from the API), and previews the
 * email for a real customer with an edited body before saving it.
 */
jest.setTimeout(300_000);

describe('Settings → Payment reminders in a browser', () => {
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

  it('edits the cadence and templates, saves them, and previews a customer\'s reminder', async () => {
    const dealer = await createDealer(db, { name: 'Birchwood Lumber', integration_mode: 'file' });
    const admin = await createOperator(db, dealer.id, { role: 'admin', name: 'Morgan Admin' });
    const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: 'BW-100', name: 'Ridgeline Framing' }).returning('id');
    await db('contacts').insert({ dealer_id: dealer.id, customer_account_id: account.id, erp_contact_id: 'BW-100-1', name: 'Pat Payables', email: 'pat@ridgeline.test', is_primary: true });
    await db('invoices').insert({ dealer_id: dealer.id, customer_account_id: account.id, invoice_number: 'INV-7001', invoice_date: '2027-01-02', due_date: '2027-02-01', amount_cents: 432_10, balance_cents: 432_10 });

    opened = await consoleAs(browser, served.baseUrl, admin.email);
    const { page } = opened;
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const section = page.getByTestId('reminders-section');
    await expectText(section, /Payment reminders\s+Off/);
    await section.getByLabel('Send payment reminders').check();
    await section.getByRole('button', { name: 'Add a rule' }).click();
    const rules = section.getByTestId('reminder-rule');
    expect(await rules.count()).toBe(6);
    await rules.nth(5).getByLabel('Days').fill('60');
    await expectText(rules.nth(5), /60 days past due/);
    await section.getByLabel('Subject').fill('{{dealer_name}} reminder: {{total_due}} open');
    await section.getByRole('button', { name: 'Save reminder settings' }).click();
    await expectText(section.getByTestId('reminders-message'), /saved/);
    await expectText(section, /Payment reminders\s+On/);
    const saved = await db('reminder_settings').where({ dealer_id: dealer.id }).first();
    expect(saved).toMatchObject({ enabled: true, subject_template: '{{dealer_name}} reminder: {{total_due}} open' });
    expect(saved.rules).toContainEqual({ kind: 'past_due', days: 60 });

    // Preview with an edited, unsaved body.
    await section.getByLabel('Body').fill('Hello {{customer_name}},\n{{items_table}}\nPay here: {{pay_link}}');
    await section.getByLabel('Customer').fill('Ridgeline');
    await page.getByRole('option', { name: 'Ridgeline Framing (BW-100)' }).click();
    await section.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = section.getByTestId('reminder-preview');
    await expectText(preview.getByTestId('reminder-preview-subject'), /Birchwood Lumber reminder: \$432\.10 open/);
    await expectText(preview.getByTestId('reminder-preview-text'), /Hello Ridgeline Framing,\s+Invoice INV-7001\s+due 2027-02-01\s+\$432\.10/);
    await expectText(preview.getByTestId('reminder-preview-text'), new RegExp(`Pay here: http.*/portal/#/pay/${dealer.id}\\?items=`));
    await expectText(preview, /To: pat@ridgeline\.test/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-reminders-01-cadence-and-preview.png'), fullPage: true });

    // A placeholder we do not fill in is refused by field.
    await section.getByLabel('Body').fill('Hi {{customer}}');
    await section.getByRole('button', { name: 'Preview', exact: true }).click();
    await expectText(section.getByTestId('reminder-preview-refusal'), /body_template: has a placeholder we do not fill in \(\{\{customer\}\}\)/);
  });
});
