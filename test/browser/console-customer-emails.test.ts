import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Db } from '../../db/connection';
import { consoleAs, launchChromium, SCREENSHOTS } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, createOperator, serveOperatorApp, type ServedApp } from '../support/operator';
import { createCustomerAccount } from '../support/portal';

/** The Emails tab of a customer's page in the console shows what the outbox holds for the customer. */
jest.setTimeout(180_000);

describe('Console customer page: Emails tab', () => {
  let db: Db;
  let api: ServedApp;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    db = testDb();
    api = await serveOperatorApp(db);
    baseUrl = api.baseUrl;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.destroy();
  });

  it('lists the customer\'s emails newest first with status and the mail server\'s answer', async () => {
    const dealer = await createDealer(db, { name: 'Mailroom Lumber' });
    const operator = await createOperator(db, dealer.id, { role: 'ar_operator' });
    const account = await createCustomerAccount(db, dealer.id);
    const to = account.email!;
    await db('email_outbox').insert([
      { dealer_id: dealer.id, customer_account_id: account.id, kind: 'payment_submitted', to_address: to, subject: 'Payment P-1 received', text_body: 'x', status: 'sent', attempts: 1, smtp_response: '250 OK: message queued', sent_at: new Date('2026-11-20T15:00:00Z'), created_at: new Date('2026-11-20T15:00:00Z'), dedupe_key: `ui-${account.id}-1` },
      { dealer_id: dealer.id, customer_account_id: account.id, kind: 'payment_returned', to_address: to, subject: 'Payment P-1 was returned by your bank', text_body: 'x', status: 'failed', attempts: 1, smtp_response: '550 No such mailbox', last_error: 'Can\'t send mail - all recipients were rejected', created_at: new Date('2026-11-24T15:00:00Z'), dedupe_key: `ui-${account.id}-2` },
    ]);
    const opened = await consoleAs(browser, baseUrl, operator.email);
    const failed: string[] = [];
    opened.page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    try {
      await opened.page.goto(`${baseUrl}/admin/#/customers/${account.id}/show/emails`);
      const table = opened.page.getByRole('table', { name: 'Emails sent to this customer' });
      await table.waitFor();
      const rows = table.locator('tbody tr');
      await rows.nth(1).waitFor();
      expect(await rows.count()).toBe(2);
      await expectRow(rows.nth(0), ['Payment P-1 was returned by your bank', 'Payment returned', 'Failed', '550 No such mailbox']);
      await expectRow(rows.nth(1), ['Payment P-1 received', 'Payment submitted', 'Sent', '250 OK: message queued']);
      await opened.page.screenshot({ path: path.join(SCREENSHOTS, 'console-customer-emails.png'), fullPage: true });
      expect(failed).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

async function expectRow(row: import('playwright-core').Locator, texts: string[]): Promise<void> {
  const text = await row.innerText();
  for (const expected of texts) expect(text).toContain(expected);
}
