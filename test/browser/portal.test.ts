import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { createPaymentWithReservations } from '../../db/payments';
import { addDays, localDate } from '../../domain/dates';
import { computeFees, feeScheduleFromDealer } from '../../domain/fees';
import { formatCents } from '../../domain/money';
import { logger } from '../../runtime/logger';
import { testConfig } from '../support/config';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, createOperator, signIn, type SignedIn } from '../support/operator';
import { createAdjustment, createCustomerAccount, createInvoice, createJob, startMailSink, waitForEmail } from '../support/portal';
import { dealerProcessorAccount } from '../../services/payment-methods';
import { startPaymentEmulators, waitUntil, type PaymentEmulators } from '../support/payment-emulators';
import { startTestWorker } from '../support/temporal';
import { Client, Connection } from '@temporalio/client';
import { requiredEnv } from '../support/temporal';

/**
 * The customer's story in a real browser (Debian's Chromium through playwright-core) against
 * the real API, worker, Temporal and SMTP sink: invited by email, registers, signs in, sees
 * what is owed grouped by job. Screenshots at desktop and phone widths go to test-results/.
 * The pay-by-ACH chapter plugs in after `seesOutstanding` once payment submission exists.
 */
const PASSWORD = 'Framing-crew-2026!';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

jest.setTimeout(180_000);

