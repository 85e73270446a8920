import { parse } from 'csv-parse';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { commitRun } from '../activities/ingestion/commit-run';
import { validateRun } from '../activities/ingestion/validate-run';
import { figure } from './lib/figures';
import { createBenchDatabase, parseArgs, tmpDir, type BenchEnv } from './lib/infra';
import { runStandalone, type BenchResult } from './lib/standalone';
import { megabytes, parkMiller, perSecond, RssSampler } from './lib/stats';

/**
 * CSV ingestion at scale: generates a deterministic invoice file, ingests it end to end
 * (validate: stream, check, stage; commit: load, merge, statistics — the same functions the
 * ingest-<runId> workflow's activities call) and, in the same run, loads the same file with a
 * raw `COPY` (psql's \copy when psql is installed) and parses it with bare csv-parse, for
 * comparison. Prints rows/s and peak RSS. Goal (issue 3): 50,000 rows/s, RSS under 512 MB.
 *
 *   npx tsx bench/csv-ingest.ts                      (1,000,000 rows, temporary database)
 *   npx tsx bench/csv-ingest.ts --rows 100000
 *   BENCH_ROWS=100000 npx tsx bench/csv-ingest.ts
 */
export interface CsvIngestOptions {
  rows: number;
  accounts?: number;
  jobsPerAccount?: number;
  /** Ingest the same file a second time (every row unchanged). */
  repeat?: boolean;
}

const mb = (bytes: number) => `${megabytes(bytes)} MB`;
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

export async function writeInvoiceFile(file: string, rows: number, accounts: number, jobsPerAccount: number): Promise<void> {
  const next = parkMiller(42);
  const out = createWriteStream(file);
  out.write('account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount,currency,po_number,job_id,job_name\n');
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const account = 1 + (next() % accounts);
    const day = next() % 330;
    const invoiceDate = new Date(Date.UTC(2026, 0, 1 + day));
    const dueDate = new Date(invoiceDate.getTime() + 30 * 86_400_000);
    const cents = 1_000 + (next() % 5_000_000);
    const open = next() % 4 === 0 ? 0 : next() % 3 === 0 ? Math.floor(cents / 2) : cents;
    const dollars = (value: number) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
    const job = next() % 3 === 0 ? '' : `J-${account}-${1 + (next() % jobsPerAccount)}`;
    lines.push([
      `C-${String(account).padStart(5, '0')}`, `INV-${String(i).padStart(8, '0')}`, invoiceDate.toISOString().slice(0, 10), dueDate.toISOString().slice(0, 10),
      dollars(cents), dollars(open), 'USD', i % 7 === 0 ? `PO-${i}` : '', job, job ? `"Job ${job}, phase ${1 + (account % 3)}"` : '',
    ].join(','));
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines.length = 0;
    }
  }
  out.write(lines.length ? `${lines.join('\n')}\n` : '');
  out.end();
  await once(out, 'close');
}

const hasPsql = () => spawnSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' }).status === 0;

/**
 * `COPY … FROM` a file (or `… TO` one) from the client side, timed. psql's \copy when it is
 * installed (the C client, the fairest floor); otherwise the same COPY streamed by pg.
 */
async function copyFile(databaseUrl: string, direction: 'from' | 'to', target: string, file: string, options = ''): Promise<number> {
  const began = Date.now();
  if (hasPsql()) {
    const command = `\\copy ${target} ${direction} '${file}'${options ? ` with (${options})` : ''}`;
    const result = spawnSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-c', command], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return Date.now() - began;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql = `copy ${target} ${direction === 'from' ? 'from stdin' : 'to stdout'}${options ? ` with (${options})` : ''}`;
    if (direction === 'from') await pipeline(createReadStream(file), client.query(copyFrom(sql)));
    else await pipeline(client.query(copyTo(sql)), createWriteStream(file));
  } finally {
    await client.end();
  }
  return Date.now() - began;
}

/** The parser alone: csv-parse over the same file, no checks, no database. */
async function csvParseOnly(file: string): Promise<{ ms: number; records: number }> {
  const began = Date.now();
  let records = 0;
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ bom: true, relax_column_count: true }));
  for await (const _record of parser) records += 1;
  return { ms: Date.now() - began, records: records - 1 };
}

