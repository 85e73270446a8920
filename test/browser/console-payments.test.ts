import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createSettlementActivities } from '../../activities/settlements';
import { addDays, localDate } from '../../domain/dates';
import { formatCents } from '../../domain/money';
import { startSpruceEmulator, type SpruceEmulator } from '../../emulators/spruce';
import { logger } from '../../runtime/logger';
import { escapeRegExp as escape, expectText } from '../support/browser';
import { testConfig } from '../support/config';
import { eventually } from '../support/eventually';
import { createDealer, createOperator, OPERATOR_PASSWORD } from '../support/operator';
import { payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from '../support/payment-stack';
import { createCustomerBook, createSettledPayment, type CustomerBook } from '../support/settlements';

/**
 * The second half of the operator console in Debian's Chromium (playwright-core, never a
 * downloaded browser), on real parts: the API, PostgreSQL, a worker on the Temporal dev
 * server, the Moov and Plaid emulators behind a real payment workflow, and an in-process
 * Spruce emulator for the auto-post. Dashboard, Incoming Payments (filter, detail, freeze and
 * release), Settlements (auto-post to the end, resolve, reconciliation, manual marking) and
 * the Integration page (CSV upload with bad rows, commit, history). Screenshots go to
 * test-results/ for a person to look at.
 */
const SCREENSHOTS = path.resolve(__dirname, '../../test-results');
const SAMPLES = path.resolve(__dirname, '../../docs/samples');
const VIEWPORT = { width: 1440, height: 900 };
const MONEY = /^-?\$\d{1,3}(,\d{3})*\.\d{2}$/;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

jest.setTimeout(300_000);

describe('Operator console in a browser: payments, settlements, integration, dashboard', () => {
  let stack: PaymentStack;
  let spruce: SpruceEmulator;
  let browser: Browser;
  let page: Page;
  let operatorEmail: string;
  let fileOperatorEmail: string;
  let book: CustomerBook;
  let livePayment: { id: string; number: string };
  let todaySettlement: { id: string; number: string };
  let readySettlement: { id: string; number: string };
  let fileDealerId: string;
  const seeded: Record<string, { id: string; number: string; amountCents: number }> = {};

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });

    spruce = await startSpruceEmulator({ port: 0 });
    const tenantId = `t-${randomUUID().slice(0, 8)}`;
    const apiKey = `key-${randomUUID()}`;
    spruce.store.createTenant({ id: tenantId, name: 'Northwind tenant', apiKey });
    // Business days stay long, so no stale-pending timer fires while the test looks at a payment.
    stack = await startPaymentStack({
      businessDayMs: 600_000,
      dealer: {
        name: 'Northwind Lumber', time_zone: 'America/Chicago', integration_mode: 'spruce', settlement_cutoff: '17:00',
        spruce_base_url: spruce.url, spruce_api_key: apiKey, spruce_tenant_id: tenantId,
      },
    });
    operatorEmail = (await createOperator(stack.db, stack.dealerId, { role: 'admin', name: 'Avery Admin' })).email;
    const dealer = { id: stack.dealerId, name: 'Northwind Lumber', tenantId };

    // A customer's book in both our database and Spruce, and payments already settled on it.
    book = await createCustomerBook(stack.db, spruce, dealer, {
      invoices: Array.from({ length: 12 }, (_, index) => ({ number: `INV-${5001 + index}`, amountCents: 180_000 + index * 12_345, job: index % 2 ? 'J-10' : 'J-11' })),
      credits: [{ number: 'CM-310', amountCents: 15_000 }],
      debits: [{ number: 'DM-77', amountCents: 4_250 }],
      statement: { number: 'ST-2026-10', discountCents: 2_500 },
    }, 'H1');
    await stack.db('customer_accounts').where({ id: book.accountId }).update({ name: 'Hallmark Builders' });
    await stack.db('customer_companies').where({ id: book.companyId }).update({ name: 'Hallmark Builders LLC' });
    Object.assign(seeded, await seedPayments(stack, book));
    const today = await settleToday(stack, book);
    todaySettlement = today.settlement;
    Object.assign(seeded, { statement: today.statement, card: today.card });
    readySettlement = await seedPastSettlements(stack);
    await seedAging(stack);

    // A real payment: submitted through the portal API, a payment-<id> workflow, ACH at the
    // Moov emulator, which keeps $93.00 pending until told otherwise.
    const customer = await payingCustomer(stack);
    await stack.db('customer_accounts').where({ id: customer.accountId }).update({ name: 'Juniper Decks' });
    await stack.db('customer_companies').where({ id: customer.companyId }).update({ name: 'Juniper Decks Inc.' });
    const livePaymentId = await submitBankPayment(stack, customer, 93_00);
    livePayment = { id: livePaymentId, number: (await stack.db('payments').where({ id: livePaymentId }).first('number')).number };
    await eventually(async () => expect((await stack.db('payments').where({ id: livePayment.id }).first()).moov_transfer_id).toBeTruthy());

    // A file-based dealer for the upload (Spruce dealers get their data from the sync).
    const fileDealer = await createDealer(stack.db, { name: 'Prairie Building Supply', integration_mode: 'file', time_zone: 'America/Chicago' });
    fileDealerId = fileDealer.id;
    fileOperatorEmail = (await createOperator(stack.db, fileDealer.id, { role: 'admin', name: 'Robin Records' })).email;

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await spruce?.stop();
  });

  // What the page showed when each test ended, for reading a failure (kept out of test-results/).
  afterEach(async () => {
    const name = (expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(-60);
    await page?.screenshot({ path: path.join(os.tmpdir(), `console-payments-last-${name}.png`), fullPage: true }).catch(() => undefined);
  });

  async function newPage(): Promise<Page> {
    // The browser sits in another time zone than the dealer: every date must follow the dealer's.
    const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'Europe/Berlin', locale: 'en-US', acceptDownloads: true });
    const created = await context.newPage();
    created.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    return created;
  }

  const shot = (name: string, target: Page = page) => target.screenshot({ path: path.join(SCREENSHOTS, `console-payments-${name}.png`), fullPage: true });
  const rows = (target: Page = page) => target.locator('table tbody tr');
  /** The row of one payment or settlement number ("P-1" must not find "P-12"). */
  const rowOf = (number: string) => rows().filter({ hasText: new RegExp(`(?<![\\w-])${escape(number)}(?!\\d)`) });

  async function signInAs(target: Page, email: string) {
    await target.goto(`${stack.apiUrl}/admin/`);
    await target.getByLabel('Email').fill(email);
    await target.getByLabel('Password').fill(OPERATOR_PASSWORD);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByTestId('dealer-name').waitFor();
  }

  it('signs in and shows the dashboard: aging, cash by day, what needs attention', async () => {
    await signInAs(page, operatorEmail);
    await page.getByRole('menuitem', { name: 'Dashboard' }).click();
    await page.getByTestId('dashboard').waitFor();
    await expectText(page.getByTestId('attention-frozen'), /^Frozen payments\s+1\b/);
    await expectText(page.getByTestId('attention-stale'), /\s1\s/);
    await expectText(page.getByTestId('attention-returned'), /\s1\s/);
    await expectText(page.getByTestId('attention-disputed'), /\s1\s/);
    await expectText(page.getByTestId('settlements-to-post'), /Settlements to post\s+2\b/);
    await expectText(page.getByTestId('aging-61_90'), /^\$2,400\.00$/);
    await page.getByTestId('aging-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByTestId('cash-received-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await shot('01-dashboard');

    // Each figure opens its list, filtered.
    await page.getByTestId('attention-frozen').click();
    await page.waitForURL(/#\/payments\?.*frozen/);
    await expectRowCount(page, 1);
    await expectText(rows().first(), new RegExp(seeded.frozen!.number));
  });

  it('lists incoming payments newest first with payer, money, method and status; filters by status and keeps the filter', async () => {
    await page.goto(`${stack.apiUrl}/admin/#/payments?filter=${encodeURIComponent('{}')}`);
    await rows().first().waitFor();
    await expectRowCount(page, 10);
    // Newest first: the live payment was submitted last.
    await expectText(rows().first(), new RegExp(livePayment.number));
    for (const cell of await page.locator('table tbody tr td.column-amount_cents').allInnerTexts()) expect(cell.trim()).toMatch(MONEY);
    const cardRow = rowOf(seeded.card!.number);
    await expectText(cardRow, /Card \(debit\) ····4242/);
    await expectText(cardRow, /Hallmark Builders LLC/);
    await expectText(cardRow, /Hallmark Builders · #A-H1/);
    await expectText(rowOf(seeded.old1!.number), /ACH ····0001/);
    await shot('02-incoming-payments');

    // Status filter through the form.
    await page.getByLabel('Status').first().click();
    await page.getByRole('option', { name: 'Settled' }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/settled/);
    const settledCount = Number((await stack.db('payments').where({ dealer_id: stack.dealerId, status: 'settled' }).count({ n: '*' }).first())!.n);
    await expectRowCount(page, settledCount);
    for (const text of await rows().allInnerTexts()) expect(text).toContain('Settled');
    await shot('03-incoming-payments-settled');

    // Away and back: the filter is still there.
    await page.getByRole('tab', { name: 'Settlements' }).click();
    await page.waitForURL(/#\/settlements/);
    await page.getByRole('tab', { name: 'Incoming Payments' }).click();
    await page.waitForURL(/#\/payments/);
    await expectRowCount(page, settledCount);
    for (const text of await rows().allInnerTexts()) expect(text).toContain('Settled');

    // Amount range typed in dollars, sent as cents (once the list has taken its stored filter back).
    await page.waitForLoadState('networkidle');
    await page.getByLabel('Min amount').fill('2,000');
    await page.waitForURL(/amount_gte%22%3A200000|amount_gte":200000/);
    const bigSettled = Number((await stack.db('payments').where({ dealer_id: stack.dealerId, status: 'settled' }).where('amount_cents', '>=', 200_000).count({ n: '*' }).first())!.n);
    await expectRowCount(page, bigSettled);
    const exportHref = await page.getByTestId('payments-export').getAttribute('href');
    expect(decodeURIComponent(exportHref!)).toContain('"amount_gte":200000');
    const exported = await page.evaluate(async (href) => (await fetch(href!, { credentials: 'include' })).text(), exportHref);
    expect(exported.trim().split(/\r?\n/)).toHaveLength(1 + bigSettled);
  });

  it('opens a payment: amounts applied per item, fees and discount, timeline, workflow link', async () => {
    await page.goto(`${stack.apiUrl}/admin/#/payments/${seeded.statement!.id}/show`);
    const detail = page.getByTestId('payment-detail');
    await detail.waitFor();
    await expectText(page.getByTestId('payment-amount'), new RegExp(`^${escape(formatCents(seeded.statement!.amountCents))}$`));
    await expectText(detail, /Credit adjustment\s+CM-310\s+INV-5002/);
    await expectText(detail, /Statement discount\s+ST-2026-10/);
    await expectText(detail, /-\$25\.00/);
    await expectText(detail, /Customer fee\s+\$1\.50/);
    await expectText(page.getByTestId('payment-timeline'), /Submitted[\s\S]*Funds cleared\s+Pending → Settled/);
    const workflowHref = await page.getByTestId('workflow-link').getAttribute('href');
    expect(workflowHref).toContain(`/namespaces/default/workflows/payment-${seeded.statement!.id}`);
    await shot('04-payment-detail');
  });

  it('says what an ACH return code means on the returned payment', async () => {
    await page.goto(`${stack.apiUrl}/admin/#/payments/${seeded.returned!.id}/show`);
    await expectText(page.getByTestId('payment-detail'), /Returned by the bank: R01 — Not enough funds in the account/);
  });

  it('freezes and releases a live payment through its workflow, with a reason each time', async () => {
    // The list keeps the last filters; start from none.
    await page.goto(`${stack.apiUrl}/admin/#/payments?filter=${encodeURIComponent('{}')}`);
    await page.getByPlaceholder('Payer, account or payment #').fill(livePayment.number);
    await expectRowCount(page, 1);
    await rows().first().click();
    await page.getByTestId('payment-detail').waitFor();
    await expectText(page.getByTestId('payment-status'), /^Pending$/);
    // Only what the status machine allows for a pending payment.
    const actions = page.getByTestId('review-actions');
    await actions.getByRole('button', { name: 'Freeze' }).waitFor();
    await actions.getByRole('button', { name: 'Terminate' }).waitFor();
    expect(await actions.getByRole('button').count()).toBe(2);

    await actions.getByRole('button', { name: 'Freeze' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: 'Freeze' }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('Reason (required)').fill('Customer called: paid this invoice twice');
    await shot('05-freeze-dialog');
    await dialog.getByRole('button', { name: 'Freeze' }).click();
    await expectText(page.getByTestId('payment-status'), /^Frozen$/);
    expect(await paymentStatus(stack.db, livePayment.id)).toBe('frozen');
    await expectText(page.getByTestId('payment-timeline'), /Frozen[\s\S]*paid this invoice twice/);
    await expectText(actions, /Release/i);
    await shot('06-payment-frozen');

    await actions.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByLabel('Reason (optional)').fill('Checked with the customer: one payment only');
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await expectText(page.getByTestId('payment-status'), /^Pending$/);
    expect(await paymentStatus(stack.db, livePayment.id)).toBe('pending');
    await expectText(page.getByTestId('payment-timeline'), /Released/);

    // Someone else acts first: the workflow refuses the second freeze and the dialog says why, in the API's words.
    await actions.getByRole('button', { name: 'Freeze' }).click();
    await page.getByRole('dialog').getByLabel('Reason (required)').fill('Second look at the remittance');
    await stack.operator.send('post', `/api/operator/payments/${livePayment.id}/freeze`, { reason: 'Frozen from another desk' }).expect(200);
    await page.getByRole('dialog').getByRole('button', { name: 'Freeze' }).click();
    await expectText(page.getByTestId('action-refusal'), /^This payment is already frozen\.$/);
    await shot('07-refused-action');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expectText(page.getByTestId('payment-status'), /^Frozen$/);
    await actions.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await expectText(page.getByTestId('payment-status'), /^Pending$/);
    const events = await stack.db('payment_events').where({ payment_id: livePayment.id }).orderBy('id').pluck('event');
    expect(events).toEqual(['submitted', 'freeze', 'release', 'freeze', 'release']);
  });

  it('lists settlements with per-category posting badges', async () => {
    await page.getByRole('menuitem', { name: 'Settlements' }).click();
    await rows().first().waitFor();
    const today = rowOf(todaySettlement.number);
    await expectText(today, /Ready to post/);
    expect(await today.getByTestId('badge-invoices').getAttribute('data-status')).toBe('unposted');
    expect(await today.getByTestId('badge-debit_adjustments').getAttribute('data-status')).toBe('unposted');
    const resolved = rows().filter({ hasText: /Resolved/ }).first();
    await expectText(resolved, /✓/);
    expect(await resolved.getByTestId('badge-debit_adjustments').getAttribute('data-status')).toBe('empty');
    for (const cell of await page.locator('table tbody tr td.column-net_cents').allInnerTexts()) expect(cell.trim()).toMatch(MONEY);
    await shot('08-settlements');
  });

  it('auto-posts a settlement to Spruce to the end, then resolves it and reconciles', async () => {
    await rowOf(todaySettlement.number).click();
    await page.getByTestId('settlement-detail').waitFor();
    await expect(page.getByTestId('resolve-settlement').isDisabled()).resolves.toBe(true);
    await shot('09-settlement-before-post');
    // Spruce is down when the operator clicks: the page says it waits, then finishes by itself.
    await spruce.setFaults({ outage: 'unavailable' });
    await page.getByTestId('auto-post').getByRole('button', { name: 'Auto-post' }).click();
    await page.getByTestId('waiting-for-spruce').waitFor({ timeout: 60_000 });
    await expectText(page.getByTestId('waiting-for-spruce'), /postings are queued/);
    await expectText(page.getByTestId('progress-invoices'), /Waiting for Spruce/);
    await shot('10-settlement-waiting-for-spruce');
    await spruce.setFaults({ outage: 'none', delayMs: 0 });
    await page.locator('[data-testid="posting-progress"][data-state="completed"]').waitFor({ timeout: 60_000 });
    const lineCount = Number((await stack.db('gl_posting_lines').where({ settlement_id: todaySettlement.id }).count({ n: '*' }).first())!.n);
    await expectText(page.getByTestId('posting-percent'), new RegExp(`^${lineCount} of ${lineCount} lines posted \\(100%\\)$`));
    // Spruce's ledger holds every line once.
    const ledger = spruce.store.tenant((await stack.db('dealers').where({ id: stack.dealerId }).first('spruce_tenant_id')).spruce_tenant_id).ledger;
    expect(ledger).toHaveLength(lineCount);
    await expectText(page.getByTestId('settlement-status'), /^Posted$/);
    for (const category of ['invoices', 'credit_adjustments', 'debit_adjustments']) {
      expect(await page.getByTestId('settlement-detail').getByTestId(`badge-${category}`).first().getAttribute('data-status')).toBe('posted');
    }
    await shot('11-settlement-auto-posted');

    await page.getByTestId('resolve-settlement').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await expectText(page.getByTestId('settlement-status'), /^Resolved$/);
    expect((await stack.db('settlements').where({ id: todaySettlement.id }).first()).status).toBe('resolved');

    await page.getByRole('tab', { name: 'Reconciliation' }).click();
    await page.getByTestId('reconciliation').waitFor({ timeout: 30_000 });
    // The seeded payments never went through the processor, so the report must say so.
    await expectText(page.getByTestId('reconciliation-differences'), /no processor transfer recorded/);
    await expectText(page.getByTestId('reconciliation'), /Cash applied by GL lines/);
    await shot('12-settlement-reconciliation');
    await page.getByRole('tab', { name: /GL lines/ }).click();
    await rows().filter({ hasText: 'Credit application' }).first().waitFor();
    await shot('13-settlement-gl-lines');
  });

  it('posts by hand: downloads the posting file without a header and marks a category posted with its time', async () => {
    await page.goto(`${stack.apiUrl}/admin/#/settlements/${readySettlement.id}/show`);
    await page.getByTestId('settlement-detail').waitFor();
    await page.getByRole('button', { name: 'Manual (posting file)' }).click();
    const manual = page.getByTestId('manual-post');
    const href = await manual.getByTestId('posting-file-all').getAttribute('href');
    expect(href).toContain('header=false');
    await manual.getByTestId('manual-invoices').getByLabel('Invoices posted at').fill(`${addDays(localDate(new Date(), 'America/Chicago'), -1)}T16:45`);
    await manual.getByTestId('manual-invoices').getByRole('button', { name: 'Mark posted' }).click();
    await page.locator('[data-testid="manual-invoices"] [data-testid="badge-invoices"][data-status="posted"]').waitFor();
    const category = await stack.db('settlement_categories').where({ settlement_id: readySettlement.id, category: 'invoices' }).first();
    expect(category.post_method).toBe('manual');
    // 16:45 in Chicago, whatever the browser's own zone.
    expect(localDate(category.posted_at, 'America/Chicago')).toBe(addDays(localDate(new Date(), 'America/Chicago'), -1));
    expect(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(category.posted_at)).toBe('16:45');
    // Credits are still unposted, so Resolve stays off.
    await expect(page.getByTestId('resolve-settlement').isDisabled()).resolves.toBe(true);
    await shot('14-settlement-manual');
  });

  it('shows the Spruce connection on the Integration page', async () => {
    await page.getByRole('menuitem', { name: 'Integration' }).click();
    await expectText(page.getByTestId('integration-mode'), /Spruce, real time/);
    await expectText(page.getByTestId('connection-health'), /Connected/);
    await page.getByRole('button', { name: 'Resync' }).waitFor();
    await shot('15-integration-spruce');
  });

  it('uploads CSV files with bad rows, shows the errors by row and column, commits the valid rows', async () => {
    const filePage = await newPage();
    await signInAs(filePage, fileOperatorEmail);
    await filePage.getByRole('menuitem', { name: 'Integration' }).click();
    await expectText(filePage.getByTestId('integration-mode'), /CSV files/);
    await filePage.getByTestId('file-input').setInputFiles([
      { name: 'accounts.csv', mimeType: 'text/csv', buffer: readFileSync(path.join(SAMPLES, 'accounts.csv')) },
      { name: 'AR export (Oct).csv', mimeType: 'text/csv', buffer: readFileSync(path.join(SAMPLES, 'messy/invoices-export.csv')) },
    ]);
    await filePage.getByRole('button', { name: 'Upload and validate 2 files' }).click();
    const result = filePage.locator('[data-testid="validation-result"][data-status="validated"]');
    await result.waitFor({ timeout: 60_000 });
    const invoicesFile = filePage.getByTestId('file-AR export (Oct).csv');
    await expectText(invoicesFile.getByTestId('total-lines'), /^10$/);
    await expectText(invoicesFile.getByTestId('valid-rows'), /^4$/);
    await expectText(invoicesFile.getByTestId('invalid-rows'), /^6$/);
    await expectText(filePage.getByTestId('file-accounts.csv').getByTestId('invalid-rows'), /^0$/);
    await expectRowCount(filePage, 6, filePage.getByTestId('row-error'));
    const stored = await stack.db('ingestion_row_errors as e').join('ingestion_files as f', 'f.id', 'e.file_id')
      .where({ 'f.filename': 'AR export (Oct).csv', 'f.dealer_id': fileDealerId }).orderBy('e.row_number').select('e.row_number', 'e.errors');
    const firstError = filePage.getByTestId('row-error').first();
    await expectText(firstError.getByTestId('row-number'), new RegExp(`^${stored[0].row_number}$`));
    await expectText(firstError, new RegExp(escape(stored[0].errors[0].message)));
    await shot('16-integration-upload-errors', filePage);

    await filePage.getByRole('button', { name: /Commit \d+ valid rows?/ }).click();
    await filePage.locator('[data-testid="validation-result"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await expectText(filePage.getByTestId('ingestion-history'), /Succeeded/);
    await expectText(filePage.getByTestId('ingestion-history'), /Invoices/);
    await shot('17-integration-committed', filePage);
    await filePage.context().close();
  });
});

type Seeded = { id: string; number: string; amountCents: number };

/** Settled payments over the last two weeks, a few then moved to the statuses that need a person. */
async function seedPayments(stack: PaymentStack, book: CustomerBook): Promise<Record<string, Seeded>> {
  const { db } = stack;
  const seeded: Record<string, Seeded> = {};
  const days = (n: number) => new Date(Date.now() - n * 86_400_000);
  const make = async (name: string, invoice: string, amountCents: number, daysAgo: number) => {
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: invoice, amountCents }], { processingCostCents: 95 });
    await db('payments').where({ id: payment.id }).update({ submitted_at: days(daysAgo), settled_at: days(daysAgo - 1) });
    await db('payment_events').insert([
      { payment_id: payment.id, from_status: null, to_status: 'pending', event: 'submitted', actor_kind: 'customer', at: days(daysAgo) },
      { payment_id: payment.id, from_status: 'pending', to_status: 'settled', event: 'processor_completed', actor_kind: 'processor', at: days(daysAgo - 1) },
    ]);
    seeded[name] = payment;
  };
  /** Moves a seeded payment on, with the timeline entry the workflow would have written. */
  const move = async (name: string, event: string, to: string, fields: Record<string, unknown>, reason: string | null = null) => {
    const from = (await db('payments').where({ id: seeded[name]!.id }).first('status')).status;
    await db('payments').where({ id: seeded[name]!.id }).update({ status: to, ...fields });
    await db('payment_events').insert({ payment_id: seeded[name]!.id, from_status: from, to_status: to, event, actor_kind: event === 'ach_returned' ? 'processor' : 'operator', reason, at: days(1) });
  };
  await db('payment_methods').where({ id: book.paymentMethodId }).update({ label: 'Prairie Bank checking ····0001' });
  await make('old1', 'INV-5001', 180_000, 12);
  await make('old2', 'INV-5003', 95_000, 9);
  await make('frozen', 'INV-5004', 42_000, 6);
  await make('returned', 'INV-5005', 61_500, 5);
  await make('disputed', 'INV-5006', 27_300, 4);
  await make('stale', 'INV-5007', 33_000, 5);
  await move('frozen', 'freeze', 'frozen', { hold_reason: 'Amount does not match the remittance' }, 'Amount does not match the remittance');
  await move('returned', 'ach_returned', 'returned', { returned_at: days(1), return_code: 'R01' });
  await move('disputed', 'dispute', 'disputed', {}, 'Customer says the invoice was already paid by check');
  await db('payment_events').where({ payment_id: seeded.stale!.id, event: 'processor_completed' }).delete();
  await db('payments').where({ id: seeded.stale!.id }).update({ status: 'pending', settled_at: null, needs_investigation: true });
  return seeded;
}

/**
 * Payments settled today (one paying a statement with a credit memo and the discount, one by
 * debit card with a debit adjustment, one plain ACH): they join today's batch through the real
 * settlement activity, and the operator closes it early.
 */
async function settleToday(stack: PaymentStack, book: CustomerBook): Promise<{ settlement: { id: string; number: string }; statement: Seeded; card: Seeded }> {
  const { db } = stack;
  const activities = createSettlementActivities({ db, logger, config: testConfig({ TASK_QUEUE: stack.taskQueue }), temporal: stack.temporal, taskQueue: stack.taskQueue });
  const statement = await createSettledPayment(db, book, [
    { kind: 'invoice', number: 'INV-5002', amountCents: 192_345 },
    { kind: 'invoice', number: 'INV-5008', amountCents: 266_415 },
    { kind: 'credit', number: 'CM-310', amountCents: 15_000, appliedTo: 'INV-5002' },
    { kind: 'discount', amountCents: 2_500 },
  ], { feeCents: 150, processingCostCents: 95 });
  const card = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-5009', amountCents: 125_000 }, { kind: 'debit', number: 'DM-77', amountCents: 4_250 }], { method: 'card', processingCostCents: 3_870 });
  const [cardMethod] = await db('payment_methods').insert({
    company_id: book.companyId, kind: 'card', moov_payment_method_id: `pm-${randomUUID()}`, moov_source_id: `card-${randomUUID()}`, label: 'Visa debit ····4242', last4: '4242', card_brand: 'visa', card_funding: 'debit',
  }).returning('id');
  await db('payments').where({ id: card.id }).update({ payment_method_id: cardMethod.id, card_funding: 'debit' });
  const plain = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-5010', amountCents: 90_000 }], { processingCostCents: 95 });
  let settlementId = '';
  for (const payment of [statement, card, plain]) {
    // Submitted a few minutes before it cleared, as a card payment would be.
    const { settled_at: settledAt } = await db('payments').where({ id: payment.id }).first('settled_at');
    const at = new Date(new Date(settledAt).getTime() - 3 * 60_000);
    await db('payments').where({ id: payment.id }).update({ submitted_at: at });
    await db('payment_events').insert([
      { payment_id: payment.id, from_status: null, to_status: 'pending', event: 'submitted', actor_kind: 'customer', at },
      { payment_id: payment.id, from_status: 'pending', to_status: 'settled', event: 'processor_completed', actor_kind: 'processor', at: settledAt },
    ]);
    settlementId = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
  }
  await stack.operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
  const settlement = await db('settlements').where({ id: settlementId }).first('id', 'number');
  return { settlement, statement, card };
}

/** Two earlier batches: one resolved long ago, one closed and waiting to be posted by hand. */
async function seedPastSettlements(stack: PaymentStack): Promise<{ id: string; number: string }> {
  const { db, dealerId } = stack;
  const today = localDate(new Date(), 'America/Chicago');
  const insert = async (daysAgo: number, status: string, categories: Array<[string, string, number, number]>, resolved: boolean) => {
    const businessDate = addDays(today, -daysAgo);
    const [row] = await db('settlements').insert({
      dealer_id: dealerId, number: `S-${4990 + daysAgo}`, business_date: businessDate, status,
      payment_count: 3, gross_cents: 412_350, fee_cents: 450, net_cents: 411_900, workflow_id: `settlement-${dealerId}-${businessDate}`,
      closes_at: new Date(Date.now() - daysAgo * 86_400_000), closed_at: new Date(Date.now() - daysAgo * 86_400_000),
      resolved_at: resolved ? new Date(Date.now() - (daysAgo - 1) * 86_400_000) : null, created_at: new Date(Date.now() - (daysAgo + 0.5) * 86_400_000),
    }).returning(['id', 'number']);
    await db('settlement_categories').insert(categories.map(([category, state, lines, cents]) => ({
      settlement_id: row.id, category, status: state, line_count: lines, amount_cents: cents,
      posted_at: state === 'posted' ? new Date(Date.now() - (daysAgo - 0.2) * 86_400_000) : null, post_method: state === 'posted' ? 'auto' : null,
    })));
    return row;
  };
  await insert(6, 'resolved', [['invoices', 'posted', 5, 398_000], ['credit_adjustments', 'posted', 1, -6_500], ['debit_adjustments', 'empty', 0, 0]], true);
  return insert(3, 'ready', [['invoices', 'unposted', 4, 301_200], ['credit_adjustments', 'unposted', 1, -2_000], ['debit_adjustments', 'empty', 0, 0]], false);
}

/** Aging figures as the statistics refresher would leave them for this dealer's accounts. */
async function seedAging(stack: PaymentStack) {
  const accounts = await stack.db('customer_accounts').where({ dealer_id: stack.dealerId }).pluck('id');
  await stack.db('account_stats').whereIn('customer_account_id', accounts).update({
    outstanding_cents: 1_812_000, current_cents: 1_200_000, past_due_cents: 612_000, aging_1_30_cents: 300_000, aging_31_60_cents: 72_000, aging_61_90_cents: 240_000, aging_91_plus_cents: 0,
  });
}

async function expectRowCount(page: Page, count: number, locator: Locator = page.locator('table tbody tr')): Promise<void> {
  await eventually(async () => expect(await locator.count()).toBe(count), 15_000);
}