describe('Payments portal in a browser', () => {
  let db: Db;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let payments: PaymentEmulators;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let server: Server;
  let baseUrl: string;
  let temporalConnection: Connection;
  let browser: Browser;
  let operator: SignedIn;
  let app: Express;
  let dealer: { id: string; name: string };
  let account: Awaited<ReturnType<typeof createCustomerAccount>>;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = testDb();
    sink = await startMailSink();
    payments = await startPaymentEmulators();

    // The emailed links must point at this server, so learn its port before configuring.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const external = { SMTP_URL: sink.smtpUrl, PUBLIC_URL: baseUrl, MOOV_URL: payments.moov.url, PLAID_URL: payments.plaid.url };
    worker = await startTestWorker({ db, logger, config: testConfig(external) });
    temporalConnection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
    const config = testConfig({ ...external, TASK_QUEUE: worker.taskQueue });
    app = createApp({ db, temporal: new Client({ connection: temporalConnection, namespace: 'default' }), config });
    server.on('request', app);

    dealer = await createDealer(db, { name: 'Northwind Lumber', allow_partial_payments: true, ach_fee_cents: 0 });
    // Onboarding gives every dealer a receiving account at the processor.
    await dealerProcessorAccount(db, payments.moovClient, dealer.id);
    operator = await signIn(app, (await createOperator(db, dealer.id)).email);
    account = await createCustomerAccount(db, dealer.id, { name: 'Hallmark Builders' });
    await seedReceivables(db, dealer.id, account.id);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    }
    await temporalConnection?.close();
    await worker?.stop();
    await sink?.stop();
    await payments?.stop();
    await db?.destroy();
  });

  async function newPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return { context, page };
  }

  async function registerInBrowser(page: Page, registerUrl: string): Promise<void> {
    await page.goto(registerUrl);
    await page.getByRole('heading', { name: 'Create your login' }).waitFor();
    await page.getByText('Invitation from Northwind Lumber').waitFor();
    await page.getByLabel('Your name').fill('Pat Payables');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByLabel('I accept the terms of use').check();
    await shoot(page, 'portal-register');
    await page.getByRole('button', { name: 'Create login' }).click();
  }

  async function signInInBrowser(page: Page, email: string): Promise<void> {
    await page.goto(`${baseUrl}/portal/#/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Full-page shots from the top, so the sticky header sits where a person sees it. */
  async function shoot(page: Page, name: string): Promise<void> {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function seesOutstanding(page: Page): Promise<void> {
    await page.getByRole('heading', { name: 'Northwind Lumber' }).waitFor();
    await page.getByRole('button', { name: /Riverside Duplex/ }).waitFor();
  }

  it('invited by email, the customer registers, signs in and sees what is owed grouped by job', async () => {
    const invited = await operator.send('post', '/api/operator/invitations', { customerAccountIds: [account.id] }).expect(200);
    expect(invited.body.results[0].outcome).toBe('invited');
    const email = await waitForEmail(sink, account.email!);
    const registerUrl = email.links.find((link) => link.includes('#/register?token='))!;
    expect(registerUrl.startsWith(`${baseUrl}/portal/#/register?token=`)).toBe(true);

    const { context, page } = await newPage(DESKTOP);
    await registerInBrowser(page, registerUrl);
    await seesOutstanding(page);
    await shoot(page, 'portal-after-registration-desktop');

    // Sign out, sign back in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInInBrowser(page, account.email!);
    await seesOutstanding(page);

    const jobNames = await page.locator('.job-name').allTextContents();
    expect(jobNames).toEqual(['Riverside Duplex', 'Oak Street Remodel', 'Not assigned to a job']);
    const riverside = page.locator('.job').filter({ hasText: 'Riverside Duplex' });
    expect(await riverside.locator('.badge').first().textContent()).toBe('90+ days');
    expect(await riverside.locator('.job-amounts .amount').textContent()).toBe('$4,275.50');
    expect(await page.locator('.totals dd').first().textContent()).toBe('$5,015.25');

    // Expand a second job and pick two invoices; one partly.
    await page.getByRole('button', { name: /Oak Street Remodel/ }).click();
    const oak = page.locator('.job').filter({ hasText: 'Oak Street Remodel' });
    await oak.getByRole('checkbox').first().check();
    await riverside.getByRole('checkbox').first().check();
    await page.getByLabel(/Amount to pay on invoice RD-1001/).fill('1000.00');
    await page.locator('.selection-bar').getByText('2 items · $1,650.00').waitFor();
    await shoot(page, 'portal-outstanding-desktop');
    await context.close();

    const phone = await newPage(PHONE);
    await phone.page.goto(`${baseUrl}/portal/#/sign-in`);
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shoot(phone.page, 'portal-sign-in-phone');
    await signInInBrowser(phone.page, account.email!);
    await seesOutstanding(phone.page);
    await phone.page.getByRole('button', { name: /Oak Street Remodel/ }).click();
    await phone.page.locator('.job').filter({ hasText: 'Oak Street Remodel' }).getByRole('checkbox').first().check();
    await shoot(phone.page, 'portal-outstanding-phone');
    // Nothing is wider than the phone's screen.
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.page.goto(`${baseUrl}/portal/#/payments`);
    await phone.page.getByText('No payments yet.').waitFor();
    await shoot(phone.page, 'portal-payments-phone');
    await phone.context.close();
  });

  it('links a bank through the Plaid stand-in and pays two invoices of one job by ACH, once, however often Pay is pressed', async () => {
    const { context, page } = await newPage(DESKTOP);
    await signInInBrowser(page, account.email!);
    await seesOutstanding(page);
    const riverside = page.locator('.job').filter({ hasText: 'Riverside Duplex' });
    await riverside.getByRole('checkbox', { name: 'Invoice RD-1001' }).check();
    await riverside.getByRole('checkbox', { name: 'Invoice RD-1017' }).check();
    await page.locator('.selection-bar').getByText('2 items · $4,125.50').waitFor();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Pay', exact: true }).waitFor();

    // The one-time bank link, in Plaid Link (its script's frame over the page).
    await page.getByRole('button', { name: 'Link a bank account' }).click();
    const link = page.frameLocator('iframe[title="Plaid Link"]');
    await link.getByRole('heading', { name: /Connect a bank account/ }).waitFor();
    await shoot(page, 'portal-bank-link-desktop');
    await link.getByRole('radio').first().check();
    await link.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('radio', { name: /Prairie State Bank|Business Checking/ }).waitFor();
    await page.getByText('Total charged').waitFor();
    await shoot(page, 'portal-pay-preview-desktop');
    const payButton = page.getByRole('button', { name: /^Pay \$/ });
    const label = (await payButton.textContent())!;
    expect(label).toBe('Pay $4,125.50');

    await payButton.dblclick();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    await page.getByText('Bank transfers take 1 to 3 business days').waitFor();
    await shoot(page, 'portal-payment-submitted-desktop');
    const paid = await db('payment_applications as pa').join('invoices as i', 'i.id', 'pa.invoice_id')
      .whereIn('i.invoice_number', ['RD-1001', 'RD-1017']).where('i.customer_account_id', account.id).countDistinct({ n: 'pa.payment_id' }).first();
    expect(Number(paid!.n)).toBe(1);

    await page.getByRole('link', { name: 'View payment and receipt' }).click();
    await page.getByRole('heading', { name: '$4,125.50' }).waitFor();
    await page.getByText('Processing', { exact: true }).first().waitFor();
    const payment = await db('payments').where({ customer_account_id: account.id, amount_cents: 412_550 }).first('id', 'number', 'status');
    expect(payment.status).toBe('pending');
    // Submitted to the processor: the transfer exists at Moov and is not final.
    const submitted = await waitUntil(async () => {
      const row = await db('payments').where({ id: payment.id }).first('moov_transfer_id', 'status');
      return row?.moov_transfer_id ? (row as { moov_transfer_id: string; status: string }) : null;
    }, 'the transfer at Moov');
    expect(submitted.status).toBe('pending');
    const incoming = await operator.get('/api/operator/payments').expect(200);
    expect(incoming.body.map((row: { number: string }) => row.number)).toContain(payment.number);
    await context.close();
  });

  it('pays by card entered into Moov\'s card-link Drop: a credit card carries the fee, a debit card does not', async () => {
    await db('dealers').where({ id: dealer.id }).update({ card_credit_rate_bps: 290, card_debit_rate_bps: 150, card_flat_fee_cents: 30 });
    const { context, page } = await newPage(DESKTOP);
    const cardRequests: string[] = [];
    page.on('request', (request) => {
      if (request.postData()?.includes('4111111111111111')) cardRequests.push(request.url());
    });
    await signInInBrowser(page, account.email!);
    await seesOutstanding(page);
    await page.getByRole('button', { name: /Not assigned to a job/ }).click();
    await page.locator('.job').filter({ hasText: 'Not assigned to a job' }).getByRole('checkbox', { name: 'Invoice MISC-88' }).check();
    await page.locator('.job').filter({ hasText: 'Riverside Duplex' }).getByRole('checkbox', { name: 'Debit DB-220' }).check();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();

    // The card goes into Moov's card-link Drop, a frame of the processor's page; the state for
    // the fee rules is read off the billing ZIP, as the Drop collects no more.
    const addCardInForm = async (number: string) => {
      await page.getByRole('button', { name: 'Add a card' }).click();
      const drop = page.frameLocator('moov-card-link iframe');
      await drop.getByLabel('Card number').fill(number);
      await drop.getByLabel('Expiration').fill('12/39');
      await drop.getByLabel('Security code').fill('123');
      await drop.getByLabel('Billing ZIP').fill('62701');
      await page.getByRole('button', { name: 'Use this card' }).click();
    };
    const schedule = feeScheduleFromDealer(await db('dealers').where({ id: dealer.id }).first());
    const creditFee = computeFees({ method: 'card', cardFunding: 'credit', billingState: 'IL', baseCents: 17_500, schedule }).customerFeeCents;
    expect(creditFee).toBeGreaterThan(0);

    await addCardInForm('4111111111111111');
    await page.getByRole('radio', { name: /Visa credit ····1111/ }).waitFor();
    await page.getByRole('button', { name: `Pay ${formatCents(17_500 + creditFee)}` }).waitFor();
    expect(await page.locator('.preview-sums div', { hasText: 'Fee' }).locator('dd').textContent()).toBe(formatCents(creditFee));
    await shoot(page, 'portal-pay-card-desktop');
    // The card number went to the processor only.
    expect(cardRequests.length).toBeGreaterThan(0);
    expect(cardRequests.every((url) => url.startsWith(payments.moov.url))).toBe(true);

    await addCardInForm('4000056655665556');
    await page.getByRole('radio', { name: /Visa debit ····5556/ }).waitFor();
    await page.getByRole('button', { name: `Pay ${formatCents(17_500)}` }).waitFor();
    expect(await page.locator('.preview-sums div', { hasText: 'Fee' }).locator('dd').textContent()).toBe('$0.00');

    await page.getByRole('radio', { name: /Visa credit ····1111/ }).check();
    await page.getByRole('button', { name: `Pay ${formatCents(17_500 + creditFee)}` }).click();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    await page.getByText('Your card is charged now').waitFor();
    const payment = await db('payments').where({ customer_account_id: account.id, method: 'card' }).first('amount_cents', 'fee_cents', 'card_funding');
    expect(payment).toEqual({ amount_cents: 17_500 + creditFee, fee_cents: creditFee, card_funding: 'credit' });
    await context.close();
  });

  it('lists payments; a payment shows what it paid, downloads its receipt and emails it again', async () => {
    const paymentId = await seedPayment(db, dealer.id, account.id, ['OS-2040', 'OS-2044']);
    const { context, page } = await newPage(DESKTOP);
    await signInInBrowser(page, account.email!);
    await seesOutstanding(page);
    // What is already being paid cannot be picked again.
    await page.getByRole('button', { name: /Oak Street Remodel/ }).click();
    const oak = page.locator('.job').filter({ hasText: 'Oak Street Remodel' });
    expect(await oak.getByRole('checkbox').first().isDisabled()).toBe(true);
    await oak.getByText('$650.00 already in a payment being processed').waitFor();

    await page.getByRole('link', { name: 'Payments' }).click();
    const row = page.locator('.payment-row').first();
    await row.getByText('$841.25').waitFor();
    await row.getByText('Processing').waitFor();
    await shoot(page, 'portal-payments-desktop');
    await row.click();
    await page.getByRole('heading', { name: '$841.25' }).waitFor();
    await page.getByText('First Prairie Bank ····6789').waitFor();
    await shoot(page, 'portal-payment-detail-desktop');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download receipt (PDF)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^receipt-P-\d+\.pdf$/);

    await page.getByRole('button', { name: 'Email me the receipt' }).click();
    await page.getByText(`Receipt sent to ${account.email}.`).waitFor();
    const receipt = await waitForEmail(sink, account.email!, (message) => message.subject.startsWith('Receipt for payment'));
    expect(receipt.text).toContain('Total charged: $841.25');
    expect(paymentId).toBeTruthy();
    await context.close();
  });

  it('a second dealer\'s invitation adds its account to the same login; the full statement is paid with its discount', async () => {
    const cedar = await createDealer(db, { name: 'Cedar Ridge Supply', bills_by_statement: true });
    await dealerProcessorAccount(db, payments.moovClient, cedar.id);
    const cedarAccount = await createCustomerAccount(db, cedar.id, { name: 'Hallmark Builders LLC', email: account.email });
    const today = localDate(new Date(), 'America/Chicago');
    const [statement] = await db('statements').insert({
      dealer_id: cedar.id, customer_account_id: cedarAccount.id, statement_number: 'ST-2611', statement_date: addDays(today, -10),
      balance_cents: 98_000, discount_cents: 1_960, discount_date: addDays(today, 5), due_date: addDays(today, 15),
    }).returning('id');
    const mill = await createJob(db, cedar.id, cedarAccount.id, 'Mill Creek Homes');
    await createInvoice(db, cedar.id, cedarAccount.id, { number: 'CR-5501', jobId: mill.id, amountCents: 61_000, invoiceDate: addDays(today, -28), dueDate: addDays(today, 15), statementId: statement.id });
    await createInvoice(db, cedar.id, cedarAccount.id, { number: 'CR-5518', jobId: mill.id, amountCents: 37_000, invoiceDate: addDays(today, -14), dueDate: addDays(today, 15), statementId: statement.id });
    await createInvoice(db, cedar.id, cedarAccount.id, { number: 'CR-5560', jobId: mill.id, amountCents: 8_800, invoiceDate: addDays(today, -2), dueDate: addDays(today, 28) });

    const cedarOperator = await signIn(app, (await createOperator(db, cedar.id)).email);
    await cedarOperator.send('post', '/api/operator/invitations', { customerAccountIds: [cedarAccount.id] }).expect(200);
    const email = await waitForEmail(sink, account.email!, (message) => message.subject.startsWith('Cedar Ridge Supply'));
    const { context, page } = await newPage(DESKTOP);
    await page.goto(email.links.find((link) => link.includes('#/register?token='))!);
    await page.getByRole('heading', { name: 'Add this account to your login' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in and add Cedar Ridge Supply' }).click();

    await page.getByRole('heading', { name: 'Choose a supplier' }).waitFor();
    expect(await page.locator('.supplier strong').allTextContents()).toEqual(['Cedar Ridge Supply', 'Northwind Lumber']);
    await shoot(page, 'portal-suppliers-desktop');
    await page.getByRole('link', { name: /Cedar Ridge Supply/ }).click();
    await page.getByRole('tab', { name: 'Current Statement' }).click();
    await page.getByText('Statement ST-2611', { exact: false }).waitFor();
    await page.getByText('comes off').waitFor();
    await shoot(page, 'portal-statement-desktop');
    await page.getByRole('tab', { name: 'New Charges' }).click();
    await page.locator('.item .item-text', { hasText: 'CR-5560' }).waitFor();
    expect(await page.locator('.item .item-text').allTextContents()).toEqual([expect.stringContaining('CR-5560')]);

    await page.getByRole('tab', { name: 'Current Statement' }).click();
    await page.getByRole('button', { name: 'Pay full statement' }).click();
    await page.getByRole('radio', { name: /Prairie State Bank/ }).check();
    await page.getByRole('button', { name: `Pay ${formatCents(98_000 - 1_960)}` }).waitFor();
    expect(await page.locator('.preview-sums div', { hasText: 'Statement discount' }).locator('dd').textContent()).toBe(`−${formatCents(1_960)}`);
    await shoot(page, 'portal-pay-statement-desktop');
    await page.getByRole('button', { name: `Pay ${formatCents(98_000 - 1_960)}` }).click();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    const payment = await db('payments').where({ customer_account_id: cedarAccount.id }).first('discount_cents', 'amount_cents', 'source_view', 'statement_id', 'status');
    expect(payment).toEqual({ discount_cents: 1_960, amount_cents: 96_040, source_view: 'current_statement', statement_id: statement.id, status: 'pending' });
    await context.close();

    const phone = await newPage(PHONE);
    await signInInBrowser(phone.page, account.email!);
    await phone.page.getByRole('link', { name: /Cedar Ridge Supply/ }).click();
    await phone.page.getByRole('tab', { name: 'Current Statement' }).click();
    await phone.page.getByText('Statement ST-2611', { exact: false }).waitFor();
    await shoot(phone.page, 'portal-statement-phone');
    await phone.page.goto(`${baseUrl}/portal/#/payments`);
    await phone.page.locator('.payment-row').first().waitFor();
    await shoot(phone.page, 'portal-payments-phone');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await phone.context.close();
  });

  it('shows a clear message for a used invitation link', async () => {
    const email = await waitForEmail(sink, account.email!, (message) => message.subject.startsWith('Northwind Lumber invites you'));
    const registerUrl = email.links.find((link) => link.includes('#/register?token='))!;
    const { context, page } = await newPage(PHONE);
    await page.goto(registerUrl);
    await page.getByText('This invitation has already been used.').waitFor();
    await shoot(page, 'portal-used-invitation-phone');
    await context.close();
  });
});

