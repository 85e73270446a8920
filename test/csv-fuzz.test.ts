import type { Express } from 'express';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../api/app';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { ingestWorkflowId, type IngestOutcome } from '../workflows/ingest-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createOperator, signIn, type SignedIn } from './support/operator';
import { startTestWorker } from './support/temporal';

/**
 * Malformed CSV files for every upload type, through the real upload API, validation in the
 * real `ingest-<runId>` workflow and commit. Each file must either validate (good rows valid,
 * bad rows listed by row number with a message per column) or be refused with a 4xx code and
 * a message naming the file; never a 500, never a workflow that crashes or hangs, and nothing
 * written to the receivables before commit. Files are generated from a fixed seed.
 */
const SAMPLES = path.resolve(__dirname, '../docs/samples');
const TYPES = ['accounts', 'contacts', 'statements', 'invoices', 'adjustments', 'statement_items'] as const;
type DataType = (typeof TYPES)[number];
const RECEIVABLES = ['customer_accounts', 'contacts', 'statements', 'invoices', 'adjustments', 'statement_items', 'jobs'] as const;
const SEED = 20261115;
const RANDOM_CASES_PER_TYPE = 6;
const INJECTIONS = ['=cmd|\' /C calc\'!A0', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '=HYPERLINK("http://evil.test","x")', '\t=1+1'];

interface FuzzFile {
  label: string;
  type: DataType;
  field: string;
  name: string;
  bytes: Buffer;
  /** What this file must come to, beyond the rules every file obeys. */
  expect?: { refusal?: RegExp; validRows?: number; invalidColumn?: string; encoding?: string };
}

const sample = (type: DataType) => readFileSync(path.join(SAMPLES, `${type}.csv`), 'utf8');
const lines = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');
const header = (type: DataType) => lines(sample(type))[0]!.split(',');
const rowsOf = (type: DataType) => lines(sample(type)).slice(1);

/** A CSV cell as a spreadsheet writes it: quoted when it holds a comma, quote or line break. */
const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Replaces one column of a sample row, parsing the simple quoting the samples use. */
function withCell(row: string, column: number, value: string): string {
  const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '')).slice(0, -1);
  cells[column] = cell(value);
  return cells.join(',');
}

/** Text as Excel on Windows saves it ("ANSI"): é, ’, “, ”, € as their single Windows-1252 bytes. */
const windows1252 = (text: string) => Buffer.from([...text].map((char) => ({ 'é': 0xe9, '’': 0x92, '“': 0x93, '”': 0x94, '€': 0x80 } as Record<string, number>)[char] ?? char.charCodeAt(0)));

/** The text column a name, memo or PO lives in, where any text is valid. */
const TEXT_COLUMN: Record<DataType, string> = {
  accounts: 'name', contacts: 'name', statements: 'status', invoices: 'po_number', adjustments: 'description', statement_items: 'document_id',
};