export async function measureCsvIngest(env: BenchEnv, options: CsvIngestOptions): Promise<BenchResult> {
  const ROWS = options.rows;
  const ACCOUNTS = options.accounts ?? 5_000;
  const say = env.log;
  const rss = new RssSampler();
  const database = await createBenchDatabase(env.adminUrl, 'ingest', { max: 4 });
  const { db, url: databaseUrl } = database;
  const workDir = path.join(tmpDir, `bench-ingest-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  try {
    const [dealer] = await db('dealers').insert({ name: 'Bench ingest', slug: `bench-ingest-${randomUUID().slice(0, 8)}`, integration_mode: 'file' }).returning('id');
    await db.raw(
      `insert into customer_accounts (dealer_id, erp_account_id, name) select ?, 'C-' || lpad(g::text, 5, '0'), 'Account ' || g from generate_series(1, ?) g`,
      [dealer.id, ACCOUNTS],
    );

    const file = path.join(workDir, 'invoices.csv');
    let started = Date.now();
    await writeInvoiceFile(file, ROWS, ACCOUNTS, options.jobsPerAccount ?? 3);
    const size = statSync(file).size;
    say(`generated ${ROWS.toLocaleString('en-US')} invoice rows (${mb(size)}) for ${ACCOUNTS} accounts in ${Date.now() - started} ms`);

    const ingest = async (label: string) => {
      const runId = randomUUID();
      await db('ingestion_runs').insert({ id: runId, dealer_id: dealer.id, status: 'validating' });
      await db('ingestion_files').insert({
        run_id: runId, dealer_id: dealer.id, data_type: 'invoices', filename: 'invoices.csv', content_sha256: 'bench', size_bytes: size, storage_path: file,
      });
      rss.reset();
      const t0 = Date.now();
      const validation = await validateRun(db, runId);
      const t1 = Date.now();
      await db('ingestion_runs').where({ id: runId }).update({ status: 'processing' });
      const steps: Array<[string, number]> = [];
      const commit = await commitRun(db, runId, {
        onProgress: ({ step }) => {
          if (steps.at(-1)?.[0] !== step) steps.push([step, Date.now()]);
        },
      });
      const t2 = Date.now();
      const counts = commit.files[0]!;
      const timeline = steps.map(([step, at], i) => [step, (steps[i + 1]?.[1] ?? t2) - at] as const);
      say(label);
      say(`  validate  ${String(t1 - t0).padStart(7)} ms  ${rate(ROWS, t1 - t0)}  (valid ${validation.files[0]!.validRows}, invalid ${validation.files[0]!.invalidRows})`);
      say(`  commit    ${String(t2 - t1).padStart(7)} ms  ${rate(ROWS, t2 - t1)}  (inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}; ${commit.touchedAccounts} accounts' statistics refreshed)`);
      say(`            commit steps: ${timeline.map(([step, ms]) => `${step} ${ms} ms`).join(', ')}`);
      say(`  end to end${String(t2 - t0).padStart(7)} ms  ${rate(ROWS, t2 - t0)}   peak RSS ${mb(rss.peakBytes())}`);
      return {
        validate_ms: t1 - t0, commit_ms: t2 - t1, total_ms: t2 - t0, peak_rss_bytes: rss.peakBytes(),
        inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, commit_steps_ms: Object.fromEntries(timeline),
      };
    };

    const first = await ingest('ingest, new invoices (validate + commit)');
    const again = options.repeat === false ? undefined : await ingest('ingest the same file again (all unchanged)');

    const parsed = await csvParseOnly(file);
    if (parsed.records !== ROWS) throw new Error(`csv-parse read ${parsed.records} records, expected ${ROWS}`);
    // The floor: PostgreSQL parsing the same CSV into a plain table, no indexes, no checks, no merge.
    await db.raw(`create table bench_raw_invoices (account_id text, invoice_id text, invoice_date date, due_date date, amount numeric(14,2),
      outstanding_amount numeric(14,2), currency text, po_number text, job_id text, job_name text)`);
    const rawMs = await copyFile(databaseUrl, 'from', 'bench_raw_invoices', file, 'format csv, header true');
    // The same rows already in the invoices shape, COPY'd into a table with the invoices table's
    // indexes and checks (its foreign keys aside): what writing the rows costs by itself.
    const shaped = path.join(workDir, 'invoices-shaped.copy');
    await copyFile(databaseUrl, 'to', `(select a.dealer_id, a.id, r.invoice_id, r.invoice_date, r.due_date, (r.amount * 100)::bigint, (r.outstanding_amount * 100)::bigint, 'open', nullif(r.po_number, '') from bench_raw_invoices r join customer_accounts a on a.erp_account_id = r.account_id and a.dealer_id = '${dealer.id}')`, shaped);
    await db.raw(`create table bench_shaped_invoices (like invoices including defaults including constraints including indexes)`);
    const shapedMs = await copyFile(databaseUrl, 'from', 'bench_shaped_invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status, po_number)', shaped);
    say(`raw csv-parse of the file (no checks, no database):          ${String(parsed.ms).padStart(7)} ms  ${rate(ROWS, parsed.ms)}`);
    say(`raw COPY of the CSV into an unindexed table:                 ${String(rawMs).padStart(7)} ms  ${rate(ROWS, rawMs)}`);
    say(`raw COPY of the same rows into a table indexed like invoices: ${String(shapedMs).padStart(7)} ms  ${rate(ROWS, shapedMs)}`);
    say(`ingestion end to end takes ${(first.total_ms / rawMs).toFixed(1)}x the unindexed COPY and ${(first.total_ms / shapedMs).toFixed(1)}x the indexed COPY`);
    // The goal is about ingesting: the figure is the peak sampled while validating and committing
    // (it still carries whatever generating the file left in the heap); generating the file and
    // the bare csv-parse baseline, which run in this process too, are reported beside it.
    const peakRss = Math.max(first.peak_rss_bytes, again?.peak_rss_bytes ?? 0);
    const processPeakRss = process.resourceUsage().maxRSS * 1024;
    say(`peak RSS while ingesting: ${mb(peakRss)}; of this process overall, file generation and baselines included: ${mb(processPeakRss)}`);

    const scale = `${ROWS.toLocaleString('en-US')} rows`;
    const rowsPerS = (ms: number) => perSecond(ROWS, ms);
    return {
      figures: [
        figure({
          benchmark: 'csv-ingest', key: 'rows_per_s', label: 'CSV ingestion end to end (validate + commit)', scale, value: rowsPerS(first.total_ms), unit: 'rows/s',
          goal: { op: '>=', value: 50_000, source: 'issue 3' }, baseline: { label: 'raw COPY, unindexed table', value: rowsPerS(rawMs), unit: 'rows/s' },
        }),
        figure({
          benchmark: 'csv-ingest', key: 'validate_rows_per_s', label: 'CSV ingestion: validate (parse, check, stage)', scale, value: rowsPerS(first.validate_ms), unit: 'rows/s',
          baseline: { label: 'raw csv-parse', value: rowsPerS(parsed.ms), unit: 'rows/s' },
        }),
        figure({
          benchmark: 'csv-ingest', key: 'commit_rows_per_s', label: 'CSV ingestion: commit (load, merge, statistics)', scale, value: rowsPerS(first.commit_ms), unit: 'rows/s',
          baseline: { label: 'raw COPY, table indexed like invoices', value: rowsPerS(shapedMs), unit: 'rows/s' },
        }),
        figure({
          benchmark: 'csv-ingest', key: 'peak_rss_mb', label: 'CSV ingestion peak RSS', scale, value: megabytes(peakRss), unit: 'MB',
          goal: { op: '<=', value: 512, source: 'issue 3' },
        }),
      ],
      detail: {
        rows: ROWS, accounts: ACCOUNTS, file_bytes: size, first, again, process_peak_rss_bytes: processPeakRss,
        csv_parse_ms: parsed.ms, raw_copy_unindexed_ms: rawMs, raw_copy_indexed_ms: shapedMs, copy_client: hasPsql() ? 'psql \\copy' : 'pg-copy-streams',
      },
    };
  } finally {
    rss.stop();
    await database.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = parseArgs();
  const rows = Number(args.get('rows') ?? process.env.BENCH_ROWS ?? 1_000_000);
  runStandalone('csv-ingest', {}, (env) => measureCsvIngest(env, {
    rows,
    accounts: Number(process.env.BENCH_ACCOUNTS ?? 5_000),
    jobsPerAccount: Number(process.env.BENCH_JOBS_PER_ACCOUNT ?? 3),
    repeat: process.env.BENCH_REPEAT !== '0' && args.get('repeat') !== 'false',
  }));
}