/** A pending ACH payment of two invoices, as payment submission leaves it. */
async function seedPayment(db: Db, dealerId: string, accountId: string, invoiceNumbers: string[]): Promise<string> {
  const link = await db('company_account_links').where({ customer_account_id: accountId }).first('company_id');
  const [method] = await db('payment_methods')
    .insert({ company_id: link.company_id, kind: 'ach', moov_payment_method_id: `pm_${randomUUID()}`, moov_source_id: `ba_${randomUUID()}`, label: 'Business checking', last4: '6789', bank_name: 'First Prairie Bank' })
    .returning('id');
  const invoices = await db('invoices').where({ customer_account_id: accountId }).whereIn('invoice_number', invoiceNumbers).select('id', 'balance_cents');
  const itemsCents = invoices.reduce((sum: number, invoice: { balance_cents: number }) => sum + invoice.balance_cents, 0);
  const id = randomUUID();
  await db.transaction((trx) => createPaymentWithReservations(trx, {
    id, dealerId, customerAccountId: accountId, companyId: link.company_id, portalUserId: null, paymentMethodId: method.id, method: 'ach', cardFunding: null,
    itemsCents, creditsCents: 0, discountCents: 0, feeCents: 150, amountCents: itemsCents + 150, processingCostCents: 150,
    sourceView: 'all', statementId: null, idempotencyKey: randomUUID(), requestHash: 'browser-test',
    applications: invoices.map((invoice: { id: string; balance_cents: number }) => ({ itemType: 'invoice' as const, itemId: invoice.id, amountCents: invoice.balance_cents })),
  }));
  return id;
}

