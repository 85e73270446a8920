import type { Knex } from 'knex';
import type { DataType } from '../domain/ingestion/columns';
import { recordAudit } from './audit';
import { applySort, type PageRequest } from './list-query';

/**
 * The ingestion history as the console reads it: runs with their files and per data type
 * counts, and the row errors of a run. Every query is scoped to one dealer.
 */
/** What validation counted of a file's lines and the commit did with its rows. */
export interface IngestionFileCounts {
  total_lines: number;
  valid_rows: number;
  invalid_rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface IngestionFileView extends IngestionFileCounts {
  id: string;
  filename: string;
  data_type: string;
  status: string;
  refusal: string | null;
  size_bytes: number;
  content_sha256: string;
  columns: Array<{ header: string; column: string | null }>;
  warnings: string[];
  /** The text encoding the file was read in ('utf-8', 'windows-1252', 'utf-16le', 'utf-16be'); null when it was refused. */
  encoding: string | null;
  /** `csv`: a file as uploaded; `json`: rows of a JSON batch (public API), kept as the equivalent CSV. */
  source: 'csv' | 'json';
  validated_at: Date | null;
  applied_at: Date | null;
  /** The same content already applied by an earlier run of this dealer. */
  previously_applied: { run_id: string; applied_at: Date } | null;
}

export interface Counts {
  files: number;
  lines: number;
  valid: number;
  invalid: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface IngestionRunView {
  id: string;
  status: string;
  error: string | null;
  workflow_id: string | null;
  created_at: Date;
  validated_at: Date | null;
  committed_at: Date | null;
  finished_at: Date | null;
  uploaded_by: { id: string; name: string; email: string } | null;
  /** The dealer's API key that uploaded the run through /api/v1, when no operator did. */
  uploaded_by_api_key: { id: string; name: string; prefix: string } | null;
  files: IngestionFileView[];
  counts: Record<string, Counts>;
  totals: Counts;
}

const RUN_COLUMNS = [
  'r.id', 'r.status', 'r.error', 'r.workflow_id', 'r.created_at', 'r.validated_at', 'r.committed_at', 'r.finished_at',
  'r.uploaded_by', 'u.name as uploaded_by_name', 'u.email as uploaded_by_email',
  'r.uploaded_by_api_key', 'k.name as uploaded_by_api_key_name', 'k.prefix as uploaded_by_api_key_prefix',
];

export const RUN_SORTABLE: Record<string, string> = {
  id: 'r.id', created_at: 'r.created_at', status: 'r.status', finished_at: 'r.finished_at', validated_at: 'r.validated_at', committed_at: 'r.committed_at',
};

export function runsQuery(db: Knex, dealerId: string): Knex.QueryBuilder {
  return db('ingestion_runs as r')
    .leftJoin('operator_users as u', 'u.id', 'r.uploaded_by')
    .leftJoin('api_keys as k', 'k.id', 'r.uploaded_by_api_key')
    .where('r.dealer_id', dealerId);
}

export const runColumns = RUN_COLUMNS;

const emptyCounts = (): Counts => ({ files: 0, lines: 0, valid: 0, invalid: 0, inserted: 0, updated: 0, unchanged: 0 });

/** Attaches files and counts to run rows (one query for all files of the page). */
export async function withFiles(db: Knex, dealerId: string, runs: Array<Record<string, any>>): Promise<IngestionRunView[]> {
  if (runs.length === 0) return [];
  const files = await db('ingestion_files as f')
    .where('f.dealer_id', dealerId)
    .whereIn('f.run_id', runs.map((run) => run.id))
    .orderBy([{ column: 'f.run_id' }, { column: 'f.filename' }])
    .select(
      'f.*',
      db.raw(`(select json_build_object('run_id', p.run_id, 'applied_at', p.applied_at) from ingestion_files p
               where p.dealer_id = f.dealer_id and p.content_sha256 = f.content_sha256 and p.status = 'applied' and p.run_id <> f.run_id
                 and p.applied_at < coalesce(f.applied_at, 'infinity')
               order by p.applied_at desc limit 1) as previously_applied`),
    );
  return runs.map((run) => {
    const own = files.filter((file) => file.run_id === run.id).map((file): IngestionFileView => ({
      id: file.id, filename: file.filename, data_type: file.data_type, status: file.status, refusal: file.refusal,
      size_bytes: file.size_bytes, content_sha256: file.content_sha256, total_lines: file.total_lines, valid_rows: file.valid_rows,
      invalid_rows: file.invalid_rows, inserted: file.inserted, updated: file.updated, unchanged: file.unchanged,
      columns: file.columns, warnings: file.warnings, encoding: file.encoding, source: file.source, validated_at: file.validated_at, applied_at: file.applied_at,
      previously_applied: file.previously_applied,
    }));
    const counts: Record<string, Counts> = {};
    const totals = emptyCounts();
    for (const file of own) {
      const entry = (counts[file.data_type] ??= emptyCounts());
      for (const target of [entry, totals]) {
        target.files += 1;
        target.lines += file.total_lines;
        target.valid += file.valid_rows;
        target.invalid += file.invalid_rows;
        target.inserted += file.inserted;
        target.updated += file.updated;
        target.unchanged += file.unchanged;
      }
    }
    return {
      id: run.id, status: run.status, error: run.error, workflow_id: run.workflow_id, created_at: run.created_at,
      validated_at: run.validated_at, committed_at: run.committed_at, finished_at: run.finished_at,
      uploaded_by: run.uploaded_by ? { id: run.uploaded_by, name: run.uploaded_by_name, email: run.uploaded_by_email } : null,
      uploaded_by_api_key: run.uploaded_by_api_key ? { id: run.uploaded_by_api_key, name: run.uploaded_by_api_key_name, prefix: run.uploaded_by_api_key_prefix } : null,
      files: own, counts, totals,
    };
  });
}

export async function findRun(db: Knex, dealerId: string, runId: string): Promise<IngestionRunView | undefined> {
  const run = await runsQuery(db, dealerId).where('r.id', runId).first(RUN_COLUMNS);
  if (!run) return undefined;
  const [view] = await withFiles(db, dealerId, [run]);
  return view;
}

export interface NewIngestionFile {
  id: string;
  run_id: string;
  dealer_id: string;
  data_type: string | null;
  filename: string;
  content_sha256: string;
  size_bytes: number;
  storage_path: string;
  status: 'refused' | 'validating';
  refusal: string | null;
  encoding: string | null;
  /** Where the rows came from; `csv` unless given. */
  source?: 'csv' | 'json';
  /** JSON text. */
  columns?: string;
  /** JSON text. */
  warnings?: string;
}

export interface RunListFilter {
  ids?: string[];
  statuses?: string[];
  dataType?: string;
  createdAtGte?: string;
  createdAtLte?: string;
}

export interface RowErrorFilter {
  fileId?: string;
  dataType?: string;
  column?: string;
}

export interface RowErrorRow {
  id: string;
  file_id: string;
  filename: string;
  data_type: string;
  columns: Array<{ header: string; column: string | null }>;
  row_number: number;
  row_values: Record<string, string>;
  errors: unknown;
}

export const ROW_ERROR_SORTABLE: Record<string, string> = { row_number: 'e.row_number', filename: 'f.filename', data_type: 'f.data_type', id: 'e.id' };

/** Whether the dealer's receivables come from an ERP connection rather than files. */
export async function dealerIntegrationMode(db: Knex, dealerId: string): Promise<string | undefined> {
  const dealer = await db('dealers').where({ id: dealerId }).first('integration_mode');
  return dealer?.integration_mode;
}

/** Who uploads or decides a run: an operator in the console, or a dealer's system through its API key. */
export interface IngestionActor {
  kind: 'operator' | 'api_key';
  id: string;
}

/**
 * Records an upload: the run, each file (refused ones too, so the history shows them) and
 * the audit entry, in one transaction. A run with no readable file is failed at once.
 */
export async function createIngestionRun(
  db: Knex,
  dealerId: string,
  input: { runId: string; actor: IngestionActor; workflowId: string; files: NewIngestionFile[]; failedWith: string | null },
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('ingestion_runs').insert({
      id: input.runId, dealer_id: dealerId,
      uploaded_by: input.actor.kind === 'operator' ? input.actor.id : null,
      uploaded_by_api_key: input.actor.kind === 'api_key' ? input.actor.id : null,
      status: input.failedWith !== null ? 'failed' : 'validating',
      error: input.failedWith,
      workflow_id: input.failedWith !== null ? null : input.workflowId,
      finished_at: input.failedWith !== null ? trx.fn.now() : null,
    });
    await trx('ingestion_files').insert(input.files);
    await recordAudit(trx, {
      dealerId, actorKind: input.actor.kind, actorId: input.actor.id, action: 'ingestion.uploaded', entityType: 'ingestion_run', entityId: input.runId,
      data: { files: input.files.map((row) => ({ filename: row.filename, dataType: row.data_type, sizeBytes: row.size_bytes, sha256: row.content_sha256, refusal: row.refusal })) },
    });
  });
}

