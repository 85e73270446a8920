import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { recordAudit } from '../../db/audit';
import { findRun, RUN_SORTABLE, runColumns, runsQuery, withFiles } from '../../db/ingestion-runs';
import { rowErrorFilter as errorFilter, runFilter } from '../../contracts/operator/ingestion-runs';
import { isDataType } from '../../domain/ingestion/columns';
import { encodingNote, type TextEncodingName } from '../../domain/ingestion/encoding';
import { HEAD_BYTES, inspectHead } from '../../domain/ingestion/head';
import { logger } from '../../runtime/logger';
import { INGEST_WORKFLOW_TYPE, ingestDecisionSignal, ingestWorkflowId, type IngestWorkflowInput } from '../../workflows/ingest-definitions';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { conflict, HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { applySort } from '../../db/list-query';
import { listParams, sendList } from '../simple-rest';
import { receiveFiles, type ReceivedFile } from './multipart-files';

const MAX_FILES_PER_UPLOAD = 10;

const ERROR_SORTABLE: Record<string, string> = { row_number: 'e.row_number', filename: 'f.filename', data_type: 'f.data_type', id: 'e.id' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function runIdOf(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw notFound('Ingestion run');
  return raw.toLowerCase();
}

function withEncodingNote(encoding: TextEncodingName, warnings: string[]): string[] {
  const note = encodingNote(encoding);
  return note ? [note, ...warnings] : warnings;
}

async function readHead(file: ReceivedFile): Promise<Buffer> {
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, file.sizeBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const STATUS_EXPLAINED: Record<string, string> = {
  validating: 'is still being validated; commit it when validation has finished',
  processing: 'is already being committed',
  succeeded: 'was already committed',
  failed: 'failed and cannot be committed; upload the files again',
  cancelled: 'was cancelled; upload the files again',
};

/**
 * CSV uploads: validate first (asynchronously, in the `ingest-<runId>` workflow), then the
 * operator commits or cancels. The database holds what the console lists; the workflow does
 * the work.
 */
export function ingestionRunRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  router.post('/ingestion-runs', async (req, res) => {
    const operator = operatorOf(req);
    // A Spruce dealer's receivables carry the ERP's change sequence; an export file has none and
    // would put back whatever balance it was taken at over newer synced data (and postings).
    const dealer = await db('dealers').where({ id: operator.dealerId }).first('integration_mode');
    if (dealer?.integration_mode === 'spruce') {
      req.resume();
      throw conflict('integration_mode_spruce', "This dealer's receivables come from Spruce in real time; CSV uploads are for file-based dealers. To reload everything from Spruce, use Resync on the Integration page.");
    }
    const runId = randomUUID();
    const dir = path.resolve(config.UPLOAD_DIR, operator.dealerId, runId);
    const received = await receiveFiles(req, { dir, maxBytes: config.UPLOAD_MAX_BYTES, maxFiles: MAX_FILES_PER_UPLOAD });

    const seen = new Map<string, string>();
    const files = await Promise.all(received.map(async (file) => {
      const explicit = isDataType(file.field) ? file.field : undefined;
      const inspected = inspectHead(await readHead(file), file.sizeBytes <= HEAD_BYTES, explicit);
      return { file, explicit, inspected };
    }));
    const rows = files.map(({ file, explicit, inspected }) => {
      const twin = seen.get(file.sha256);
      seen.set(file.sha256, file.filename);
      const refusal = twin !== undefined
        ? `It has the same content as ${twin} in this upload; attach each file once.`
        : inspected.ok ? null : inspected.refusal.message;
      return {
        id: file.id, run_id: runId, dealer_id: operator.dealerId,
        data_type: inspected.ok ? inspected.header.dataType : explicit ?? null,
        filename: file.filename, content_sha256: file.sha256, size_bytes: file.sizeBytes, storage_path: file.path,
        status: refusal ? 'refused' : 'validating', refusal,
        // As far as the head tells; validation, reading every byte, settles it.
        encoding: refusal ? null : inspected.encoding,
        ...(inspected.ok ? { columns: JSON.stringify(inspected.header.columns), warnings: JSON.stringify(withEncodingNote(inspected.encoding, inspected.header.warnings)) } : {}),
      };
    });
    // Each file stands on its own (docs/csv-formats.md, "One upload, several files"): an
    // unreadable one is refused and kept in the history, and the others are validated as usual;
    // nothing is applied before the operator commits what validation found. Only when no file
    // can be read is the upload refused as a whole.
    const refused = rows.filter((row) => row.refusal);
    const nothingReadable = refused.length === rows.length;
    const error = refused.map((row) => `${row.filename}: ${row.refusal}`).join(' ');

    await db.transaction(async (trx) => {
      await trx('ingestion_runs').insert({
        id: runId, dealer_id: operator.dealerId, uploaded_by: operator.id,
        status: nothingReadable ? 'failed' : 'validating',
        error: nothingReadable ? error : null,
        workflow_id: nothingReadable ? null : ingestWorkflowId(runId),
        finished_at: nothingReadable ? trx.fn.now() : null,
      });
      await trx('ingestion_files').insert(rows);
      await recordAudit(trx, {
        dealerId: operator.dealerId, actorKind: 'operator', actorId: operator.id, action: 'ingestion.uploaded', entityType: 'ingestion_run', entityId: runId,
        data: { files: rows.map((row) => ({ filename: row.filename, dataType: row.data_type, sizeBytes: row.size_bytes, sha256: row.content_sha256, refusal: row.refusal })) },
      });
    });

    // Nothing of a refused file is kept but its history entry.
    for (const row of refused) await rm(row.storage_path, { force: true });
    if (nothingReadable) {
      await rm(dir, { recursive: true, force: true });
      throw new HttpError(422, 'file_refused', error, {
        run_id: runId,
        files: refused.map((row) => ({ filename: row.filename, message: row.refusal })),
      });
    }

    try {
      await temporal.workflow.start(INGEST_WORKFLOW_TYPE, {
        taskQueue: config.TASK_QUEUE,
        workflowId: ingestWorkflowId(runId),
        args: [{ runId } satisfies IngestWorkflowInput],
      });
    } catch (startError) {
      logger.error({ err: startError, runId }, 'could not start ingestion workflow');
      await db('ingestion_runs').where({ id: runId }).update({ status: 'failed', error: 'Validation could not be started; upload the files again.', finished_at: db.fn.now() });
      throw new HttpError(503, 'ingestion_unavailable', 'Validation could not be started right now; please upload the files again in a minute.');
    }
    res.status(202).json(await findRun(db, operator.dealerId, runId));
  });

  router.get('/ingestion-runs', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parse(runFilter, params.filter, 'invalid_filter');
    const base = runsQuery(db, dealerId);
    if (filter.id) base.whereIn('r.id', filter.id);
    if (filter.status) base.whereIn('r.status', filter.status);
    if (filter.created_at_gte) base.where('r.created_at', '>=', filter.created_at_gte);
    if (filter.created_at_lte) base.where('r.created_at', '<=', filter.created_at_lte);
    if (filter.data_type) base.whereExists(db('ingestion_files as ff').whereRaw('ff.run_id = r.id').where('ff.data_type', filter.data_type));
    const [{ total }] = (await base.clone().clearSelect().count({ total: '*' })) as [{ total: string | number }];
    const page = applySort(base.clone().select(runColumns), params.sort, RUN_SORTABLE, 'r.id')
      .offset(params.range.start).limit(params.range.end - params.range.start + 1);
    sendList(res, 'ingestion-runs', await withFiles(db, dealerId, await page), params.range, Number(total));
  });

  router.get('/ingestion-runs/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const run = await findRun(db, dealerId, runIdOf(req.params.id));
    if (!run) throw notFound('Ingestion run');
    res.json(run);
  });

  router.get('/ingestion-runs/:id/errors', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const runId = runIdOf(req.params.id);
    const run = await db('ingestion_runs').where({ id: runId, dealer_id: dealerId }).first('id');
    if (!run) throw notFound('Ingestion run');
    const params = listParams(req, { sort: { field: 'row_number', order: 'ASC' }, pageSize: 50 });
    const filter = parse(errorFilter, params.filter, 'invalid_filter');
    const base = db('ingestion_row_errors as e').join('ingestion_files as f', 'f.id', 'e.file_id').where({ 'f.run_id': runId, 'f.dealer_id': dealerId });
    if (filter.file_id) base.where('f.id', filter.file_id);
    if (filter.data_type) base.where('f.data_type', filter.data_type);
    if (filter.column) base.whereRaw('e.errors @> ?::jsonb', [JSON.stringify([{ column: filter.column }])]);
    const [{ total }] = (await base.clone().count({ total: '*' })) as [{ total: string | number }];
    // Rows of one file stay together, in file order, before the next file.
    const page = await applySort(
      base.clone().select('e.id', 'e.file_id', 'f.filename', 'f.data_type', 'f.columns', 'e.row_number', 'e.row_values', 'e.errors').orderBy('f.filename'),
      params.sort, ERROR_SORTABLE, 'e.id',
    )
      .offset(params.range.start).limit(params.range.end - params.range.start + 1);
    const rows = page.map((row: Record<string, any>) => {
      const headers: string[] = (row.columns as Array<{ header: string }>).map((c, i) => c.header || `column_${i + 1}`);
      const extra = Object.keys(row.row_values).filter((key) => !headers.includes(key)).sort();
      return {
        id: row.id, file_id: row.file_id, filename: row.filename, data_type: row.data_type, row_number: row.row_number,
        values: [...headers, ...extra].map((header) => ({ header, value: row.row_values[header] ?? '' })),
        errors: row.errors,
      };
    });
    sendList(res, 'ingestion-row-errors', rows, params.range, Number(total));
  });

  router.post('/ingestion-runs/:id/commit', async (req, res) => {
    const operator = operatorOf(req);
    const runId = runIdOf(req.params.id);
    const claimed = await db('ingestion_runs').where({ id: runId, dealer_id: operator.dealerId, status: 'validated' })
      .update({ status: 'processing', committed_at: db.fn.now() }).returning('id');
    if (claimed.length === 0) {
      const run = await db('ingestion_runs').where({ id: runId, dealer_id: operator.dealerId }).first('status');
      if (!run) throw notFound('Ingestion run');
      throw conflict('not_committable', `This upload ${STATUS_EXPLAINED[run.status] ?? `is ${run.status}`}.`, { status: run.status });
    }
    try {
      await temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'commit' });
    } catch (signalError) {
      logger.error({ err: signalError, runId }, 'could not signal ingestion workflow');
      await db('ingestion_runs').where({ id: runId, status: 'processing' }).update({ status: 'validated', committed_at: null });
      throw new HttpError(503, 'ingestion_unavailable', 'The commit could not be started right now; try again in a minute.');
    }
    await recordAudit(db, { dealerId: operator.dealerId, actorKind: 'operator', actorId: operator.id, action: 'ingestion.commit_requested', entityType: 'ingestion_run', entityId: runId });
    res.status(202).json(await findRun(db, operator.dealerId, runId));
  });

  router.post('/ingestion-runs/:id/cancel', async (req, res) => {
    const operator = operatorOf(req);
    const runId = runIdOf(req.params.id);
    const cancelled = await db('ingestion_runs').where({ id: runId, dealer_id: operator.dealerId }).whereIn('status', ['validating', 'validated'])
      .update({ status: 'cancelled', error: `Cancelled by ${operator.name}.`, finished_at: db.fn.now() }).returning('id');
    if (cancelled.length === 0) {
      const run = await db('ingestion_runs').where({ id: runId, dealer_id: operator.dealerId }).first('status');
      if (!run) throw notFound('Ingestion run');
      if (run.status !== 'cancelled') throw conflict('not_cancellable', `This upload ${STATUS_EXPLAINED[run.status] ?? `is ${run.status}`}; it can no longer be cancelled.`, { status: run.status });
    } else {
      await temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'cancel' })
        .catch((signalError: unknown) => logger.warn({ err: signalError, runId }, 'ingestion workflow not reachable for cancel; the run is cancelled in the database'));
      await recordAudit(db, { dealerId: operator.dealerId, actorKind: 'operator', actorId: operator.id, action: 'ingestion.cancelled', entityType: 'ingestion_run', entityId: runId });
    }
    res.json(await findRun(db, operator.dealerId, runId));
  });

  return router;
}