/** Three jobs' worth of receivables, ages spread across the past-due buckets. */
async function seedReceivables(db: Db, dealerId: string, accountId: string): Promise<void> {
  const today = localDate(new Date(), 'America/Chicago');
  const riverside = await createJob(db, dealerId, accountId, 'Riverside Duplex');
  const oak = await createJob(db, dealerId, accountId, 'Oak Street Remodel');
  await createInvoice(db, dealerId, accountId, { number: 'RD-1001', jobId: riverside.id, amountCents: 250_000, dueDate: addDays(today, -95), invoiceDate: addDays(today, -125) });
  await createInvoice(db, dealerId, accountId, { number: 'RD-1017', jobId: riverside.id, amountCents: 162_550, dueDate: addDays(today, -35), invoiceDate: addDays(today, -65) });
  await createAdjustment(db, dealerId, accountId, { kind: 'debit', number: 'DB-220', jobId: riverside.id, amountCents: 15_000, transactionDate: addDays(today, -20) });
  await createAdjustment(db, dealerId, accountId, { kind: 'credit', number: 'CR-310', jobId: riverside.id, amountCents: 12_500, transactionDate: addDays(today, -10), appliesTo: 'RD-1001' });
  await createInvoice(db, dealerId, accountId, { number: 'OS-2040', jobId: oak.id, amountCents: 65_000, dueDate: addDays(today, 12), invoiceDate: addDays(today, -18) });
  await createInvoice(db, dealerId, accountId, { number: 'OS-2044', jobId: oak.id, amountCents: 18_975, dueDate: addDays(today, 25), invoiceDate: addDays(today, -5) });
  await createInvoice(db, dealerId, accountId, { number: 'MISC-88', amountCents: 2_500, dueDate: addDays(today, -3), invoiceDate: addDays(today, -33) });
}
