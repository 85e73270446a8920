import type { Knex } from 'knex';
import {
  clearRowErrors, ingestionFiles, ingestionRun, ingestionRunStatus, recordFileProgress, recordFileRefused, recordFileValidated, recordRowErrors,
  recordRunValidated, type IngestionFileRow, type NewRowError,
} from '../../db/ingestion-runs';
import { dropOrphanedStaging, openStaging, type StagingWriter } from '../../db/ingestion-staging';
import { DATA_TYPES, type DataType, FORMATS, isDataType } from '../../domain/ingestion/columns';
import { encodingNote, UploadDecoder } from '../../domain/ingestion/encoding';
import { type ResolvedHeader, resolveHeader } from '../../domain/ingestion/header';
import { FileRefused } from '../../domain/ingestion/refusal';
import { type ColumnError, isBlankRecord, readRow, type RowRead, rowValues, STAGED_COLUMNS } from '../../domain/ingestion/rows';
import { stagedLine } from './copy-text';
import { csvRecordBatches } from './csv-records';
import { KeyIndex } from './key-index';
import { TimeOrderedIds } from './time-ordered-ids';
import { References } from './references';

/** Rows read before references are resolved and results written: bounds memory and round trips. */
const BATCH_ROWS = 250;
/** Row errors kept per file; the counts stay exact beyond it. */
export const MAX_STORED_ERRORS_PER_FILE = 50_000;
const PROGRESS_EVERY_MS = 2000;

export interface FileValidation {
  fileId: string;
  filename: string;
  dataType: DataType;
  status: 'validated' | 'refused';
  refusal: string | null;
  totalLines: number;
  validRows: number;
  invalidRows: number;
}

export interface RunValidation {
  runId: string;
  status: 'validated' | 'failed' | 'cancelled';
  files: FileValidation[];
}

export interface ValidateOptions {
  /** Called often (for activity heartbeats); must be cheap. */
  onProgress?: (progress: { fileId: string; rows: number }) => void;
}

/** Files in the order a commit applies them, so references can point to earlier files. */
export function inApplyOrder<T extends { data_type: string; filename: string }>(files: T[]): T[] {
  const rank = (type: string) => (isDataType(type) ? DATA_TYPES.indexOf(type) : DATA_TYPES.length);
  return [...files].sort((a, b) => rank(a.data_type) - rank(b.data_type) || a.filename.localeCompare(b.filename));
}

function summaryOf(file: IngestionFileRow): FileValidation {
  return {
    fileId: file.id, filename: file.filename, dataType: file.data_type, status: file.status === 'refused' ? 'refused' : 'validated',
    refusal: file.refusal, totalLines: file.total_lines, validRows: file.valid_rows, invalidRows: file.invalid_rows,
  };
}

/** The columns a row refers to outside itself, with what each must be. */
function referencesOf(dataType: DataType, values: RowRead['values']): Array<{ column: string; kind: 'account' | 'job' | 'statement' | 'document'; key: string }> {
  const refs: Array<{ column: string; kind: 'account' | 'job' | 'statement' | 'document'; key: string }> = [];
  if (dataType !== 'accounts' && dataType !== 'statement_items' && typeof values.account_id === 'string' && values.account_id) {
    refs.push({ column: 'account_id', kind: 'account', key: values.account_id });
  }
  if ((dataType === 'invoices' || dataType === 'adjustments') && typeof values.job_id === 'string') refs.push({ column: 'job_id', kind: 'job', key: values.job_id });
  if (dataType === 'statement_items') {
    if (typeof values.statement_id === 'string' && values.statement_id) refs.push({ column: 'statement_id', kind: 'statement', key: values.statement_id });
    if (typeof values.document_id === 'string' && values.document_id && values.document_type) refs.push({ column: 'document_id', kind: 'document', key: values.document_id });
  }
  return refs;
}

interface PendingRow {
  row: number;
  record: string[];
  read: RowRead;
  refs: ReturnType<typeof referencesOf>;
}

/**
 * Validates every file of an upload: reads each as a stream, checks each row and its
 * references, stores row errors and streams the valid rows, already converted, into the file's
 * staging table by COPY while the rest of the file is still being read (db/ingestion-staging.ts),
 * so the commit step is only the merge. Nothing touches the receivables tables.
 * Safe to run again from the start: each run overwrites the previous results.
 */
