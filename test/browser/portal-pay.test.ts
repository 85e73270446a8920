import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { createDealer } from '../support/operator';
import { payingCustomer, startPaymentStack, submitBankPayment, type PayingCustomer, type PaymentStack } from '../support/payment-stack';
import { createAdjustment, createCustomerAccount, createInvoice, createJob, CUSTOMER_PASSWORD, startMailSink, tokenFromEmail, waitForEmail } from '../support/portal';

/**
 * Paying and following a payment in a real browser, on the real API, worker, Temporal and
 * Moov/Plaid emulators. Every test has its own browser context, sign-in and customer.
 */
jest.setTimeout(180_000);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

describe('Paying in the portal', () => {
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let browser: Browser;
  let dealerName: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { SMTP_URL: sink.smtpUrl } });
    dealerName = (await stack.db('dealers').where({ id: stack.dealerId }).first('name')).name;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await sink?.stop();
  });

  async function newPage(viewport: { width: number; height: number } = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return { context, page };
  }

  async function signIn(page: Page, customer: PayingCustomer): Promise<void> {
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    await page.goto(`${stack.apiUrl}/portal/#/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: dealerName }).waitFor();
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** Set on the page's window; still there only if the page was never reloaded. */
  const markPage = (page: Page) => page.evaluate(() => { (window as unknown as { unreloaded: boolean }).unreloaded = true; });
  const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded === true);

  async function transferOf(paymentId: string): Promise<string> {
    for (const started = Date.now(); Date.now() - started < 30_000;) {
      const row = await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id');
      if (row?.moov_transfer_id) return row.moov_transfer_id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`payment ${paymentId} never reached Moov`);
  }

  it('shows the ACH debit authorization with the amount and account before Pay; reloading right after Pay lands on the one payment made', async () => {
    const customer = await payingCustomer(stack);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'RL-7001', amountCents: 1_250_40, dueDate: '2026-12-15' });
    const { context, page } = await newPage();
    await signIn(page, customer);
    await page.getByRole('checkbox', { name: 'Invoice RL-7001' }).check();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();

    const authorization = page.getByRole('note', { name: 'Debit authorization' });
    await authorization.waitFor();
    const wording = (await authorization.textContent())!;
    expect(wording).toContain('$1,250.40');
    expect(wording).toContain('Prairie State Bank');
    expect(wording).toContain(`you authorize ${dealerName}`);
    await page.getByText(/Debited from Prairie State Bank/).waitFor();
    await shoot(page, 'portal-pay-ach-authorization-desktop');

    // The reload comes as soon as the submit has left the browser, before its answer.
    const submitted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/portal/payments'));
    await page.getByRole('button', { name: 'Pay $1,250.40' }).click();
    await submitted;
    await page.reload();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    await page.getByText('$1,250.40 to').waitFor();
    await shoot(page, 'portal-pay-reloaded-mid-submit-desktop');

    const payments = await stack.db('payments').where({ company_id: customer.companyId }).select('id', 'amount_cents', 'ach_authorization_version', 'ach_authorization_text');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amount_cents: 1_250_40, ach_authorization_version: CURRENT_ACH_AUTHORIZATION_VERSION, ach_authorization_text: wording });
    expect(page.url()).toContain(`#/paid/${payments[0].id}`);
    // Done with: another reload stays on the confirmation and makes nothing new.
    await page.reload();
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    expect(await stack.db('payments').where({ company_id: customer.companyId }).count({ n: '*' })).toEqual([{ n: 1 }]);
    await context.close();
  });

  it('with the card form open there is no Pay for the bank account; card mistakes are explained beside the field as they are made', async () => {
    const customer = await payingCustomer(stack);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'CF-3100', amountCents: 310_00, dueDate: '2026-12-15' });
    const { context, page } = await newPage();
    await signIn(page, customer);
    await page.getByRole('checkbox', { name: 'Invoice CF-3100' }).check();
    await page.locator('.selection-bar').getByRole('button', { name: 'Continue' }).click();
    const pay = page.getByRole('button', { name: /^Pay \$/ });
    await pay.waitFor();

    await page.getByRole('button', { name: 'Add a card' }).click();
    await page.getByText('Finish adding the card, or cancel, to see the total and pay.').waitFor();
    expect(await pay.count()).toBe(0);

    // The fields are Moov's frame; its messages stay beside the fields inside it.
    const drop = page.frameLocator('moov-card-link iframe');
    await drop.getByLabel('Card number').fill('4111 1111 1111 1112');
    await drop.getByLabel('Expiration').click();
    await drop.getByText('This card number is not valid.').waitFor();
    expect(await drop.getByLabel('Card number').getAttribute('aria-invalid')).toBe('true');
    // Fixed as the customer types: the message goes without another blur.
    await drop.getByLabel('Card number').fill('4111 1111 1111 1111');
    await drop.getByText('This card number is not valid').waitFor({ state: 'detached' });
    expect(await drop.locator('#cardNumber-problem').textContent()).toBe('');

    await drop.getByLabel('Expiration').fill('13/21');
    await drop.getByLabel('Security code').fill('12');
    await page.getByRole('button', { name: 'Use this card' }).click();
    await drop.getByText('Enter the expiration as MM/YY.').waitFor();
    await drop.getByText('Enter the 3-digit security code.').waitFor();
    await drop.getByText('Enter the 5-digit billing ZIP code.').waitFor();
    await drop.getByLabel('Expiration').fill('11/21');
    await drop.getByText('This card has expired.').waitFor();
    // Nothing was sent: the button is back for another try.
    await page.getByRole('button', { name: 'Use this card' }).waitFor();
    expect(await page.getByRole('button', { name: 'Use this card' }).isEnabled()).toBe(true);
    await shoot(page, 'portal-card-form-errors-desktop');
    expect(await page.locator('.card-form').textContent()).not.toMatch(/cardNumber|cardCvv|expiration:/);
    expect(await stack.db('payment_methods').where({ company_id: customer.companyId, kind: 'card' }).count({ n: '*' })).toEqual([{ n: 0 }]);

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Pay $310.00' }).waitFor();
    await page.getByText(/Debited from Prairie State Bank/).waitFor();
    await context.close();
  });

  it('the payment page follows a payment until it is paid, without a reload', async () => {
    const customer = await payingCustomer(stack);
    // 93.00 keeps the ACH transfer waiting at the emulator until it is completed below.
    const paymentId = await submitBankPayment(stack, customer, 93_00);
    const transferId = await transferOf(paymentId);
    const { context, page } = await newPage();
    await signIn(page, customer);
    await page.goto(`${stack.apiUrl}/portal/#/payments/${paymentId}`);
    await page.getByRole('heading', { name: '$93.00' }).waitFor();
    await page.locator('.page-head .badge').getByText('Processing').waitFor();
    await markPage(page);

    await stack.emulators.moov.admin.completeTransfer(transferId);
    await page.locator('.page-head .badge').getByText('Paid').waitFor({ timeout: 30_000 });
    await page.locator('.timeline').getByText('Paid').waitFor();
    expect(await stillSamePage(page)).toBe(true);
    expect(await page.locator('.timeline li').count()).toBe(2);

    // Once it is final the page stops asking.
    let reads = 0;
    page.on('request', (request) => {
      if (request.url().includes(`/api/portal/payments/${paymentId}`)) reads += 1;
    });
    await page.waitForFunction(() => new Promise((resolve) => setTimeout(() => resolve(true), 7_000)), undefined, { timeout: 10_000 });
    expect(reads).toBe(0);
    await context.close();
  });

  it('a payment cancelled before money moved says nothing was charged, and says so live on the confirmation page too', async () => {
    const customer = await payingCustomer(stack);
    const paymentId = await submitBankPayment(stack, customer, 93_00);
    await transferOf(paymentId);
    const { context, page } = await newPage();
    await signIn(page, customer);
    await page.goto(`${stack.apiUrl}/portal/#/paid/${paymentId}`);
    await page.getByRole('heading', { name: 'Payment submitted' }).waitFor();
    await markPage(page);
    await stack.operator.send('post', `/api/operator/payments/${paymentId}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    await page.getByText('Nothing was charged.').waitFor({ timeout: 30_000 });
    expect(await stillSamePage(page)).toBe(true);

    await page.getByRole('link', { name: 'View payment and receipt' }).click();
    await page.getByRole('heading', { name: 'Nothing was charged' }).waitFor();
    await page.getByText(/cancelled before any money moved: Prairie State Bank ····\d{4} was not charged/).waitFor();
    await page.locator('.page-head .badge').getByText('Cancelled').waitFor();
    expect(await page.getByText('Total charged').count()).toBe(0);
    await page.locator('.preview-sums .total').getByText('Payment amount').waitFor();
    await shoot(page, 'portal-payment-cancelled-desktop');
    await context.close();
  });

  it('an account without jobs lists its items plainly; suppliers show what is owed to each; the totals and the menu fit a 375 px phone', async () => {
    const customer = await payingCustomer(stack);
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'NJ-1', amountCents: 1_234_567_89, dueDate: '2026-01-15' });
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { number: 'NJ-2', amountCents: 4_000_00, dueDate: '2026-12-15' });
    await createAdjustment(stack.db, stack.dealerId, customer.accountId, { kind: 'credit', number: 'NJ-CR', amountCents: 98_765_43 });
    // A second supplier, whose account does bill by job.
    const other = await createDealer(stack.db, { name: 'Cedar Ridge Supply', integration_mode: 'file' });
    const otherAccount = await createCustomerAccount(stack.db, other.id, { name: 'Same builder at Cedar' });
    await stack.db('company_account_links').insert({ company_id: customer.companyId, dealer_id: other.id, customer_account_id: otherAccount.id });
    const job = await createJob(stack.db, other.id, otherAccount.id, 'Mill Creek Homes');
    await createInvoice(stack.db, other.id, otherAccount.id, { number: 'CR-1', jobId: job.id, amountCents: 610_00, dueDate: '2026-12-15' });
    await createInvoice(stack.db, other.id, otherAccount.id, { number: 'CR-2', amountCents: 15_00, dueDate: '2026-12-15' });

    const { context, page } = await newPage(PHONE);
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email;
    await page.goto(`${stack.apiUrl}/portal/#/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a supplier' }).waitFor();
    const supplier = (name: string) => page.locator('.supplier').filter({ hasText: name });
    await supplier(dealerName).getByText('$1,139,802.46').waitFor();
    await supplier('Cedar Ridge Supply').getByText('$625.00').waitFor();
    await shoot(page, 'portal-suppliers-balances-phone');

    await supplier(dealerName).click();
    await page.getByRole('checkbox', { name: 'Invoice NJ-1' }).waitFor();
    expect(await page.getByText('Not assigned to a job').count()).toBe(0);
    expect(await page.locator('.job-name').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Invoice NJ-2' }).check();
    await page.locator('.selection-bar').getByText('1 item · $4,000.00').waitFor();
    await shoot(page, 'portal-outstanding-no-jobs-phone');

    // Every totals card, Credits included, ends inside the screen and shows its whole amount.
    const cards = await page.locator('.totals > div').evaluateAll((divs) => divs.map((div) => {
      const box = div.getBoundingClientRect();
      const amount = div.querySelector('dd')!;
      return { right: box.right, clipped: amount.scrollWidth > amount.clientWidth || amount.getBoundingClientRect().right > box.right };
    }));
    expect(cards).toHaveLength(3);
    for (const card of cards) expect(card).toEqual({ right: expect.any(Number), clipped: false });
    expect(Math.max(...cards.map((card) => card.right))).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.locator('.totals').getByText('$98,765.43').waitFor();

    // The owner's six entries do not fit the phone's width: they scroll sideways in one row under
    // the brand and Sign out, and the page's own entry is brought into view.
    const topbar = await page.locator('.topbar').evaluate((bar) => {
      const links = [...bar.querySelectorAll('.nav a')].map((link) => link.getBoundingClientRect());
      const nav = bar.querySelector('.nav')!;
      const signOut = bar.querySelector('.sign-out')!.getBoundingClientRect();
      return { rows: new Set(links.map((box) => Math.round(box.top))).size, entries: links.length, scrolls: nav.scrollWidth > nav.clientWidth, height: bar.getBoundingClientRect().height, signOutRight: signOut.right };
    });
    expect(topbar).toMatchObject({ rows: 1, entries: 6, scrolls: true });
    expect(topbar.height).toBeLessThan(100);
    expect(topbar.signOutRight).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    const team = await page.locator('.nav a.active').evaluate((link) => ({ text: link.textContent, left: link.getBoundingClientRect().left, right: link.getBoundingClientRect().right }));
    expect(team.text).toBe('Team');
    expect(team.left).toBeGreaterThanOrEqual(0);
    expect(team.right).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await shoot(page, 'portal-team-nav-phone');

    // The account that bills by job still groups by job, the job-less invoice under its own heading.
    await page.goto(`${stack.apiUrl}/portal/#/outstanding/${other.id}`);
    await page.getByRole('button', { name: /Not assigned to a job/ }).waitFor();
    expect(await page.locator('.job-name').allTextContents()).toEqual(['Mill Creek Homes', 'Not assigned to a job']);
    await context.close();
  });

  it('the decline link explains what declining means and declines only when the button is pressed', async () => {
    const account = await createCustomerAccount(stack.db, stack.dealerId, { name: 'Undecided Builders' });
    await stack.operator.send('post', '/api/operator/invitations', { customerAccountIds: [account.id] }).expect(200);
    const token = tokenFromEmail(await waitForEmail(sink, account.email!), 'decline');
    const invitationStatus = async () => (await stack.db('invitations').where({ customer_account_id: account.id }).first('status')).status;

    const { context, page } = await newPage(PHONE);
    await page.goto(`${stack.apiUrl}/portal/#/decline?token=${encodeURIComponent(token)}`);
    await page.getByRole('heading', { name: 'Decline this invitation?' }).waitFor();
    await page.getByText('This invitation link stops working and no login is created.').waitFor();
    await page.getByText(/Undecided Builders/).waitFor();
    await shoot(page, 'portal-decline-confirm-phone');
    await page.reload();
    await page.getByRole('button', { name: 'Decline invitation' }).waitFor();
    expect(await invitationStatus()).not.toBe('declined');

    await page.getByRole('button', { name: 'Decline invitation' }).click();
    await page.getByRole('heading', { name: 'Invitation declined' }).waitFor();
    await page.getByText(`You declined the invitation from ${dealerName}.`).waitFor();
    expect(await invitationStatus()).toBe('declined');
    await context.close();
  });
});
