import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { commitRun } from '../activities/ingestion/commit-run';
import { validateRun } from '../activities/ingestion/validate-run';
import { createDb, dropDatabase, ensureDatabase, migrateLatest } from '../db/connection';

/**
 * CSV ingestion at scale: generates a deterministic invoice file, ingests it end to end
 * (validate: stream, check, stage; commit: load, merge, statistics — the same functions the
 * ingest-<runId> workflow's activities call) and, in the same run, loads the same file with a
 * raw `COPY` through psql for comparison. Prints rows/s and peak RSS. Goal: 50,000 rows/s,
 * RSS under 512 MB.
 *
 *   npx tsx bench/csv-ingest.ts                      (1,000,000 rows, temporary database on local PostgreSQL)
 *   BENCH_ROWS=100000 npx tsx bench/csv-ingest.ts
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/csv-ingest.ts
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5_000);
const JOBS_PER_ACCOUNT = Number(process.env.BENCH_JOBS_PER_ACCOUNT ?? 3);
const REPEAT = process.env.BENCH_REPEAT !== '0';

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

/** Park–Miller: the same file on every machine. */
function generator(seed: number) {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647);
}

async function writeInvoiceFile(file: string): Promise<void> {
  const next = generator(42);
  const out = createWriteStream(file);
  out.write('account_id,invoice_id,invoice_date,due_date,amount,outstanding_amount,currency,po_number,job_id,job_name\n');
  const lines: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const account = 1 + (next() % ACCOUNTS);
    const day = next() % 330;
    const invoiceDate = new Date(Date.UTC(2026, 0, 1 + day));
    const dueDate = new Date(invoiceDate.getTime() + 30 * 86_400_000);
    const cents = 1_000 + (next() % 5_000_000);
    const open = next() % 4 === 0 ? 0 : next() % 3 === 0 ? Math.floor(cents / 2) : cents;
    const dollars = (value: number) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
    const job = next() % 3 === 0 ? '' : `J-${account}-${1 + (next() % JOBS_PER_ACCOUNT)}`;
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

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const ownDatabase = !process.env.BENCH_DATABASE_URL;
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? adminUrl.replace(/\/[^/]*$/, `/drypowder_bench_ingest_${process.pid}`);
  if (ownDatabase) await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, { max: 4 });
  const workDir = path.resolve('.tmp', `bench-ingest-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  try {
    if (ownDatabase) await db.raw('create extension if not exists citext');
    await migrateLatest(db);
    const [dealer] = await db('dealers').insert({ name: 'Bench ingest', slug: `bench-ingest-${randomUUID().slice(0, 8)}`, integration_mode: 'file' }).returning('id');
    await db.raw(
      `insert into customer_accounts (dealer_id, erp_account_id, name) select ?, 'C-' || lpad(g::text, 5, '0'), 'Account ' || g from generate_series(1, ?) g`,
      [dealer.id, ACCOUNTS],
    );

    const file = path.join(workDir, 'invoices.csv');
    let started = Date.now();
    await writeInvoiceFile(file);
    const size = statSync(file).size;
    console.log(`generated ${ROWS.toLocaleString('en-US')} invoice rows (${mb(size)}) for ${ACCOUNTS} accounts in ${Date.now() - started} ms`);

    const ingest = async (label: string) => {
      const runId = randomUUID();
      await db('ingestion_runs').insert({ id: runId, dealer_id: dealer.id, status: 'validating' });
      await db('ingestion_files').insert({
        run_id: runId, dealer_id: dealer.id, data_type: 'invoices', filename: 'invoices.csv', content_sha256: 'bench', size_bytes: size, storage_path: file,
      });
      peakRss = process.memoryUsage().rss;
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
      console.log(`\n${label}`);
      console.log(`  validate  ${String(t1 - t0).padStart(7)} ms  ${rate(ROWS, t1 - t0)}  (valid ${validation.files[0]!.validRows}, invalid ${validation.files[0]!.invalidRows})`);
      console.log(`  commit    ${String(t2 - t1).padStart(7)} ms  ${rate(ROWS, t2 - t1)}  (inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}; ${commit.touchedAccounts} accounts' statistics refreshed)`);
      const timeline = steps.map(([step, at], i) => `${step} ${(steps[i + 1]?.[1] ?? Date.now()) - at} ms`).join(', ');
      console.log(`            commit steps: ${timeline}`);
      console.log(`  end to end${String(t2 - t0).padStart(7)} ms  ${rate(ROWS, t2 - t0)}   peak RSS ${mb(peakRss)}`);
      return t2 - t0;
    };

    const firstMs = await ingest('ingest, new invoices (validate + commit)');
    if (REPEAT) await ingest('ingest the same file again (all unchanged)');

    const psql = (command: string) => {
      const began = Date.now();
      const result = spawnSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-c', command], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return Date.now() - began;
    };
    // The floor: PostgreSQL parsing the same CSV into a plain table, no indexes, no checks, no merge.
    await db.raw(`create table bench_raw_invoices (account_id text, invoice_id text, invoice_date date, due_date date, amount numeric(14,2),
      outstanding_amount numeric(14,2), currency text, po_number text, job_id text, job_name text)`);
    const rawMs = psql(`\\copy bench_raw_invoices from '${file}' with (format csv, header true)`);
    // The same rows already in the invoices shape, COPY'd into a table with the invoices table's
    // indexes and checks (its foreign keys aside): what writing the rows costs by itself.
    const shaped = path.join(workDir, 'invoices-shaped.copy');
    await db.raw(`create table bench_shaped_invoices (like invoices including defaults including constraints including indexes)`);
    psql(`\\copy (select a.dealer_id, a.id, r.invoice_id, r.invoice_date, r.due_date, (r.amount * 100)::bigint, (r.outstanding_amount * 100)::bigint, 'open', nullif(r.po_number, '') from bench_raw_invoices r join customer_accounts a on a.erp_account_id = r.account_id and a.dealer_id = '${dealer.id}') to '${shaped}'`);
    const shapedMs = psql(`\\copy bench_shaped_invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status, po_number) from '${shaped}'`);
    console.log(`\nraw COPY of the CSV into an unindexed table (psql \\copy):     ${String(rawMs).padStart(7)} ms  ${rate(ROWS, rawMs)}`);
    console.log(`raw COPY of the same rows into a table indexed like invoices: ${String(shapedMs).padStart(7)} ms  ${rate(ROWS, shapedMs)}`);
    console.log(`ingestion end to end takes ${(firstMs / rawMs).toFixed(1)}x the unindexed COPY and ${(firstMs / shapedMs).toFixed(1)}x the indexed COPY`);
    console.log(`peak RSS of this process overall: ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))}`);
  } finally {
    clearInterval(sampler);
    await db.destroy();
    if (ownDatabase) await dropDatabase(databaseUrl);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
