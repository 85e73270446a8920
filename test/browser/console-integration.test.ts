import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { logger } from '../../runtime/logger';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { createDealer, createOperator } from '../support/operator';
import { startTestWorker } from '../support/temporal';

/**
 * The Integration page of a file-based dealer in Debian's Chromium, on the real API, database
 * and a worker running the ingest workflow: files chosen with the picker as a person does
 * (click the drop zone, answer the file chooser), a refused file that must not sink the next
 * upload, and a validated upload decided later from the history. Each test has its own dealer,
 * browser context and sign-in.
 */
const SAMPLES = path.resolve(__dirname, '../../docs/samples');
const sample = (name: string) => ({ name, mimeType: 'text/csv', buffer: readFileSync(path.join(SAMPLES, name)) });
// What an operator picks by mistake: a scanned PDF, binary past its first line.
const SCAN_PDF = { name: 'remittance-scan.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0x25, 0xe2, 0xe3, 0x00, 0x0a, 0xff, 0x00, 0x01])]) };

jest.setTimeout(300_000);

describe('Integration page in a browser: CSV uploads of a file-based dealer', () => {
  let db: Db;
  let server: Server;
  let baseUrl: string;
  let uploadDir: string;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    uploadDir = mkdtempSync(path.join(os.tmpdir(), 'console-uploads-'));
    worker = await startTestWorker({ db, logger, config: testConfig({ UPLOAD_DIR: uploadDir }) });
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', createApp({ db, temporal: worker.client, config: testConfig({ PUBLIC_URL: baseUrl, UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue }) }));
    browser = await launchChromium();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await worker?.stop();
    await db?.destroy();
    if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
  });

  /** A file-based dealer of the test's own, its operator signed in on the Integration page. */
  async function integrationPage(): Promise<{ page: Page; dealerId: string }> {
    const dealer = await createDealer(db, { name: 'Prairie Building Supply', integration_mode: 'file', time_zone: 'America/Chicago' });
    const operator = await createOperator(db, dealer.id, { role: 'admin', name: 'Robin Records' });
    opened = await consoleAs(browser, baseUrl, operator.email);
    await openIntegration(opened.page);
    return { page: opened.page, dealerId: dealer.id };
  }

  it('adds a file chosen with the picker, lists it and uploads it', async () => {
    const { page, dealerId } = await integrationPage();
    await choose(page, [sample('accounts.csv')]);
    await expectText(page.getByTestId('csv-upload'), /accounts\.csv · \d+ bytes/);
    await page.getByRole('button', { name: 'Upload and validate 1 file' }).click();
    await page.locator('[data-testid="validation-result"][data-status="validated"]').waitFor();
    await expectText(page.getByTestId('file-accounts.csv').getByTestId('valid-rows'), /^4$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-integration-01-picked-and-validated.png'), fullPage: true });
    await page.getByTestId('validation-result').getByRole('button', { name: 'Commit 4 valid rows' }).click();
    await page.locator('[data-testid="validation-result"][data-status="succeeded"]').waitFor();
    await expectText(page.getByTestId('ingestion-history'), /Succeeded[\s\S]*accounts\.csv/);
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).pluck('erp_account_id')).toEqual(expect.arrayContaining(['C-1001', 'C-1002']));
  });

  it('takes a refused file out of the list, so the next upload of the good file goes through; history says why it was refused', async () => {
    const { page } = await integrationPage();
    // A file nothing can be read from, sent alone, refuses the upload as a whole.
    await choose(page, [SCAN_PDF]);
    await page.getByRole('button', { name: 'Upload and validate 1 file' }).click();
    const refused = page.getByTestId('upload-refused');
    await expectText(refused, /The upload was refused; nothing was kept\.[\s\S]*remittance-scan\.pdf: /);
    await expectText(refused, /That file was taken out of the list\./);
    // Choosing files while the refusal shows is when the picker lost its files: clearing the
    // refusal deferred the update that read the input's list, emptied by then.
    await choose(page, [sample('accounts.csv'), sample('contacts.csv')]);
    const queued = page.getByTestId('csv-upload').locator('.MuiChip-root');
    await expectText(queued.filter({ hasText: 'contacts.csv' }), /contacts\.csv · \d+ bytes/);
    // The refused file is gone; the good ones are left to send.
    expect((await queued.allInnerTexts()).map((text) => text.split(' · ')[0]).sort()).toEqual(['accounts.csv', 'contacts.csv']);
    expect(await page.getByTestId('upload-refused').count()).toBe(0);

    const history = page.getByTestId('ingestion-history');
    const refusedRun = history.getByTestId('ingestion-run').filter({ hasText: 'remittance-scan.pdf' });
    await expectText(refusedRun, /Refused[\s\S]*Nothing of this upload was kept\.[\s\S]*remittance-scan\.pdf: \S+/);
    expect(await refusedRun.innerText()).not.toMatch(/\bFailed\b/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-integration-02-refused.png'), fullPage: true });

    await page.getByRole('button', { name: 'Upload and validate 2 files' }).click();
    await page.locator('[data-testid="validation-result"][data-status="validated"]').waitFor();
    await expectText(page.getByTestId('file-accounts.csv').getByTestId('invalid-rows'), /^0$/);
    await page.getByTestId('file-contacts.csv').waitFor();
  });

  it('judges the files of one upload on their own: an unreadable one is refused in the run, the good one validates', async () => {
    const { page } = await integrationPage();
    await choose(page, [sample('accounts.csv'), SCAN_PDF]);
    await page.getByRole('button', { name: 'Upload and validate 2 files' }).click();
    await page.locator('[data-testid="validation-result"][data-status="validated"]').waitFor();
    expect(await page.getByTestId('upload-refused').count()).toBe(0);
    await expectText(page.getByTestId('file-accounts.csv').getByTestId('valid-rows'), /^4$/);
    const scan = page.getByTestId('file-remittance-scan.pdf');
    await expectText(scan.getByTestId('valid-rows'), /^0$/);
    await expectText(scan, /PDF document, not a CSV file/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-integration-02b-refused-in-run.png'), fullPage: true });
  });

  it('commits or cancels a validated upload from the history after leaving the page', async () => {
    const { page, dealerId } = await integrationPage();
    for (const file of ['accounts.csv', 'contacts.csv']) {
      await choose(page, [sample(file)]);
      await page.getByRole('button', { name: 'Upload and validate 1 file' }).click();
      await page.locator('[data-testid="validation-result"][data-status="validated"]').waitFor();
      // Off to another page before deciding: the upload card forgets the run, the history does not.
      await page.getByRole('menuitem', { name: 'Settings' }).click();
      await page.getByLabel('Company name').waitFor();
      await openIntegration(page);
    }
    const history = page.getByTestId('ingestion-history');
    const accountsRun = history.getByTestId('ingestion-run').filter({ hasText: 'accounts.csv' });
    const contactsRun = history.getByTestId('ingestion-run').filter({ hasText: 'contacts.csv' });
    await expectText(accountsRun, /Validated/);
    await expectText(contactsRun, /Validated/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-integration-03-validated-in-history.png'), fullPage: true });

    await contactsRun.getByRole('button', { name: 'Cancel upload' }).click();
    await expectText(contactsRun, /Cancelled/);
    await accountsRun.getByRole('button', { name: 'Commit 4 valid rows' }).click();
    // The commit runs in the workflow; the history follows it to the end by itself.
    await expectText(accountsRun, /Succeeded/, 90_000);
    expect(await accountsRun.getByRole('button', { name: /Commit/ }).count()).toBe(0);
    const runs = await db('ingestion_runs as r').join('ingestion_files as f', 'f.run_id', 'r.id').where({ 'r.dealer_id': dealerId }).select('f.filename', 'r.status');
    expect(Object.fromEntries(runs.map((run: { filename: string; status: string }) => [run.filename, run.status]))).toEqual({ 'accounts.csv': 'succeeded', 'contacts.csv': 'cancelled' });
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' }).first().then((row) => Number(row!.n))).toBe(4);
  });
});

async function openIntegration(page: Page): Promise<void> {
  await page.getByRole('menuitem', { name: 'Integration' }).click();
  await page.getByTestId('drop-zone').waitFor();
  await page.getByTestId('ingestion-history').waitFor();
}

/** As a person does it: click the drop zone, answer the file chooser that opens. */
async function choose(page: Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('drop-zone').click()]);
  await chooser.setFiles(files);
}
