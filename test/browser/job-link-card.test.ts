import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { addDays, localDate } from '../../domain/dates';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createInvoice, createJob } from '../support/portal';

/**
 * A job pay link paid by card in Debian's Chromium (docs/company-roles.md): the payer opens
 * the link signed out, types a card key by key into Moov's card-link Drop, and pays the job.
 */
jest.setTimeout(180_000);

/**
 * Clicks a button that is below the fold, right under the Drop's frame. The frame is
 * cross-origin, so Chromium runs it out of process and routes a click by the last frame it
 * drew: Playwright's scroll and click fall inside one frame, and the click lands on the card
 * number field where the frame was before the scroll, unheard by the page. A person sees the
 * button before clicking it; so does this.
 */
async function clickOnceDrawn(button: Locator): Promise<void> {
  await button.scrollIntoViewIfNeeded();
  await button.page().evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
  await button.click();
}

describe('a job pay link paid by card', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let dealerName: string;
  let today: string;

  beforeAll(async () => {
    stack = await startPaymentStack();
    browser = await launchChromium();
    dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    today = localDate(new Date(), 'America/Chicago');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('adds a card typed key by key on a job link opened signed out, and pays the job with it', async () => {
    const customer = await payingCustomer(stack);
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Cedar hall annex');
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'JLC-7101', jobId: job.id, amountCents: 1_275_40, dueDate: addDays(today, 15) });
    const made = await customer.session.send('post', '/api/portal/job-pay-links', { jobId: job.id, payerLabel: 'Summit General Contractors' }).expect(201);
    const url = (made.body.url as string).replace(/^https?:\/\/[^/]+/, stack.apiUrl);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/Chicago' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(url);
      await page.getByRole('heading', { name: 'Cedar hall annex' }).waitFor();
      await page.getByText(`Pay ${dealerName}`).waitFor();

      await page.getByRole('button', { name: 'Add a card' }).click();
      const drop = page.frameLocator('moov-card-link iframe');
      await drop.getByLabel('Card number').pressSequentially('4111 1111 1111 1111');
      await drop.getByLabel('Expiration').pressSequentially('12/30');
      await drop.getByLabel('Security code').pressSequentially('123');
      await drop.getByLabel('Billing ZIP').pressSequentially('60601');
      await clickOnceDrawn(page.getByRole('button', { name: 'Use this card' }));

      const card = page.getByRole('radio', { name: /Visa.*1111/ });
      await card.waitFor();
      expect(await card.isChecked()).toBe(true);
      const pay = page.getByRole('button', { name: 'Pay $1,275.40' });
      await pay.waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-job-link-card.png'), fullPage: true });
      await clickOnceDrawn(pay);
      await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      await page.getByText(`to ${dealerName} for Cedar hall annex`).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-job-link-card-paid.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    const paid = await stack.db('payment_applications as pa').join('invoices as i', 'i.id', 'pa.invoice_id').join('payments as p', 'p.id', 'pa.payment_id')
      .join('payment_methods as m', 'm.id', 'p.payment_method_id')
      .where('i.customer_account_id', customer.accountId).select('i.invoice_number', 'm.kind', 'm.last4');
    expect(paid).toEqual([{ invoice_number: 'JLC-7101', kind: 'card', last4: '1111' }]);
  });
});
