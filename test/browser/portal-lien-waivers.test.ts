import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, SCREENSHOTS, signInToPortal } from '../support/browser';
import { payingCustomer, startPaymentStack, submitPayment, type PaymentStack } from '../support/payment-stack';
import { pdfText } from '../support/pdf-text';
import { createInvoice, createJob } from '../support/portal';

/**
 * A contractor's AP clerk fetching the lien waiver for a job they just paid: from the payment's
 * page and from the job's list, in a real browser on the real API, worker and emulators.
 */
jest.setTimeout(180_000);

describe('Lien waivers in the portal', () => {
  let stack: PaymentStack;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startPaymentStack();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('downloads the conditional waiver of a job from the payment\'s page, and finds it again under the job', async () => {
    const customer = await payingCustomer(stack);
    await stack.db('customer_accounts').where({ id: customer.accountId }).update({ state: 'CO' });
    const job = await createJob(stack.db, stack.dealerId, customer.accountId, 'Aspen Hollow Lot 7');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'AH-4410', amountCents: 2_480_15, dueDate: '2026-12-15', jobId: job.id });
    const payment = await submitPayment(stack, customer, customer.bankMethodId, [invoice.id]);
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await signInToPortal(page, stack.apiUrl, email);

    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.locator('.payment-row').filter({ hasText: payment.number }).click();
    await page.getByRole('heading', { name: '$2,480.15' }).waitFor();
    const waivers = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Lien waivers' }) });
    const row = waivers.locator('.waiver').filter({ hasText: 'Conditional Waiver and Release on Progress Payment' });
    await row.getByText('Aspen Hollow Lot 7').waitFor();
    await row.getByText(/\$2,480\.15 through/).waitFor();
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-lien-waiver-payment-desktop.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await row.getByRole('link', { name: 'Download PDF' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`lien-waiver-conditional-${payment.number}-${(await stack.db('jobs').where({ id: job.id }).first('erp_job_id')).erp_job_id}.pdf`);
    const text = pdfText(readFileSync((await file.path())!)).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('CONDITIONAL WAIVER AND RELEASE ON PROGRESS PAYMENT');
    expect(text).toContain('Aspen Hollow Lot 7');
    expect(text).toContain('$2,480.15');
    expect(text).toContain(payment.number);

    // The download is on record as this customer's.
    const user = await stack.db('portal_users').where({ email }).first('id');
    const recorded = await stack.db('audit_events').where({ action: 'lien_waiver.downloaded', actor_kind: 'customer', actor_id: user.id });
    expect(recorded).toHaveLength(1);

    // The job's own list, from the job's name on the payment's page.
    await row.getByRole('link', { name: 'Aspen Hollow Lot 7' }).click();
    await page.getByRole('heading', { name: 'Lien waivers', level: 1 }).waitFor();
    await page.getByRole('link', { name: '‹ All jobs' }).waitFor();
    expect(page.url()).toContain(`#/lien-waivers?job=${job.id}`);
    const listed = page.locator('.waiver').filter({ hasText: payment.number });
    await listed.getByText(/^Current; the unconditional waiver follows/).waitFor();
    expect(await page.locator('.waiver').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-lien-waivers-job-desktop.png'), fullPage: true });
    await context.close();
  });
});