export async function validateRun(db: Knex, runId: string, options: ValidateOptions = {}): Promise<RunValidation> {
  const run = await ingestionRun(db, runId);
  if (!run) throw new Error(`ingestion run ${runId} does not exist`);
  const files = inApplyOrder(await ingestionFiles(db, runId));
  if (run.status !== 'validating') {
    const status = run.status === 'cancelled' ? 'cancelled' : run.status === 'failed' && files.every((f) => f.status === 'refused') ? 'failed' : 'validated';
    return { runId, status, files: files.map(summaryOf) };
  }

  await dropOrphanedStaging(db);
  const references = new References(db, run.dealer_id);
  if (files.some((file) => file.status !== 'refused' && file.data_type !== 'accounts')) await references.preload(['account', 'job']);
  // Key → position (file index × 2^32 + row), in flat arrays so a million keys stay small.
  const seenKeys = new Map<DataType, KeyIndex>();
  const FILE_STRIDE = 2 ** 32;
  const needDocuments = files.some((file) => file.data_type === 'statement_items' && file.status !== 'refused');
  const results: FileValidation[] = [];
  let lastCheck = Date.now();
  let cancelled = false;

  const checkCancelled = async (): Promise<boolean> => {
    cancelled = (await ingestionRunStatus(db, runId)) === 'cancelled';
    return cancelled;
  };

  for (const [fileIndex, file] of files.entries()) {
    if (file.status === 'refused') {
      // Refused when it arrived: nothing more to read.
      results.push(summaryOf(file));
      continue;
    }
    await clearRowErrors(db, file.id);
    let staging: StagingWriter | undefined;
    let header: ResolvedHeader | undefined;
    let row = 0;
    let total = 0;
    let valid = 0;
    let invalid = 0;
    let storedErrors = 0;
    let batch: PendingRow[] = [];
    const seen = seenKeys.get(file.data_type) ?? new KeyIndex();
    seenKeys.set(file.data_type, seen);
    const seenBefore = seen.size;
    const ids = new TimeOrderedIds();
    const stagedColumns = STAGED_COLUMNS[file.data_type].map((column) => column.name);
    const decoder = new UploadDecoder();

    /** Looks up in the database the references of a batch not known yet; started before the previous batch is checked, so its round trips overlap that work. */
    const lookUp = (rows: PendingRow[]): Promise<unknown> => {
      const wanted = { account: new Set<string>(), job: new Set<string>(), statement: new Set<string>(), invoice: new Set<string>(), adjustment: new Set<string>() };
      for (const pending of rows) {
        for (const ref of pending.refs) {
          if (ref.kind === 'document') wanted[pending.read.values.document_type === 'invoice' ? 'invoice' : 'adjustment'].add(ref.key);
          else wanted[ref.kind].add(ref.key);
        }
      }
      const lookups = Promise.all((Object.keys(wanted) as Array<keyof typeof wanted>).map((kind) => references.prefetch(kind, wanted[kind])));
      // Awaited when the batch is checked; until then a failure must not count as unhandled.
      lookups.catch(() => undefined);
      return lookups;
    };
    let looked: { rows: PendingRow[]; lookups: Promise<unknown> } | undefined;

    /** Sends `batch` to its look-ups and checks the one before it, whose answers are (nearly) in. */
    const flush = async (last = false) => {
      const previous = looked;
      looked = batch.length > 0 ? { rows: batch, lookups: lookUp(batch) } : undefined;
      batch = [];
      if (previous) await check(previous.rows, previous.lookups);
      if (last && looked) {
        const final = looked;
        looked = undefined;
        await check(final.rows, final.lookups);
      }
    };

    const check = async (rows: PendingRow[], lookups: Promise<unknown>) => {
      await lookups;
      const dataType = file.data_type;
      const errorRows: NewRowError[] = [];
      for (const pending of rows) {
        const { values } = pending.read;
        const errors: ColumnError[] = pending.read.errors;
        let statementOwner: string | undefined;
        for (const ref of pending.refs) {
          if (ref.kind === 'account') {
            if (references.owner('account', ref.key) === undefined) {
              errors.push({ column: ref.column, message: `account ${ref.key} is neither in Drypowder nor among the valid rows of this upload's accounts file` });
            }
          } else if (ref.kind === 'job') {
            const owner = references.owner('job', ref.key);
            if (owner !== undefined && owner !== values.account_id) errors.push({ column: 'job_id', message: `job ${ref.key} belongs to account ${owner}, not ${String(values.account_id)}` });
          } else if (ref.kind === 'statement') {
            statementOwner = references.owner('statement', ref.key);
            if (statementOwner === undefined) errors.push({ column: 'statement_id', message: `statement ${ref.key} is neither in Drypowder nor among the valid rows of this upload's statements file` });
          } else {
            const kind = values.document_type === 'invoice' ? 'invoice' : 'adjustment';
            const owner = references.owner(kind, ref.key);
            if (owner === undefined) errors.push({ column: 'document_id', message: `${kind} ${ref.key} is neither in Drypowder nor among the valid rows of this upload's ${kind}s file` });
            else if (statementOwner !== undefined && owner !== statementOwner) {
              errors.push({ column: 'document_id', message: `${kind} ${ref.key} belongs to account ${owner} but statement ${String(values.statement_id)} is for account ${statementOwner}` });
            }
          }
        }
        const key = pending.read.key;
        if (errors.length === 0) {
          const position = fileIndex * FILE_STRIDE + pending.row;
          const first = seen.setIfAbsent(key, position);
          if (first !== position) {
            const firstFile = Math.floor(first / FILE_STRIDE);
            const firstRow = first % FILE_STRIDE;
            const where = firstFile === fileIndex ? `row ${firstRow}` : `row ${firstRow} of ${files[firstFile]!.filename}`;
            errors.push({ column: FORMATS[dataType].key.includes('+') ? 'document_id' : FORMATS[dataType].key, message: `${key.replace(/\u0000/g, ' ')} appears more than once; first on ${where}` });
          }
        }
        if (errors.length > 0) {
          invalid++;
          if (storedErrors < MAX_STORED_ERRORS_PER_FILE) {
            storedErrors++;
            errorRows.push({ file_id: file.id, row_number: pending.row, row_values: JSON.stringify(rowValues(header!, pending.record)), errors: JSON.stringify(errors) });
          }
          continue;
        }
        valid++;
        const account = typeof values.account_id === 'string' ? values.account_id : '';
        if (dataType === 'accounts') references.add('account', key, key);
        if (dataType === 'statements') references.add('statement', key, account);
        if (needDocuments && dataType === 'invoices') references.add('invoice', key, account);
        if (needDocuments && dataType === 'adjustments') references.add('adjustment', key, account);
        if (typeof values.job_id === 'string' && (dataType === 'invoices' || dataType === 'adjustments')) references.add('job', values.job_id, account);
        const backlog = staging!.write(stagedLine(pending.row, ids.next(pending.row), stagedColumns, values));
        if (backlog) await backlog;
      }
      await recordRowErrors(db, errorRows);
      options.onProgress?.({ fileId: file.id, rows: total });
      if (Date.now() - lastCheck > PROGRESS_EVERY_MS) {
        lastCheck = Date.now();
        await recordFileProgress(db, file.id, { totalLines: total, validRows: valid, invalidRows: invalid });
        if (await checkCancelled()) throw new RunCancelled();
      }
    };

    try {
      staging = await openStaging(db, file.id, file.data_type);
      for await (const records of csvRecordBatches(file.storage_path, decoder, BATCH_ROWS)) {
        for (const record of records) {
          row++;
          if (isBlankRecord(record)) continue;
          if (!header) {
            const resolved = resolveHeader(record, file.data_type);
            if (!resolved.ok) throw new FileRefused(resolved.refusal);
            header = resolved.header;
            continue;
          }
          total++;
          const read = readRow(header, record);
          batch.push({ row, record, read, refs: referencesOf(file.data_type, read.values) });
        }
        if (batch.length >= BATCH_ROWS) await flush();
      }
      if (!header) throw new FileRefused({ code: 'empty', message: 'The file is empty: it has no header row and no data.' });
      await flush(true);
      await staging.finish();
      references.fileDone();
      // Read to the end, the encoding is settled: an ASCII head may have turned out Windows-1252.
      const note = encodingNote(decoder.encoding);
      await recordFileValidated(db, file.id, {
        totalLines: total, validRows: valid, invalidRows: invalid, encoding: decoder.encoding,
        columns: header.columns, warnings: note ? [note, ...header.warnings] : header.warnings,
      });
      results.push({ fileId: file.id, filename: file.filename, dataType: file.data_type, status: 'validated', refusal: null, totalLines: total, validRows: valid, invalidRows: invalid });
    } catch (error) {
      await staging?.abort();
      if (error instanceof RunCancelled) break;
      if (!(error instanceof FileRefused)) throw error;
      references.fileRefused();
      seen.truncate(seenBefore);
      await clearRowErrors(db, file.id);
      await recordFileRefused(db, file.id, { refusal: error.message, totalLines: total, columns: header?.columns });
      results.push({ fileId: file.id, filename: file.filename, dataType: file.data_type, status: 'refused', refusal: error.message, totalLines: total, validRows: 0, invalidRows: 0 });
    }
  }

  if (cancelled || (await checkCancelled())) return { runId, status: 'cancelled', files: results };
  const usable = results.some((result) => result.status === 'validated');
  const refusals = results.filter((result) => result.status === 'refused').map((result) => `${result.filename}: ${result.refusal}`);
  await recordRunValidated(db, runId, usable ? { usable: true } : { usable: false, error: refusals.join(' ') });
  return { runId, status: usable ? 'validated' : 'failed', files: results };
}

class RunCancelled extends Error {}
