import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../api/auth/passwords';
import { addDays, localDate } from '../../domain/dates';
import { clickOnceDrawn, closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, signInToPortal, type ConsolePage } from '../support/browser';
import { eventually } from '../support/eventually';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';
import { createInvoice, createJob, CUSTOMER_PASSWORD, uniqueEmail } from '../support/portal';
import request from 'supertest';

/**
 * Company roles in Debian's Chromium (docs/company-roles.md): an AP clerk's payment above the
 * approval limit waits, and an owner approves it from the Approvals page; a job pay link,
 * opened signed out, shows only its job and pays it from a bank account linked through Plaid Link,
 * or from a card typed key by key into Moov's card-link Drop.
 */
jest.setTimeout(180_000);

describe('company roles in the portal', () => {
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

  async function newPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/Chicago' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors, close: () => context.close() };
  }

  it('an AP clerk\'s payment above the limit waits; the owner approves it on the Approvals page and it is paid', async () => {
    const customer = await payingCustomer(stack);
    const ownerEmail = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    const apEmail = uniqueEmail('ap');
    await stack.db('portal_users').insert({ company_id: customer.companyId, email: apEmail, name: 'Alex Payables', role: 'ap', password_hash: await hashPassword(CUSTOMER_PASSWORD), terms_version: '2026-01', terms_accepted_at: stack.db.fn.now() });
    await stack.db('customer_companies').where({ id: customer.companyId }).update({ approval_threshold_cents: 500_00 });
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'APR-8100', amountCents: 1_240_00, dueDate: addDays(today, 20) });

    const clerk = await newPage();
    try {
      await signInToPortal(clerk.page, stack.apiUrl, apEmail, dealerName);
      // Not an owner: no Team page.
      expect(await clerk.page.getByRole('link', { name: 'Team' }).count()).toBe(0);
      await clerk.page.getByRole('checkbox', { name: 'Invoice APR-8100' }).check();
      await clerk.page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
      await clerk.page.getByRole('button', { name: 'Pay $1,240.00' }).click();
      await clerk.page.getByRole('heading', { name: 'Approvals' }).waitFor();
      await clerk.page.getByText('Your payment is above your company\'s approval limit').waitFor();
      const waiting = clerk.page.getByRole('article', { name: 'Payment of $1,240.00 waiting for approval' });
      await waiting.getByText('Asked for by Alex Payables').waitFor();
      expect(await waiting.getByRole('button', { name: /Approve/ }).count()).toBe(0);
      await clerk.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-approval-waiting.png'), fullPage: true });
      expect(clerk.errors).toEqual([]);
    } finally {
      await clerk.close();
    }
    expect(await stack.db('invoices').where({ id: invoice.id }).first('reserved_cents')).toEqual({ reserved_cents: 1_240_00 });

    const owner = await newPage();
    try {
      await signInToPortal(owner.page, stack.apiUrl, ownerEmail, dealerName);
      await owner.page.getByRole('link', { name: 'Approvals' }).click();
      const waiting = owner.page.getByRole('article', { name: 'Payment of $1,240.00 waiting for approval' });
      await waiting.getByText('APR-8100 ($1,240.00)').waitFor();
      await owner.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-approval-owner.png'), fullPage: true });
      await waiting.getByRole('button', { name: 'Approve and pay $1,240.00' }).click();
      await owner.page.getByText('Nothing is waiting for approval.').waitFor();
      const decided = owner.page.locator('.scheduled-row').filter({ hasText: '$1,240.00' });
      await decided.getByText('Approved and paid').waitFor();
      await decided.getByRole('link', { name: 'View payment' }).click();
      await owner.page.getByText('APR-8100').first().waitFor();
      await owner.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-approval-approved.png'), fullPage: true });
      expect(owner.errors).toEqual([]);
    } finally {
      await owner.close();
    }
    await eventually(async () => expect(await stack.db('invoices').where({ id: invoice.id }).first('status')).toEqual({ status: 'paid' }), 30_000);
  });

  it('a job pay link opened signed out shows only its job and pays it from a bank account linked there', async () => {
    const customer = await payingCustomer(stack);
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Birchwood school gym');
    const other = await createJob(stack.db, stack.dealerId, customer.accountId, 'Lakeside condos');
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'JOB-9101', jobId: job.id, amountCents: 3_150_00, dueDate: addDays(today, 15) });
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'JOB-9102', jobId: job.id, amountCents: 849_75, dueDate: addDays(today, 25) });
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'OTHER-9200', jobId: other.id, amountCents: 500_00, dueDate: addDays(today, 15) });
    const made = await customer.session.send('post', '/api/portal/job-pay-links', { jobId: job.id, payerLabel: 'Summit General Contractors' }).expect(201);
    const url = (made.body.url as string).replace(/^https?:\/\/[^/]+/, stack.apiUrl);

    const payer = await newPage();
    try {
      await payer.page.goto(url);
      await payer.page.getByRole('heading', { name: 'Birchwood school gym' }).waitFor();
      await payer.page.getByText(`Pay ${dealerName}`).waitFor();
      await payer.page.getByText('For Summit General Contractors').waitFor();
      await payer.page.getByText('Total $3,999.75').waitFor();
      const body = await payer.page.locator('main').innerText();
      expect(body).toContain('JOB-9101');
      expect(body).toContain('JOB-9102');
      for (const hidden of ['OTHER-9200', 'Lakeside condos', 'Outstanding', 'Payments']) expect(body).not.toContain(hidden);
      await payer.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-job-link.png'), fullPage: true });

      // The payer links their own bank account through Plaid Link; nothing of the contractor's is offered.
      await payer.page.getByRole('button', { name: 'Link a bank account' }).click();
      const link = payer.page.frameLocator('iframe[title="Plaid Link"]');
      await link.getByRole('heading', { name: /Connect a bank account/ }).waitFor();
      await link.getByRole('radio').first().check();
      await link.getByRole('button', { name: 'Continue' }).click();
      await payer.page.getByRole('radio', { name: /Prairie State Bank|Business Checking/ }).waitFor();
      const pay = payer.page.getByRole('button', { name: /^Pay \$/ });
      await pay.waitFor();
      await payer.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-job-link-bank.png'), fullPage: true });
      await pay.click();
      await payer.page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
      await payer.page.getByText(/to .* for Birchwood school gym/).waitFor();
      await payer.page.screenshot({ path: path.join(SCREENSHOTS, 'portal-job-link-paid.png'), fullPage: true });
      expect(payer.errors).toEqual([]);
    } finally {
      await payer.close();
    }
    const paid = await stack.db('payment_applications as pa').join('invoices as i', 'i.id', 'pa.invoice_id').join('payments as p', 'p.id', 'pa.payment_id')
      .where('i.customer_account_id', customer.accountId).whereNot('p.company_id', customer.companyId).pluck('i.invoice_number');
    expect(paid.sort()).toEqual(['JOB-9101', 'JOB-9102']);
  });

  it('an operator makes a pay link on the job page in the console, and revokes it', async () => {
    const customer = await payingCustomer(stack);
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Foxglove library annex');
    const email = (await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('email')).email;
    let opened: ConsolePage | undefined;
    try {
      opened = await consoleAs(browser, stack.apiUrl, email);
      const { page } = opened;
      await page.goto(`${stack.apiUrl}/admin/#/jobs/${job.id}/show`);
      const card = page.getByTestId('job-pay-links');
      await card.getByLabel('Who it is for (optional)').fill('Joint check: First Prairie Bank');
      await card.getByRole('button', { name: 'Make a pay link' }).click();
      await card.getByText('it is shown once').waitFor();
      const shown = await card.locator('code').innerText();
      expect(shown).toMatch(/\/portal\/#\/job-link\?token=/);
      await card.getByText('Joint check: First Prairie Bank').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-job-pay-link.png'), fullPage: true });
      await card.getByRole('button', { name: 'Revoke' }).click();
      await card.getByText('revoked').waitFor();
      expect((await request(stack.app).get(`/api/portal/job-links/${new URL(shown.replace('#/', 'hash/')).searchParams.get('token')}`)).status).toBe(404);
    } finally {
      await closeConsolePage(opened, expect.getState().currentTestName);
    }
  });

  it('adds a card typed key by key on a job link opened signed out, and pays the job with it', async () => {
    const customer = await payingCustomer(stack);
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Cedar hall annex');
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'JLC-7101', jobId: job.id, amountCents: 1_275_40, dueDate: addDays(today, 15) });
    const made = await customer.session.send('post', '/api/portal/job-pay-links', { jobId: job.id, payerLabel: 'Summit General Contractors' }).expect(201);
    const url = (made.body.url as string).replace(/^https?:\/\/[^/]+/, stack.apiUrl);

    const { page, errors, close } = await newPage();
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
      await close();
    }

    const paid = await stack.db('payment_applications as pa').join('invoices as i', 'i.id', 'pa.invoice_id').join('payments as p', 'p.id', 'pa.payment_id')
      .join('payment_methods as m', 'm.id', 'p.payment_method_id')
      .where('i.customer_account_id', customer.accountId).select('i.invoice_number', 'm.kind', 'm.last4');
    expect(paid).toEqual([{ invoice_number: 'JLC-7101', kind: 'card', last4: '1111' }]);
  });
});