/** The run's workflow could not be started: the run fails with a reason the operator reads. */
export async function failIngestionRun(db: Knex, dealerId: string, runId: string, error: string): Promise<void> {
  await db('ingestion_runs').where({ id: runId, dealer_id: dealerId }).update({ status: 'failed', error, finished_at: db.fn.now() });
}

export async function listRuns(db: Knex, dealerId: string, filter: RunListFilter, page: PageRequest): Promise<{ rows: IngestionRunView[]; total: number }> {
  const base = runsQuery(db, dealerId);
  if (filter.ids) base.whereIn('r.id', filter.ids);
  if (filter.statuses) base.whereIn('r.status', filter.statuses);
  if (filter.createdAtGte) base.where('r.created_at', '>=', filter.createdAtGte);
  if (filter.createdAtLte) base.where('r.created_at', '<=', filter.createdAtLte);
  if (filter.dataType) base.whereExists(db('ingestion_files as ff').whereRaw('ff.run_id = r.id').where('ff.data_type', filter.dataType));
  const [{ total }] = (await base.clone().clearSelect().count({ total: '*' })) as [{ total: string | number }];
  const rows = await applySort(base.clone().select(RUN_COLUMNS), page.sort, RUN_SORTABLE, 'r.id')
    .offset(page.range.start).limit(page.range.end - page.range.start + 1);
  return { rows: await withFiles(db, dealerId, rows), total: Number(total) };
}

