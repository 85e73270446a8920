import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commitRun } from '../activities/ingestion/commit-run';
import { validateRun } from '../activities/ingestion/validate-run';
import { openStaging, stagedRowCount } from '../db/ingestion-staging';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { createDb, type Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { ingestWorkflowId, type IngestOutcome } from '../workflows/ingest-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { requiredEnv, startTestWorker } from './support/temporal';

/**
 * CSV ingestion end to end: multipart upload through the operator API, validation and commit
 * in the `ingest-<runId>` workflow on the real Temporal dev server, results in PostgreSQL.
 */
const SAMPLES = path.resolve(__dirname, '../docs/samples');
const sample = (name: string) => readFileSync(path.join(SAMPLES, name));
const PASSWORD = 'Ingest-yard-2026!';

interface Operator {
  agent: ReturnType<typeof request.agent>;
  get(url: string): request.Test;
  post(url: string): request.Test;
}

describe('CSV ingestion', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let app: Express;
  let smallApp: Express;
  let uploadDir: string;
  let passwordHash: string;

  beforeAll(async () => {
    db = testDb();
    uploadDir = mkdtempSync(path.join(os.tmpdir(), 'drypowder-uploads-'));
    const config = testConfig({ UPLOAD_DIR: uploadDir });
    worker = await startTestWorker({ db, logger, config });
    app = createApp({ db, temporal: worker.client, config: testConfig({ UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue }) });
    smallApp = createApp({ db, temporal: worker.client, config: testConfig({ UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue, UPLOAD_MAX_BYTES: '2000' }) });
    passwordHash = await hashPassword(PASSWORD);
  });

  afterAll(async () => {
    await worker.stop();
    await db.destroy();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  async function newDealer(mode: 'file' | 'spruce' = 'file'): Promise<{ dealerId: string; operator: Operator; small: Operator }> {
    const suffix = randomUUID().slice(0, 8);
    const [dealer] = await db('dealers').insert({ name: `Ingest Lumber ${suffix}`, slug: `ingest-${suffix}`, integration_mode: mode }).returning('id');
    const email = `ops-${suffix}@ingest.test`;
    await db('operator_users').insert({ dealer_id: dealer.id, email, name: 'Robin Uploader', role: 'ar_operator', status: 'active', password_hash: passwordHash });
    const signIn = async (target: Express): Promise<Operator> => {
      const agent = request.agent(target);
      const response = await agent.post('/api/operator/auth/sign-in').send({ email, password: PASSWORD }).expect(200);
      const csrf = response.body.csrfToken as string;
      return { agent, get: (url) => agent.get(url), post: (url) => agent.post(url).set('X-CSRF-Token', csrf) };
    };
    return { dealerId: dealer.id, operator: await signIn(app), small: await signIn(smallApp) };
  }

  function upload(operator: Operator, files: Array<{ field: string; name: string; content: Buffer | string }>): request.Test {
    let req = operator.post('/api/operator/ingestion-runs');
    for (const file of files) req = req.attach(file.field, Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content), file.name);
    return req;
  }

  async function waitForStatus(operator: Operator, runId: string, statuses: string[]): Promise<Record<string, any>> {
    for (let attempt = 0; attempt < 300; attempt++) {
      const response = await operator.get(`/api/operator/ingestion-runs/${runId}`).expect(200);
      if (statuses.includes(response.body.status)) return response.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} never reached ${statuses.join('/')}`);
  }

  const outcome = (runId: string) => worker.client.workflow.getHandle(ingestWorkflowId(runId)).result() as Promise<IngestOutcome>;
  const fileOf = (run: Record<string, any>, dataType: string) => run.files.find((file: { data_type: string }) => file.data_type === dataType);

  async function uploadAndValidate(operator: Operator, files: Array<{ field: string; name: string; content: Buffer | string }>) {
    const response = await upload(operator, files).expect(202);
    // The answer reads the run after its workflow has started; a small upload can be validated by then.
    expect(['validating', 'validated']).toContain(response.body.status);
    return waitForStatus(operator, response.body.id, ['validated', 'failed']);
  }

  async function commit(operator: Operator, runId: string) {
    await operator.post(`/api/operator/ingestion-runs/${runId}/commit`).expect(202);
    const result = await outcome(runId);
    return { result, run: (await operator.get(`/api/operator/ingestion-runs/${runId}`).expect(200)).body };
  }

  const messyUpload = () => [
    { field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') },
    { field: 'file', name: 'AR export (Oct).csv', content: sample('messy/invoices-export.csv') },
    { field: 'file', name: 'adjustments.csv', content: sample('adjustments.csv') },
  ];

  it('validates a messy export without applying anything, reports bad rows by row and column, then commits only the good rows', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, messyUpload());
    expect(run.status).toBe('validated');

    const invoices = fileOf(run, 'invoices');
    expect(invoices).toMatchObject({ filename: 'AR export (Oct).csv', status: 'validated', total_lines: 10, valid_rows: 4, invalid_rows: 6 });
    expect(invoices.warnings).toEqual([expect.stringContaining('Salesperson')]);
    expect(fileOf(run, 'accounts')).toMatchObject({ total_lines: 4, valid_rows: 4, invalid_rows: 0 });
    expect(fileOf(run, 'adjustments')).toMatchObject({ total_lines: 4, valid_rows: 4, invalid_rows: 0 });
    expect(run.counts.invoices).toMatchObject({ lines: 10, valid: 4, invalid: 6 });

    // Nothing is applied before commit.
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db('invoices').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    const errors = await operator.get(`/api/operator/ingestion-runs/${run.id}/errors?range=[0,49]`).expect(200);
    expect(errors.headers['content-range']).toBe('ingestion-row-errors 0-5/6');
    const byRow = Object.fromEntries(errors.body.map((row: any) => [row.row_number, row]));
    expect(Object.keys(byRow).map(Number)).toEqual([5, 6, 7, 9, 10, 12]);
    const columns = (row: number) => byRow[row].errors.map((e: { column: string }) => e.column).sort();
    expect(columns(5)).toEqual(['amount', 'outstanding_amount']);
    expect(columns(6)).toEqual(['account_id']);
    expect(columns(7)).toEqual(['invoice_date', 'outstanding_amount']);
    expect(columns(9)).toEqual(['invoice_id']);
    expect(byRow[9].errors[0].message).toContain('first on row 2');
    expect(columns(10)).toEqual(['due_date']);
    expect(columns(12)).toEqual(['amount', 'outstanding_amount']);
    expect(byRow[6].errors[0].message).toContain('C-9999');
    expect(byRow[5].values.slice(0, 5)).toEqual([
      { header: 'Account ID', value: 'C-1002' }, { header: 'Invoice #', value: 'INV-5004' }, { header: 'Invoice Date', value: '10/08/2026' },
      { header: 'DUE DATE', value: '11/07/2026' }, { header: 'Amount', value: '(45.00)' },
    ]);

    const { result, run: committed } = await commit(operator, run.id);
    expect(result.phase).toBe('succeeded');
    expect(committed.status).toBe('succeeded');
    expect(fileOf(committed, 'invoices')).toMatchObject({ status: 'applied', inserted: 4, updated: 0, unchanged: 0, invalid_rows: 6 });
    expect(fileOf(committed, 'accounts')).toMatchObject({ inserted: 4, updated: 0, unchanged: 0 });
    expect(fileOf(committed, 'adjustments')).toMatchObject({ inserted: 4 });

    const stored = await db('invoices as i').leftJoin('jobs as j', 'j.id', 'i.job_id').where('i.dealer_id', dealerId).orderBy('invoice_number')
      .select('invoice_number', 'invoice_date', 'due_date', 'amount_cents', 'balance_cents', 'i.status', 'po_number', 'j.erp_job_id', 'j.name as job_name');
    expect(stored).toEqual([
      { invoice_number: 'INV-5001', invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 125000, balance_cents: 125000, status: 'open', po_number: 'PO-77', erp_job_id: 'J-10', job_name: 'Maple St, Phase 2' },
      { invoice_number: 'INV-5002', invoice_date: '2026-10-05', due_date: '2026-11-04', amount_cents: 341050, balance_cents: 41050, status: 'partially_paid', po_number: null, erp_job_id: 'J-10', job_name: 'Maple St, Phase 2' },
      { invoice_number: 'INV-5003', invoice_date: '2026-10-07', due_date: '2026-11-06', amount_cents: 98000, balance_cents: 0, status: 'paid', po_number: 'PO-12\nsecond line', erp_job_id: null, job_name: null },
      // Stored exactly as written: nothing is evaluated or rewritten on the way in.
      { invoice_number: 'INV-5009', invoice_date: '2026-10-15', due_date: '2026-11-14', amount_cents: 200000, balance_cents: 200000, status: 'open', po_number: '=HYPERLINK("http://example.test","PO")', erp_job_id: 'J-11', job_name: 'Oak Ave duplexes' },
    ]);
    const ids = await db('invoices').where({ dealer_id: dealerId }).pluck('id');
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const adjustments = await db('adjustments').where({ dealer_id: dealerId }).orderBy('adjustment_number').select('adjustment_number', 'kind', 'reason', 'amount_cents', 'balance_cents', 'status');
    expect(adjustments).toEqual([
      { adjustment_number: 'CM-3001', kind: 'credit', reason: 'discount', amount_cents: 15000, balance_cents: 15000, status: 'open' },
      { adjustment_number: 'CM-3002', kind: 'credit', reason: 'credit', amount_cents: 7500, balance_cents: 7500, status: 'open' },
      { adjustment_number: 'DM-4001', kind: 'debit', reason: 'finance_charge', amount_cents: 2500, balance_cents: 2500, status: 'open' },
      { adjustment_number: 'DM-4002', kind: 'debit', reason: 'correction', amount_cents: 1250, balance_cents: 0, status: 'applied' },
    ]);
    const audit = await db('audit_events').where({ dealer_id: dealerId, entity_id: run.id }).orderBy('id').pluck('action');
    expect(audit).toEqual(['ingestion.uploaded', 'ingestion.commit_requested', 'ingestion.applied']);
  });

  it('treats the same files uploaded again as unchanged, and shows they were applied before', async () => {
    const { dealerId, operator } = await newDealer();
    const first = await uploadAndValidate(operator, messyUpload());
    await commit(operator, first.id);
    const before = await db('invoices').where({ dealer_id: dealerId }).orderBy('invoice_number').select('*');

    const again = await uploadAndValidate(operator, messyUpload());
    const { run } = await commit(operator, again.id);
    expect(run.status).toBe('succeeded');
    for (const dataType of ['accounts', 'invoices', 'adjustments']) {
      const file = fileOf(run, dataType);
      expect(file).toMatchObject({ inserted: 0, updated: 0, unchanged: file.valid_rows });
      expect(file.previously_applied).toMatchObject({ run_id: first.id });
    }
    expect(await db('invoices').where({ dealer_id: dealerId }).orderBy('invoice_number').select('*')).toEqual(before);

    // The tidy export differs from the messy one in two PO numbers; an edit of it changes one balance.
    const tidy = await uploadAndValidate(operator, [{ field: 'invoices', name: 'invoices.csv', content: sample('invoices.csv') }]);
    expect(fileOf((await commit(operator, tidy.id)).run, 'invoices')).toMatchObject({ inserted: 0, updated: 2, unchanged: 2 });
    const edited = sample('invoices.csv').toString().replace('3410.50,410.50', '3410.50,10.50');
    const third = await uploadAndValidate(operator, [{ field: 'invoices', name: 'invoices.csv', content: edited }]);
    const { run: applied } = await commit(operator, third.id);
    expect(fileOf(applied, 'invoices')).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    expect(await db('invoices').where({ dealer_id: dealerId, invoice_number: 'INV-5002' }).first('balance_cents')).toEqual({ balance_cents: 1050 });
  });

  it('applies statements and their items, linking the documents', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, ['accounts', 'contacts', 'statements', 'invoices', 'adjustments', 'statement_items'].map((type) => ({ field: 'file', name: `${type}.csv`, content: sample(`${type}.csv`) })));
    expect(run.files.map((f: any) => [f.data_type, f.valid_rows, f.invalid_rows])).toEqual(expect.arrayContaining([
      ['accounts', 4, 0], ['contacts', 4, 0], ['statements', 2, 0], ['invoices', 4, 0], ['adjustments', 4, 0], ['statement_items', 4, 0],
    ]));
    const { run: committed } = await commit(operator, run.id);
    expect(fileOf(committed, 'statement_items')).toMatchObject({ inserted: 4, updated: 0 });
    const items = await db('statement_items as si').join('statements as s', 's.id', 'si.statement_id').where('si.dealer_id', dealerId)
      .orderBy(['s.statement_number', 'si.item_type']).select('s.statement_number', 'si.item_type', 'si.amount_cents');
    expect(items).toEqual([
      { statement_number: 'ST-2026-10-C-1001', item_type: 'credit', amount_cents: 15000 },
      { statement_number: 'ST-2026-10-C-1001', item_type: 'invoice', amount_cents: 125000 },
      { statement_number: 'ST-2026-10-C-1003', item_type: 'debit', amount_cents: 2500 },
      // No amount given: the invoice's outstanding amount.
      { statement_number: 'ST-2026-10-C-1003', item_type: 'invoice', amount_cents: 200000 },
    ]);
    const linked = await db('invoices as i').join('statements as s', 's.id', 'i.statement_id').where('i.dealer_id', dealerId).orderBy('invoice_number').pluck('invoice_number');
    expect(linked).toEqual(['INV-5001', 'INV-5009']);
    expect(await db('contacts').where({ dealer_id: dealerId, is_primary: true }).count({ n: '*' })).toEqual([{ n: 3 }]);
  });

  it('stores invoice terms and cash discounts to the cent, and refuses a discount that does not hold together by row and column', async () => {
    const { dealerId, operator } = await newDealer();
    const invoices = [
      'Account ID,Invoice #,Invoice Date,Due Date,Amount,Balance,Terms Code,Cash Discount,Discount By',
      'C-1001,INV-6001,2026-10-20,2026-11-25,617.37,617.37,2% 10th Prox,$12.35,11/10/2026',
      'C-1001,INV-6002,2026-10-20,2026-11-19,"1,000.00","1,000.00",Net 30,,',
      'C-1002,INV-6003,2026-10-21,2026-11-20,500.00,500.00,1% 10 Net 30,5.00,',
      'C-1002,INV-6004,2026-10-21,2026-11-20,500.00,500.00,1% 10 Net 30,,2026-10-31',
      'C-1002,INV-6005,2026-10-21,2026-11-20,50.00,50.00,,50.00,2026-10-31',
      'C-1002,INV-6006,2026-10-21,2026-11-20,50.00,50.00,,0.00,2026-10-31',
      'C-1002,INV-6007,2026-10-21,2026-11-20,50.00,50.00,,0.50,2026-02-30',
      'C-1003,INV-6008,2026-10-05,2026-11-04,"2,000.01",0.01,1% 10 Net 30,20.00,2026-10-15',
    ].join('\r\n');
    const run = await uploadAndValidate(operator, [
      { field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') },
      { field: 'file', name: 'invoices with terms.csv', content: `${invoices}\r\n` },
    ]);
    expect(fileOf(run, 'invoices')).toMatchObject({ status: 'validated', valid_rows: 3, invalid_rows: 5 });
    expect(fileOf(run, 'invoices').warnings).toEqual([]);
    const errors = await operator.get(`/api/operator/ingestion-runs/${run.id}/errors?range=[0,49]`).expect(200);
    expect(errors.body.map((row: any) => [row.row_number, row.errors.map((e: { column: string; message: string }) => `${e.column}: ${e.message}`)])).toEqual([
      [4, ['discount_date: is empty; a discount needs the last day it applies']],
      [5, ['discount_amount: is empty but discount_date is 2026-10-31; a discount date needs the discount it applies to']],
      [6, ['discount_amount: 50.00 is not less than the invoice amount 50.00']],
      [7, ['discount_amount: 0.00 is not above 0; leave it empty when the invoice has no discount']],
      [8, ['discount_date: "2026-02-30" is not a date (expected YYYY-MM-DD or MM/DD/YYYY)']],
    ]);

    await commit(operator, run.id);
    const stored = () => db('invoices').where({ dealer_id: dealerId }).orderBy('invoice_number')
      .select('invoice_number', 'amount_cents', 'balance_cents', 'terms', 'terms_discount_cents', 'terms_discount_date');
    expect(await stored()).toEqual([
      { invoice_number: 'INV-6001', amount_cents: 61737, balance_cents: 61737, terms: '2% 10th Prox', terms_discount_cents: 1235, terms_discount_date: '2026-11-10' },
      { invoice_number: 'INV-6002', amount_cents: 100000, balance_cents: 100000, terms: 'Net 30', terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-6008', amount_cents: 200001, balance_cents: 1, terms: '1% 10 Net 30', terms_discount_cents: 2000, terms_discount_date: '2026-10-15' },
    ]);

    // A file without the discount columns leaves the discounts alone; one with either column
    // writes the discount and its date together (here: clears both).
    const plain = 'account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount\nC-1003,INV-6008,2026-10-05,2026-11-04,2000.01,0.00\n';
    await commit(operator, (await uploadAndValidate(operator, [{ field: 'invoices', name: 'plain.csv', content: plain }])).id);
    const dateOnly = 'account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount,discount_date\nC-1001,INV-6001,2026-10-20,2026-11-25,617.37,617.37,\n';
    const cleared = await uploadAndValidate(operator, [{ field: 'invoices', name: 'date-only.csv', content: dateOnly }]);
    expect(fileOf(cleared, 'invoices')).toMatchObject({ valid_rows: 1, invalid_rows: 0 });
    await commit(operator, cleared.id);
    expect(await stored()).toEqual([
      { invoice_number: 'INV-6001', amount_cents: 61737, balance_cents: 61737, terms: '2% 10th Prox', terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-6002', amount_cents: 100000, balance_cents: 100000, terms: 'Net 30', terms_discount_cents: null, terms_discount_date: null },
      { invoice_number: 'INV-6008', amount_cents: 200001, balance_cents: 0, terms: '1% 10 Net 30', terms_discount_cents: 2000, terms_discount_date: '2026-10-15' },
    ]);
  });

  it('changes nothing when the commit fails part-way', async () => {
    const { dealerId, operator } = await newDealer();
    const first = await uploadAndValidate(operator, messyUpload());
    await commit(operator, first.id);
    const snapshot = async () => ({
      accounts: await db('customer_accounts').where({ dealer_id: dealerId }).orderBy('erp_account_id').select('erp_account_id', 'name', 'updated_at'),
      invoices: await db('invoices').where({ dealer_id: dealerId }).orderBy('invoice_number').select('*'),
      adjustments: await db('adjustments').where({ dealer_id: dealerId }).orderBy('adjustment_number').select('*'),
      jobs: await db('jobs').where({ dealer_id: dealerId }).orderBy('erp_job_id').select('*'),
    });
    const before = await snapshot();

    // The database itself refuses the last data type of the upload, after accounts, jobs and
    // invoices were already written inside the commit's transaction.
    const trigger = `refuse_${dealerId.replace(/-/g, '')}`;
    await db.raw(`create function ${trigger}() returns trigger language plpgsql as $$
      begin if new.dealer_id = '${dealerId}' and new.adjustment_number = 'DM-FAIL' then raise exception 'adjustment DM-FAIL refused'; end if; return new; end $$`);
    await db.raw(`create trigger ${trigger} before insert or update on adjustments for each row execute function ${trigger}()`);
    try {
      const accounts = sample('accounts.csv').toString().replace('Acme Framing LLC', 'Acme Framing Holdings');
      const invoices = `${sample('invoices.csv').toString()}C-1002,INV-7777,2026-11-01,2026-12-01,500.00,500.00,USD,,,J-99,New job\n`;
      const adjustments = `${sample('adjustments.csv').toString()}C-1003,DM-FAIL,debit,5.00,5.00,USD,,,,,,,,\n`;
      const run = await uploadAndValidate(operator, [
        { field: 'accounts', name: 'accounts.csv', content: accounts },
        { field: 'invoices', name: 'invoices.csv', content: invoices },
        { field: 'adjustments', name: 'adjustments.csv', content: adjustments },
      ]);
      expect(run.status).toBe('validated');
      const { result, run: failed } = await commit(operator, run.id);
      expect(result.phase).toBe('failed');
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/Nothing was applied.*DM-FAIL refused/);
      expect(failed.files.every((f: any) => f.status === 'failed' && f.inserted === 0 && f.updated === 0)).toBe(true);
    } finally {
      await db.raw(`drop trigger ${trigger} on adjustments`);
      await db.raw(`drop function ${trigger}()`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses uploads for a Spruce dealer, whose receivables come from the sync, and records nothing', async () => {
    const { operator, dealerId } = await newDealer('spruce');
    const response = await upload(operator, [{ field: 'accounts', name: 'accounts.csv', content: 'account_id,name\nC-1,Old Export Co\n' }]).expect(409);
    expect(response.body.error.code).toBe('integration_mode_spruce');
    expect(response.body.error.message).toMatch(/Spruce in real time/);
    const count = async (table: string) => Number((await db(table).where({ dealer_id: dealerId }).count({ n: '*' }).first())?.n);
    expect(await count('ingestion_runs')).toBe(0);
    expect(await count('customer_accounts')).toBe(0);
  });

  it('refuses unreadable files with one clear message and keeps them in the history', async () => {
    const { operator } = await newDealer();
    const workbook = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const cases: Array<{ name: string; content: Buffer | string; field?: string; message: RegExp }> = [
      { name: 'ar.xlsx', content: workbook, message: /Excel workbook/ },
      { name: 'photo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), message: /not a text file/ },
      { name: 'noheader.csv', content: 'C-1001,INV-1,2026-10-01,2026-10-31,100.00,100.00\n', message: /first row is not a header/ },
      { name: 'orders.csv', content: 'order_no,sku,quantity\nA1,2x4-8,12\n', message: /Cannot tell what this file holds/ },
      { name: 'invoices.csv', field: 'invoices', content: 'account_id,invoice_id,amount\nC-1,I-1,5\n', message: /This invoices file lacks required columns invoice_date, due_date, outstanding_amount/ },
      // Windows-1252 is read now (see below); UTF-16 with no byte-order mark cannot be told reliably.
      { name: 'unicode.txt', content: Buffer.from('account_id,name\nC-1,Cafe\n', 'utf16le'), message: /UTF-16 text without a byte-order mark/ },
      { name: 'mixed.csv', content: Buffer.concat([Buffer.from('account_id,name\nC-1,Café\nC-2,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]), message: /mixes two encodings: line 3 / },
    ];
    for (const testCase of cases) {
      const response = await upload(operator, [{ field: testCase.field ?? 'file', name: testCase.name, content: testCase.content }]).expect(422);
      expect(response.body.error.code).toBe('file_refused');
      expect(response.body.error.message).toMatch(testCase.message);
      expect(response.body.error.message.startsWith(`${testCase.name}: `)).toBe(true);
      const run = (await operator.get(`/api/operator/ingestion-runs/${response.body.error.details.run_id}`).expect(200)).body;
      expect(run).toMatchObject({ status: 'failed', files: [{ status: 'refused', filename: testCase.name }] });
    }
  });

  it('refuses a file whose bad bytes come after the first 64 KB during validation', async () => {
    const { operator } = await newDealer();
    // UTF-8 (é) at the start, a Windows-1252 é (E9) past the head that was checked on arrival.
    const rows = Array.from({ length: 3000 }, (_, i) => `C-${10000 + i},Account number ${i} with a long enough name`).join('\n');
    const content = Buffer.concat([Buffer.from(`account_id,name\nC-8,Café\n${rows}\nC-9,Caf`), Buffer.from([0xe9]), Buffer.from('\n')]);
    const run = await uploadAndValidate(operator, [{ field: 'file', name: 'accounts.csv', content }]);
    expect(run.status).toBe('failed');
    expect(run.files[0]).toMatchObject({ status: 'refused', valid_rows: 0, invalid_rows: 0, encoding: null });
    expect(run.files[0].refusal).toMatch(/mixes two encodings: line 3003 /);
  });

  it('reads a Windows-1252 export whose first non-ASCII byte comes after the head, and says so once it has read it', async () => {
    const { dealerId, operator } = await newDealer();
    const rows = Array.from({ length: 3000 }, (_, i) => `C-${10000 + i},Account number ${i} with a long enough name`).join('\n');
    const content = Buffer.concat([Buffer.from(`account_id,name\n${rows}\nC-9,Caf`), Buffer.from([0xe9, 0x92]), Buffer.from('s\n')]);
    const uploaded = await upload(operator, [{ field: 'file', name: 'accounts.csv', content }]).expect(202);
    // The first 64 KB are ASCII, which reads the same in either encoding.
    expect(uploaded.body.files[0]).toMatchObject({ encoding: 'utf-8', warnings: [] });
    const run = await waitForStatus(operator, uploaded.body.id, ['validated', 'failed']);
    expect(run.files[0]).toMatchObject({ status: 'validated', valid_rows: 3001, invalid_rows: 0, encoding: 'windows-1252', warnings: [expect.stringContaining('Windows-1252')] });
    await commit(operator, run.id);
    expect(await db('customer_accounts').where({ dealer_id: dealerId, erp_account_id: 'C-9' }).first('name')).toEqual({ name: 'Café’s' });
  });

  it('reads Windows-1252 and UTF-16 exports, says which encoding each was read in, and stores the text as written', async () => {
    // Was: 422 "not UTF-8 text: line 3" for the Windows-1252 file, and the good file beside it refused with it.
    const { dealerId, operator } = await newDealer();
    const accounts = Buffer.concat([
      Buffer.from('account_id,name,city\nC-1,Acme Framing LLC,Springfield\nC-2,Caf'), Buffer.from([0xe9]), Buffer.from(' Lumber '), Buffer.from([0x93]),
      Buffer.from('North'), Buffer.from([0x94]), Buffer.from(','), Buffer.from([0x92]), Buffer.from('s Gravenhage\n'),
    ]);
    const contacts = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('contact_id,account_id,name\r\nCT-1,C-2,Zoë Ångström\r\n', 'utf16le')]);
    const jobsLess = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('contact_id,account_id,name\nCT-2,C-1,Renée O’Hara\n', 'utf16le').swap16()]);
    const uploaded = await upload(operator, [
      { field: 'accounts', name: 'accounts-ansi.csv', content: accounts },
      { field: 'contacts', name: 'contacts-unicode.csv', content: contacts },
      { field: 'file', name: 'contacts-be.csv', content: jobsLess },
    ]).expect(202);
    const run = await waitForStatus(operator, uploaded.body.id, ['validated', 'failed']);
    expect(run.status).toBe('validated');
    const byName = Object.fromEntries(run.files.map((file: Record<string, any>) => [file.filename, file]));
    expect(byName['accounts-ansi.csv']).toMatchObject({ encoding: 'windows-1252', valid_rows: 2, invalid_rows: 0, warnings: ['Read as Windows-1252 ("ANSI") text: the file is not UTF-8.'] });
    expect(byName['contacts-unicode.csv']).toMatchObject({ encoding: 'utf-16le', valid_rows: 1, invalid_rows: 0, warnings: [expect.stringContaining('UTF-16 LE')] });
    expect(byName['contacts-be.csv']).toMatchObject({ data_type: 'contacts', encoding: 'utf-16be', valid_rows: 1, invalid_rows: 0 });
    await commit(operator, run.id);
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).orderBy('erp_account_id').select('erp_account_id', 'name', 'city')).toEqual([
      { erp_account_id: 'C-1', name: 'Acme Framing LLC', city: 'Springfield' },
      { erp_account_id: 'C-2', name: 'Café Lumber “North”', city: '’s Gravenhage' },
    ]);
    expect(await db('contacts').where({ dealer_id: dealerId }).orderBy('erp_contact_id').pluck('name')).toEqual(['Zoë Ångström', 'Renée O’Hara']);
  });

  it('judges each file of an upload on its own: an unreadable one is refused, the others validate and commit', async () => {
    const { dealerId, operator } = await newDealer();
    const workbook = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const uploaded = await upload(operator, [
      { field: 'file', name: 'ar.xlsx', content: workbook },
      { field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') },
    ]).expect(202);
    const refused = uploaded.body.files.find((file: { filename: string }) => file.filename === 'ar.xlsx');
    expect(refused).toMatchObject({ status: 'refused', refusal: expect.stringContaining('Excel workbook'), encoding: null });
    const run = await waitForStatus(operator, uploaded.body.id, ['validated', 'failed']);
    expect(run).toMatchObject({ status: 'validated', error: null });
    expect(fileOf(run, 'accounts')).toMatchObject({ status: 'validated', valid_rows: 4 });
    // The refused file's bytes are not kept; its history entry is.
    const stored = await db('ingestion_files').where({ run_id: run.id }).orderBy('filename').select('filename', 'storage_path');
    expect(stored.map((file: { filename: string }) => file.filename)).toEqual(['accounts.csv', 'ar.xlsx']);
    expect(existsSync(stored[1].storage_path)).toBe(false);
    expect(existsSync(stored[0].storage_path)).toBe(true);
    const { run: committed } = await commit(operator, run.id);
    expect(committed.status).toBe('succeeded');
    expect(committed.files.map((file: { filename: string; status: string }) => `${file.filename} ${file.status}`)).toEqual(['accounts.csv applied', 'ar.xlsx refused']);
    expect(Number((await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' }))[0]!.n)).toBe(4);

    // When no file can be read, the upload is refused as a whole, as before.
    const none = await upload(operator, [{ field: 'file', name: 'ar.xlsx', content: workbook }, { field: 'file', name: 'blank.csv', content: '\n\n' }]).expect(422);
    expect(none.body.error).toMatchObject({ code: 'file_refused', details: { files: [{ filename: 'ar.xlsx' }, { filename: 'blank.csv' }] } });
  });

  it('cancels a validated upload; it can then no longer be committed', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    const cancelled = await operator.post(`/api/operator/ingestion-runs/${run.id}/cancel`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await outcome(run.id)).phase).toBe('cancelled');
    const refused = await operator.post(`/api/operator/ingestion-runs/${run.id}/commit`).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'not_committable', message: expect.stringContaining('cancelled') });
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('keeps validated rows staged only until the run is decided: cancelled, committed or failed leaves no staging table', async () => {
    const { operator } = await newDealer();
    const cancelledRun = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    const fileId = cancelledRun.files[0].id as string;
    expect(await stagedRowCount(db, fileId)).toBe(4);
    await operator.post(`/api/operator/ingestion-runs/${cancelledRun.id}/cancel`).expect(200);
    expect((await outcome(cancelledRun.id)).phase).toBe('cancelled');
    expect(await stagedRowCount(db, fileId)).toBeNull();

    const committedRun = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    expect(await stagedRowCount(db, committedRun.files[0].id)).toBe(4);
    expect((await commit(operator, committedRun.id)).result.phase).toBe('succeeded');
    expect(await stagedRowCount(db, committedRun.files[0].id)).toBeNull();
  });

  it('drops staging tables left by a run that ended without closing (a terminated workflow) at the next validation', async () => {
    const { dealerId, operator } = await newDealer();
    const orphanRun = randomUUID();
    await db('ingestion_runs').insert({ id: orphanRun, dealer_id: dealerId, status: 'failed' });
    const [orphanFile] = await db('ingestion_files').insert({
      run_id: orphanRun, dealer_id: dealerId, data_type: 'accounts', filename: 'old.csv', content_sha256: 'x', size_bytes: 1, storage_path: '/nonexistent',
    }).returning('id');
    const staging = await openStaging(db, orphanFile.id, 'accounts');
    await staging.finish();
    expect(await stagedRowCount(db, orphanFile.id)).toBe(0);
    const run = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    expect(await stagedRowCount(db, orphanFile.id)).toBeNull();
    // The run being decided keeps its rows.
    expect(await stagedRowCount(db, run.files[0].id)).toBe(4);
  });

  it('re-validates a run from a clean state after a failed attempt and commits each row once', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    const fileId = run.files[0].id as string;
    // As if the first attempt died after staging its rows: the retry must not stage them twice.
    await db('ingestion_runs').where({ id: run.id }).update({ status: 'validating' });
    const retried = await validateRun(db, run.id);
    expect(retried.files[0]).toMatchObject({ status: 'validated', validRows: 4 });
    expect(await stagedRowCount(db, fileId)).toBe(4);
    const { run: committed } = await commit(operator, run.id);
    expect(committed.files[0]).toMatchObject({ status: 'applied', inserted: 4, updated: 0, unchanged: 0 });
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 4 }]);
  });

  it('refuses to commit when the staged rows are gone (a database crash empties unlogged tables) and applies nothing', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    await db.raw(`truncate ingest_stage_${String(run.files[0].id).replace(/-/g, '')}`);
    const { result, run: failed } = await commit(operator, run.id);
    expect(result.phase).toBe('failed');
    expect(failed.error).toMatch(/Nothing was applied.*no longer available \(0 of 4\).*Upload the file again/);
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('lists the dealer\'s runs with ra-data-simple-rest paging and hides them from other dealers', async () => {
    const mine = await newDealer();
    const other = await newDealer();
    const first = await uploadAndValidate(mine.operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    const second = await uploadAndValidate(mine.operator, [{ field: 'file', name: 'contacts.csv', content: sample('contacts.csv') }]);
    expect(second.files[0]).toMatchObject({ data_type: 'contacts', invalid_rows: 4 });

    const list = await mine.operator.get('/api/operator/ingestion-runs?sort=["created_at","DESC"]&range=[0,0]').expect(200);
    expect(list.headers['content-range']).toBe('ingestion-runs 0-0/2');
    expect(list.body.map((r: any) => r.id)).toEqual([second.id]);
    expect(list.body[0].uploaded_by).toMatchObject({ name: 'Robin Uploader' });
    const filtered = await mine.operator.get(`/api/operator/ingestion-runs?filter=${encodeURIComponent(JSON.stringify({ data_type: 'accounts' }))}`).expect(200);
    expect(filtered.body.map((r: any) => r.id)).toEqual([first.id]);

    expect((await other.operator.get('/api/operator/ingestion-runs').expect(200)).body).toEqual([]);
    await other.operator.get(`/api/operator/ingestion-runs/${first.id}`).expect(404);
    await other.operator.get(`/api/operator/ingestion-runs/${first.id}/errors`).expect(404);
    await other.operator.post(`/api/operator/ingestion-runs/${first.id}/commit`).expect(404);
    await other.operator.post(`/api/operator/ingestion-runs/${first.id}/cancel`).expect(404);
    expect((await mine.operator.get(`/api/operator/ingestion-runs/${first.id}`).expect(200)).body.status).toBe('validated');
  });

  it('answers 413 with a clear message for a file over the size limit and keeps nothing', async () => {
    const { dealerId, small } = await newDealer();
    const big = `account_id,name\n${Array.from({ length: 200 }, (_, i) => `C-${i},Name ${i}`).join('\n')}\n`;
    const response = await upload(small, [{ field: 'accounts', name: 'big.csv', content: big }]).expect(413);
    expect(response.body.error).toMatchObject({ code: 'file_too_large', message: expect.stringMatching(/^big\.csv is larger than the upload limit of 2 KB; nothing was uploaded\.$/) });
    expect(await db('ingestion_runs').where({ dealer_id: dealerId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('needs the CSRF token to upload', async () => {
    const { operator } = await newDealer();
    const response = await operator.agent.post('/api/operator/ingestion-runs').attach('accounts', sample('accounts.csv'), 'accounts.csv').expect(403);
    expect(response.body.error.code).toBe('csrf_failed');
  });

  it('restarts a validation interrupted half-way from a clean state', async () => {
    const { operator } = await newDealer();
    const run = await uploadAndValidate(operator, [{ field: 'file', name: 'contacts.csv', content: sample('contacts.csv') }]);
    const errorCount = async () => (await db('ingestion_row_errors').where({ file_id: run.files[0].id }).count({ n: '*' }))[0];
    expect(await errorCount()).toEqual({ n: 4 });
    // As if the worker died after writing results but before recording the run as validated.
    await db('ingestion_runs').where({ id: run.id }).update({ status: 'validating' });
    await db('ingestion_files').where({ id: run.files[0].id }).update({ valid_rows: 0, invalid_rows: 1 });
    const retried = await validateRun(db, run.id);
    expect(retried).toMatchObject({ status: 'validated', files: [{ totalLines: 4, validRows: 0, invalidRows: 4 }] });
    expect(await errorCount()).toEqual({ n: 4 });
  });

  it('validates many runs at once on a small pool: a COPY holding its connection never starves the queries beside it', async () => {
    const { operator } = await newDealer();
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await uploadAndValidate(operator, [{ field: 'file', name: `contacts-${i}.csv`, content: sample('contacts.csv') }]));
    await db('ingestion_runs').whereIn('id', runs.map((run) => run.id)).update({ status: 'validating' });
    // Two connections: with both lent to COPYs, each validation would wait for a connection to
    // write its row errors that only the other's end could free.
    const small = createDb(requiredEnv('TEST_DATABASE_URL'), { max: 2 });
    try {
      const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 20_000).unref());
      const validated = await Promise.race([Promise.all(runs.map((run) => validateRun(small, run.id))), stalled]);
      expect(validated).not.toBe('stalled');
      expect((validated as Awaited<ReturnType<typeof validateRun>>[]).map((result) => result.files[0])).toEqual(runs.map(() => expect.objectContaining({ status: 'validated', totalLines: 4, invalidRows: 4 })));
    } finally {
      await small.destroy();
    }
  });

  it('validates and commits idempotently when a step runs again after a crash', async () => {
    const { dealerId, operator } = await newDealer();
    const run = await uploadAndValidate(operator, [{ field: 'accounts', name: 'accounts.csv', content: sample('accounts.csv') }]);
    // A retried validation of a run already validated reports the same result without redoing it.
    const again = await validateRun(db, run.id);
    expect(again.files[0]).toMatchObject({ status: 'validated', validRows: 4 });
    const { run: committed } = await commit(operator, run.id);
    const updatedAt = await db('customer_accounts').where({ dealer_id: dealerId }).orderBy('erp_account_id').pluck('updated_at');
    // The activity retried after its transaction committed: nothing is applied twice.
    const retried = await commitRun(db, run.id);
    expect(retried.alreadyCommitted).toBe(true);
    expect(retried.files[0]).toMatchObject({ inserted: 4, updated: 0, unchanged: 0 });
    expect(await db('customer_accounts').where({ dealer_id: dealerId }).orderBy('erp_account_id').pluck('updated_at')).toEqual(updatedAt);
    expect(committed.status).toBe('succeeded');
  });
});