function fixedCases(type: DataType): FuzzFile[] {
  const head = header(type);
  const rows = rowsOf(type);
  const good = rows.length;
  const body = (list: string[], end = '\n') => `${list.join(end)}${end}`;
  const file = (label: string, bytes: Buffer | string, expect?: FuzzFile['expect'], field: string = type): FuzzFile => ({
    label, type, field, name: `${type}-${label.replace(/[^a-z0-9]+/gi, '-')}.csv`, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), expect,
  });
  const plain = body([head.join(','), ...rows]);
  const textAt = head.indexOf(TEXT_COLUMN[type]);
  return [
    file('CRLF line ends', body([head.join(','), ...rows], '\r\n'), { validRows: good }),
    file('CR line ends', body([head.join(','), ...rows], '\r'), { validRows: good }),
    file('UTF-8 byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plain)]), { validRows: good }),
    // UTF-16 with a byte-order mark and Windows-1252 are read (they were refused until Excel's
    // and older ERPs' exports had to be re-saved by hand); the file's card names the encoding.
    file('UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plain, 'utf16le')]), { validRows: good, encoding: 'utf-16le' }),
    file('UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(plain, 'utf16le').swap16()]), { validRows: good, encoding: 'utf-16be' }),
    file('UTF-16 LE without BOM', Buffer.from(plain, 'utf16le'), { refusal: /binary data|UTF-16/ }),
    // Row 3 repeats row 2's key with é (byte E9) in a text column: read as Windows-1252, then invalid as a repeat (or, for statements, as a status).
    file('Latin-1 byte', Buffer.concat([Buffer.from(body([head.join(','), rows[0]!])), Buffer.from(withCell(rows[0]!, Math.max(0, textAt), 'Caf')), Buffer.from([0xe9]), Buffer.from('\n')]), { validRows: 1, encoding: 'windows-1252' }),
    file('Windows-1252 quotes in a text column', windows1252(body([head.join(','), rows[0]!, withCell(rows[1]!, Math.max(0, textAt), 'O’Hara “Café” €5'), ...rows.slice(2)])),
      type === 'statements' || type === 'statement_items' ? { encoding: 'windows-1252' } : { validRows: good, encoding: 'windows-1252' }),
    file('UTF-8 then another encoding', Buffer.concat([Buffer.from(body([head.join(','), withCell(rows[0]!, Math.max(0, textAt), 'Café')])), Buffer.from(withCell(rows[1]!, Math.max(0, textAt), 'Caf')), Buffer.from([0xe9]), Buffer.from('\n')]), { refusal: /mixes two encodings: line 3 / }),
    file('NUL byte', Buffer.concat([Buffer.from(`${head.join(',')}\n${rows[0]}`), Buffer.from([0]), Buffer.from('\n')]), { refusal: /binary data \(NUL bytes\)/ }),
    file('empty file', '', { refusal: /empty/ }),
    file('blank lines only', '\n\r\n  \n,,,\n', { refusal: /empty/ }),
    file('header only', `${head.join(',')}\n`, { validRows: 0 }),
    file('header only without line end', head.join(','), { validRows: 0 }),
    file('required column missing', body([head.slice(1).join(','), ...rows.map((row) => row.replace(/^("([^"]|"")*"|[^,]*),/, ''))]), { refusal: new RegExp(`This ${type} file lacks required column ${head[0]} \\(found: `) }),
    file('column named twice', body([[...head, head[0]].join(','), ...rows.map((row) => `${row},x`)]), { refusal: /twice|more than once|duplicate/i }),
    file('unknown columns', body([[...head, 'Salesperson', 'x'].join(','), ...rows.map((row) => `${row},Pat,1`)]), { validRows: good }),
    file('unterminated quote', `${body([head.join(','), ...rows.slice(0, -1)])}${withCell(rows.at(-1)!, 0, 'x').replace(/^x/, '"x')}\n`, undefined),
    file('stray quotes in unquoted values', body([head.join(','), ...rows.map((row, i) => (textAt >= 0 && i === 0 ? row.replace(/,/, ',2x4 8" stud ') : row))])),
    file('too many values in a row', body([head.join(','), ...rows.map((row, i) => (i === 0 ? `${row},extra,values` : row))]), { validRows: good - 1 }),
    file('missing trailing values', body([head.join(','), ...rows.map((row, i) => (i === 0 ? row.split(',').slice(0, 2).join(',') : row))])),
    file('formula injection in a text column', body([head.join(','), ...rows.map((row, i) => (textAt >= 0 ? withCell(row, textAt, INJECTIONS[i % INJECTIONS.length]!) : row))]), type === 'statements' || type === 'statement_items' ? undefined : { validRows: good }),
    file('formula injection in every column', body([head.join(','), ...rows.map((row, i) => row.split(',').map((_, c) => cell(INJECTIONS[(i + c) % INJECTIONS.length]!)).join(','))])),
    file('inferred from header, CRLF', body([head.join(','), ...rows], '\r\n'), { validRows: good }, 'file'),
  ];
}

/** Random damage to a valid file: any cell replaced by any text, quoting right or wrong. */
function randomCases(type: DataType): FuzzFile[] {
  const head = header(type);
  const rows = rowsOf(type);
  const damage = fc.record({
    row: fc.nat({ max: rows.length - 1 }),
    column: fc.nat({ max: head.length - 1 }),
    value: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom(...INJECTIONS, '"', '""', '"a"b"', 'a,b', 'line\nbreak', '\r', '-', '(12.00)', '1e5', '2026-02-30', 'NaN')),
    quoted: fc.boolean(),
  });
  return fc.sample(fc.tuple(fc.array(damage, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r')), { numRuns: RANDOM_CASES_PER_TYPE, seed: SEED + TYPES.indexOf(type) })
    .map(([changes, end], index) => {
      const changed = [...rows];
      for (const change of changes) {
        const cells = changed[change.row]!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '')).slice(0, -1);
        cells[change.column] = change.quoted ? cell(change.value) : change.value;
        changed[change.row] = cells.join(',');
      }
      return { label: `random damage ${index + 1}`, type, field: type, name: `${type}-random-${index + 1}.csv`, bytes: Buffer.from(`${[head.join(','), ...changed].join(end)}${end}`) };
    });
}

function hugeCellCase(): FuzzFile {
  const rows = rowsOf('accounts');
  const huge = `Huge ${'x'.repeat(5 * 1024 * 1024)}`;
  return {
    label: '5 MB in one cell', type: 'accounts', field: 'accounts', name: 'accounts-huge-cell.csv',
    bytes: Buffer.from(`${header('accounts').join(',')}\n${withCell(rows[0]!, 1, huge)}\n${rows.slice(1).join('\n')}\n`),
    expect: { validRows: rows.length - 1, invalidColumn: 'name' },
  };
}

describe('CSV fuzzing through the upload API', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let app: Express;
  let uploadDir: string;
  let operator: SignedIn;
  let dealerId: string;

  const counts = async () => Object.fromEntries(await Promise.all(RECEIVABLES.map(async (table) => [table, Number((await db(table).where({ dealer_id: dealerId }).count({ n: '*' }))[0]!.n)])));
  async function outcome(runId: string): Promise<IngestOutcome> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        worker.client.workflow.getHandle(ingestWorkflowId(runId)).result() as Promise<IngestOutcome>,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`workflow of run ${runId} did not finish within 60 s`)), 60_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Where each type keeps the free text the injection strings went into. */
  const STORED_TEXT: Partial<Record<DataType, { table: string; column: string }>> = {
    accounts: { table: 'customer_accounts', column: 'name' },
    contacts: { table: 'contacts', column: 'name' },
    invoices: { table: 'invoices', column: 'po_number' },
    adjustments: { table: 'adjustments', column: 'description' },
  };

  async function settle(runId: string): Promise<Record<string, any>> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const run = (await operator.get(`/api/operator/ingestion-runs/${runId}`).expect(200)).body;
      if (run.status !== 'validating') return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} was still validating after 60 s`);
  }

  beforeAll(async () => {
    db = testDb();
    uploadDir = mkdtempSync(path.join(os.tmpdir(), 'drypowder-csv-fuzz-'));
    const config = testConfig({ UPLOAD_DIR: uploadDir });
    worker = await startTestWorker({ db, logger, config });
    app = createApp({ db, temporal: worker.client, config: testConfig({ UPLOAD_DIR: uploadDir, TASK_QUEUE: worker.taskQueue }) });
    const suffix = randomUUID().slice(0, 8);
    [{ id: dealerId }] = await db('dealers').insert({ name: `Fuzz Lumber ${suffix}`, slug: `fuzz-${suffix}`, integration_mode: 'file' }).returning('id');
    operator = await signIn(app, (await createOperator(db, dealerId, { role: 'ar_operator' })).email);
    // The samples, committed, so rows of every type can refer to accounts, statements and documents.
    let setup = operator.send('post', '/api/operator/ingestion-runs');
    for (const type of TYPES) setup = setup.attach(type, Buffer.from(sample(type)), `${type}.csv`);
    const uploaded = await setup.expect(202);
    expect((await settle(uploaded.body.id)).status).toBe('validated');
    await operator.send('post', `/api/operator/ingestion-runs/${uploaded.body.id}/commit`).expect(202);
    expect((await outcome(uploaded.body.id)).phase).toBe('succeeded');
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await db?.destroy();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  it('validates the good rows or refuses each file with a clear 4xx, never crashing, hanging or applying before commit', async () => {
    const files = [...TYPES.flatMap((type) => [...fixedCases(type), ...randomCases(type)]), hugeCellCase()];
    const before = await counts();
    const problems: string[] = [];
    const tally = { files: files.length, refused: 0, validated: 0, failedInValidation: 0, rowErrors: 0, committed: 0, commitFailed: 0, injectionsStored: 0 };
    const validated: Array<{ file: FuzzFile; run: Record<string, any> }> = [];

    for (const file of files) {
      const what = `${file.type} "${file.label}"`;
      const response = await operator.send('post', '/api/operator/ingestion-runs').attach(file.field, file.bytes, file.name).timeout(120_000);
      if (response.status >= 500 || (response.status !== 202 && response.status < 400)) {
        problems.push(`${what}: upload answered ${response.status} ${response.text.slice(0, 200)}`);
        continue;
      }
      if (response.status !== 202) {
        tally.refused += 1;
        const error = response.body?.error;
        if (!(typeof error?.code === 'string' && typeof error?.message === 'string' && error.message.startsWith(`${file.name}: `))) problems.push(`${what}: refusal without code or file name: ${response.text.slice(0, 200)}`);
        if (file.expect?.validRows !== undefined) problems.push(`${what}: refused (${error?.message}) but should have validated`);
        if (file.expect?.refusal && !file.expect.refusal.test(error?.message ?? '')) problems.push(`${what}: refusal "${error?.message}" does not match ${file.expect.refusal}`);
        continue;
      }
      if (file.expect?.refusal) problems.push(`${what}: accepted, expected a refusal matching ${file.expect.refusal}`);
      const run = await settle(response.body.id).catch((error: Error) => {
        problems.push(`${what}: ${error.message}`);
        return null;
      });
      if (!run) continue;
      const card = run.files[0];
      if (run.status === 'failed') {
        // Bad bytes deep in the file are found while validating; the file is refused then.
        tally.failedInValidation += 1;
        if (card?.status !== 'refused' || !card.refusal) problems.push(`${what}: validation failed without a refusal on the file: ${JSON.stringify(run).slice(0, 300)}`);
        const ended = await outcome(run.id).catch((error: Error) => ({ phase: error.message }));
        if (ended.phase !== 'failed') problems.push(`${what}: workflow of a failed validation ended as ${ended.phase}`);
        continue;
      }
      if (run.status !== 'validated') {
        problems.push(`${what}: run ended validation as ${run.status}`);
        continue;
      }
      tally.validated += 1;
      if (card.valid_rows + card.invalid_rows > card.total_lines) problems.push(`${what}: ${card.valid_rows} valid + ${card.invalid_rows} invalid rows exceed ${card.total_lines} lines`);
      if (file.expect?.validRows !== undefined && card.valid_rows !== file.expect.validRows) problems.push(`${what}: ${card.valid_rows} valid rows, expected ${file.expect.validRows} (${card.invalid_rows} invalid)`);
      if (card.encoding !== (file.expect?.encoding ?? 'utf-8')) problems.push(`${what}: read as ${card.encoding}, expected ${file.expect?.encoding ?? 'utf-8'}`);
      const errors = (await operator.get(`/api/operator/ingestion-runs/${run.id}/errors?range=[0,999]`).expect(200)).body as Array<{ row_number: number; errors: Array<{ column: string; message: string }> }>;
      tally.rowErrors += errors.length;
      if (errors.length !== card.invalid_rows) problems.push(`${what}: ${errors.length} rows listed with errors, card says ${card.invalid_rows} invalid`);
      for (const row of errors) {
        if (!Number.isInteger(row.row_number) || row.row_number < 2) problems.push(`${what}: error on row ${row.row_number}`);
        if (!row.errors.length || row.errors.some((e) => typeof e.column !== 'string' || !e.column || typeof e.message !== 'string' || !e.message.trim())) {
          problems.push(`${what}: row ${row.row_number} error without column and message: ${JSON.stringify(row.errors).slice(0, 200)}`);
        }
      }
      if (file.expect?.invalidColumn && !errors.some((row) => row.errors.some((e) => e.column === file.expect!.invalidColumn))) problems.push(`${what}: no error on column ${file.expect.invalidColumn}`);
      validated.push({ file, run });
    }

    // Nothing of any upload reached the receivables before its commit.
    expect(await counts()).toEqual(before);

    // Commit each validated upload: every valid row comes out inserted, updated or unchanged,
    // or the commit fails as a whole with a message; the workflow ends either way.
    for (const { file, run } of validated) {
      const what = `${file.type} "${file.label}"`;
      const commit = await operator.send('post', `/api/operator/ingestion-runs/${run.id}/commit`);
      if (commit.status !== 202) {
        problems.push(`${what}: commit answered ${commit.status} ${commit.text.slice(0, 200)}`);
        continue;
      }
      const ended = await outcome(run.id).catch((error: Error) => ({ phase: error.message }));
      const after = (await operator.get(`/api/operator/ingestion-runs/${run.id}`).expect(200)).body;
      const card = after.files[0];
      if (ended.phase === 'succeeded') {
        tally.committed += 1;
        if (card.inserted + card.updated + card.unchanged !== card.valid_rows) problems.push(`${what}: committed ${card.inserted}+${card.updated}+${card.unchanged} of ${card.valid_rows} valid rows`);
        const text = STORED_TEXT[file.type];
        if (file.label === 'formula injection in a text column' && text) {
          // Formula-like text is stored as written (trimmed, like every value), never evaluated or altered.
          const stored = await db(text.table).where({ dealer_id: dealerId }).whereIn(text.column, INJECTIONS.map((injection) => injection.trim())).count({ n: '*' });
          tally.injectionsStored += Number(stored[0]!.n);
          if (Number(stored[0]!.n) !== card.valid_rows) problems.push(`${what}: ${stored[0]!.n} of ${card.valid_rows} formula-like values stored as written`);
        }
      } else if (ended.phase === 'failed') {
        tally.commitFailed += 1;
        if (!/Nothing was applied/.test(after.error ?? '')) problems.push(`${what}: commit failed without saying nothing was applied: ${after.error}`);
      } else {
        problems.push(`${what}: commit ended as ${ended.phase}`);
      }
    }

    // The worker is still serving: a clean upload validates after all of the above.
    const last = await operator.send('post', '/api/operator/ingestion-runs').attach('accounts', Buffer.from(sample('accounts')), 'accounts-final.csv').expect(202);
    expect((await settle(last.body.id)).status).toBe('validated');

    console.log(`CSV fuzzing: ${JSON.stringify(tally)}\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.validated).toBeGreaterThan(0);
    expect(tally.rowErrors).toBeGreaterThan(0);
    expect(tally.injectionsStored).toBeGreaterThanOrEqual(12);
  }, 600_000);
});