export async function runStatus(db: Knex, dealerId: string, runId: string): Promise<string | undefined> {
  const run = await db('ingestion_runs').where({ id: runId, dealer_id: dealerId }).first('status');
  return run?.status;
}

/** One page of a run's row errors; rows of one file stay together, in file order, before the next file. */
export async function listRowErrors(db: Knex, dealerId: string, runId: string, filter: RowErrorFilter, page: PageRequest): Promise<{ rows: RowErrorRow[]; total: number }> {
  const base = db('ingestion_row_errors as e').join('ingestion_files as f', 'f.id', 'e.file_id').where({ 'f.run_id': runId, 'f.dealer_id': dealerId });
  if (filter.fileId) base.where('f.id', filter.fileId);
  if (filter.dataType) base.where('f.data_type', filter.dataType);
  if (filter.column) base.whereRaw('e.errors @> ?::jsonb', [JSON.stringify([{ column: filter.column }])]);
  const [{ total }] = (await base.clone().count({ total: '*' })) as [{ total: string | number }];
  const rows: RowErrorRow[] = await applySort(
    base.clone().select('e.id', 'e.file_id', 'f.filename', 'f.data_type', 'f.columns', 'e.row_number', 'e.row_values', 'e.errors').orderBy('f.filename'),
    page.sort, ROW_ERROR_SORTABLE, 'e.id',
  )
    .offset(page.range.start).limit(page.range.end - page.range.start + 1);
  return { rows, total: Number(total) };
}

/**
 * One page of a run's row errors for the public API, by keyset on the error's id (the order
 * validation wrote them in: file by file, row by row), one more than `limit` to tell whether
 * another page follows.
 */
export async function rowErrorsAfter(
  db: Knex, dealerId: string, runId: string, filter: RowErrorFilter, page: { afterId?: string; limit: number },
): Promise<{ rows: Array<RowErrorRow & { source: 'csv' | 'json' }>; hasMore: boolean }> {
  const base = db('ingestion_row_errors as e').join('ingestion_files as f', 'f.id', 'e.file_id').where({ 'f.run_id': runId, 'f.dealer_id': dealerId });
  if (filter.fileId) base.where('f.id', filter.fileId);
  if (filter.dataType) base.where('f.data_type', filter.dataType);
  if (filter.column) base.whereRaw('e.errors @> ?::jsonb', [JSON.stringify([{ column: filter.column }])]);
  if (page.afterId !== undefined) base.where('e.id', '>', page.afterId);
  const rows = await base.select('e.id', 'e.file_id', 'f.filename', 'f.data_type', 'f.source', 'f.columns', 'e.row_number', 'e.row_values', 'e.errors')
    .orderBy('e.id').limit(page.limit + 1);
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** Moves a validated run to processing; false when the run is not the dealer's or not validated. */
export async function claimRunForCommit(db: Knex, dealerId: string, runId: string): Promise<boolean> {
  const claimed = await db('ingestion_runs').where({ id: runId, dealer_id: dealerId, status: 'validated' })
    .update({ status: 'processing', committed_at: db.fn.now() }).returning('id');
  return claimed.length > 0;
}

/** The commit could not reach the workflow: the run is validated again, to be committed later. */
export async function releaseRunCommit(db: Knex, dealerId: string, runId: string): Promise<void> {
  await db('ingestion_runs').where({ id: runId, dealer_id: dealerId, status: 'processing' }).update({ status: 'validated', committed_at: null });
}

/** Cancels a run still validating or validated; false when it was neither (or not the dealer's). */
export async function cancelRun(db: Knex, dealerId: string, runId: string, error: string): Promise<boolean> {
  const cancelled = await db('ingestion_runs').where({ id: runId, dealer_id: dealerId }).whereIn('status', ['validating', 'validated'])
    .update({ status: 'cancelled', error, finished_at: db.fn.now() }).returning('id');
  return cancelled.length > 0;
}

/*
 * The run as its workflow drives it: validation records each file's outcome and row errors,
 * the commit applies the files and records the run's success in its own transaction, and the
 * closing step records any other ending. None of these is scoped to a dealer: the run's id
 * came from the workflow the dealer's upload started.
 */

/** A run's row as its workflow reads it. */
export interface IngestionRunRow {
  id: string;
  dealer_id: string;
  status: string;
  error: string | null;
}

/** A file's row as validation and the commit read it. */
export interface IngestionFileRow extends IngestionFileCounts {
  id: string;
  run_id: string;
  dealer_id: string;
  data_type: DataType;
  filename: string;
  storage_path: string;
  staging_path: string | null;
  status: string;
  refusal: string | null;
  columns: FileColumn[];
}

/** A header cell of the file and the format column it feeds (null when ignored). */
export type FileColumn = { header: string; column: string | null };

export async function ingestionRun(db: Knex, runId: string): Promise<IngestionRunRow | undefined> {
  return db('ingestion_runs').where({ id: runId }).first();
}

/** Read between batches of a validation, which stops when the run was cancelled meanwhile. */
export async function ingestionRunStatus(db: Knex, runId: string): Promise<string | undefined> {
  const current = await db('ingestion_runs').where({ id: runId }).first('status');
  return current?.status;
}

export async function ingestionFiles(db: Knex, runId: string): Promise<IngestionFileRow[]> {
  return db<IngestionFileRow>('ingestion_files').where({ run_id: runId });
}

export async function ingestionFileIds(db: Knex, runId: string): Promise<string[]> {
  return db('ingestion_files').where({ run_id: runId }).pluck('id');
}

/** The row errors of an earlier attempt at the file, or of a file refused half-way, no longer describe it. */
export async function clearRowErrors(db: Knex, fileId: string): Promise<void> {
  await db('ingestion_row_errors').where({ file_id: fileId }).delete();
}

export interface NewRowError {
  file_id: string;
  row_number: number;
  /** JSON text. */
  row_values: string;
  /** JSON text. */
  errors: string;
}

export async function recordRowErrors(db: Knex, rows: NewRowError[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db('ingestion_row_errors').insert(rows.slice(i, i + 500));
}

/** The counts so far of a file still being validated, which the console shows while it waits. */
export async function recordFileProgress(db: Knex, fileId: string, counts: { totalLines: number; validRows: number; invalidRows: number }): Promise<void> {
  await db('ingestion_files').where({ id: fileId }).update({ total_lines: counts.totalLines, valid_rows: counts.validRows, invalid_rows: counts.invalidRows });
}

export async function recordFileValidated(
  db: Knex,
  fileId: string,
  outcome: { totalLines: number; validRows: number; invalidRows: number; encoding: string; columns: FileColumn[]; warnings: string[] },
): Promise<void> {
  await db('ingestion_files').where({ id: fileId }).update({
    status: 'validated', refusal: null, total_lines: outcome.totalLines, valid_rows: outcome.validRows, invalid_rows: outcome.invalidRows, encoding: outcome.encoding,
    columns: JSON.stringify(outcome.columns), warnings: JSON.stringify(outcome.warnings), staging_path: null, validated_at: db.fn.now(),
  });
}

/** A file refused half-way keeps none of its rows; its columns are kept when its header was read. */
export async function recordFileRefused(db: Knex, fileId: string, outcome: { refusal: string; totalLines: number; columns?: FileColumn[] }): Promise<void> {
  await db('ingestion_files').where({ id: fileId }).update({
    status: 'refused', refusal: outcome.refusal, total_lines: outcome.totalLines, valid_rows: 0, invalid_rows: 0, staging_path: null, validated_at: db.fn.now(), encoding: null,
    ...(outcome.columns !== undefined ? { columns: JSON.stringify(outcome.columns) } : {}),
  });
}

/**
 * Validation is over: the run waits for the operator's commit, or fails when no file is
 * usable. Only from `validating`, so a run cancelled meanwhile stays cancelled.
 */
export async function recordRunValidated(db: Knex, runId: string, outcome: { usable: true } | { usable: false; error: string }): Promise<void> {
  await db('ingestion_runs').where({ id: runId, status: 'validating' }).update({
    status: outcome.usable ? 'validated' : 'failed',
    validated_at: db.fn.now(),
    ...(outcome.usable ? {} : { error: outcome.error, finished_at: db.fn.now() }),
  });
}

/** Locks the run for its commit: a retried commit waits for the attempt still going, then finds its outcome. */
export async function lockIngestionRun(trx: Knex.Transaction, runId: string): Promise<IngestionRunRow | undefined> {
  return trx('ingestion_runs').where({ id: runId }).forUpdate().first();
}

/** The files a commit applies; `applied` ones too, so a retry after success can report them. */
export async function committableFiles(trx: Knex.Transaction, runId: string): Promise<IngestionFileRow[]> {
  return trx('ingestion_files').where({ run_id: runId }).whereIn('status', ['validated', 'applied']);
}

export async function recordFileApplied(trx: Knex.Transaction, fileId: string, counts: { inserted: number; updated: number; unchanged: number }): Promise<void> {
  await trx('ingestion_files').where({ id: fileId }).update({ status: 'applied', inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, applied_at: trx.fn.now() });
}

export async function recordRunSucceeded(trx: Knex.Transaction, runId: string): Promise<void> {
  await trx('ingestion_runs').where({ id: runId }).update({ status: 'succeeded', finished_at: trx.fn.now(), error: null });
}

/** Records a run's failure or cancellation unless it already succeeded or ended so; a failed run's validated files fail with it. */
export async function recordRunEnded(db: Knex, runId: string, outcome: 'failed' | 'cancelled', message: string | null): Promise<void> {
  await db('ingestion_runs').where({ id: runId }).whereNotIn('status', ['succeeded', outcome])
    .update({ status: outcome, error: message, finished_at: db.fn.now() });
  if (outcome === 'failed') {
    await db('ingestion_files').where({ run_id: runId, status: 'validated' }).update({ status: 'failed' });
  }
}
