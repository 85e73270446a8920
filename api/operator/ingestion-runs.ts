import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { recordAudit } from '../../db/audit';
import { cancelRun, claimRunForCommit, createIngestionRun, dealerIntegrationMode, failIngestionRun, findRun, listRowErrors, listRuns, releaseRunCommit, runStatus, type NewIngestionFile } from '../../db/ingestion-runs';
import { isDataType } from '../../domain/ingestion/columns';
import { rowErrorFilter as errorFilter, runFilter } from '../../contracts/operator/ingestion-runs';
import { encodingNote, type TextEncodingName } from '../../domain/ingestion/encoding';
import { HEAD_BYTES, inspectHead } from '../../domain/ingestion/head';
import { logger } from '../../runtime/logger';
import { startIngest } from '../../workflows/ingest-client';
import { ingestDecisionSignal, ingestWorkflowId } from '../../workflows/ingest-definitions';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { conflict, HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { listParams, sendList } from '../simple-rest';
import { receiveFiles, type ReceivedFile } from './multipart-files';

const MAX_FILES_PER_UPLOAD = 10;


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
    if (await dealerIntegrationMode(db, operator.dealerId) === 'spruce') {
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
    const rows = files.map(({ file, explicit, inspected }): NewIngestionFile => {
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

    await createIngestionRun(db, operator.dealerId, {
      runId, operatorId: operator.id, workflowId: ingestWorkflowId(runId), files: rows, failedWith: nothingReadable ? error : null,
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
      await startIngest(temporal, config.TASK_QUEUE, runId);
    } catch (startError) {
      logger.error({ err: startError, runId }, 'could not start ingestion workflow');
      await failIngestionRun(db, operator.dealerId, runId, 'Validation could not be started; upload the files again.');
      throw new HttpError(503, 'ingestion_unavailable', 'Validation could not be started right now; please upload the files again in a minute.');
    }
    res.status(202).json(await findRun(db, operator.dealerId, runId));
  });

  router.get('/ingestion-runs', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parse(runFilter, params.filter, 'invalid_filter');
    const { rows, total } = await listRuns(db, dealerId, {
      ids: filter.id, statuses: filter.status, dataType: filter.data_type, createdAtGte: filter.created_at_gte, createdAtLte: filter.created_at_lte,
    }, params);
    sendList(res, 'ingestion-runs', rows, params.range, total);
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
    if (!(await runStatus(db, dealerId, runId))) throw notFound('Ingestion run');
    const params = listParams(req, { sort: { field: 'row_number', order: 'ASC' }, pageSize: 50 });
    const filter = parse(errorFilter, params.filter, 'invalid_filter');
    const { rows: page, total } = await listRowErrors(db, dealerId, runId, { fileId: filter.file_id, dataType: filter.data_type, column: filter.column }, params);
    const rows = page.map((row) => {
      const headers: string[] = row.columns.map((c, i) => c.header || `column_${i + 1}`);
      const extra = Object.keys(row.row_values).filter((key) => !headers.includes(key)).sort();
      return {
        id: row.id, file_id: row.file_id, filename: row.filename, data_type: row.data_type, row_number: row.row_number,
        values: [...headers, ...extra].map((header) => ({ header, value: row.row_values[header] ?? '' })),
        errors: row.errors,
      };
    });
    sendList(res, 'ingestion-row-errors', rows, params.range, total);
  });

  router.post('/ingestion-runs/:id/commit', async (req, res) => {
    const operator = operatorOf(req);
    const runId = runIdOf(req.params.id);
    if (!(await claimRunForCommit(db, operator.dealerId, runId))) {
      const status = await runStatus(db, operator.dealerId, runId);
      if (!status) throw notFound('Ingestion run');
      throw conflict('not_committable', `This upload ${STATUS_EXPLAINED[status] ?? `is ${status}`}.`, { status });
    }
    try {
      await temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'commit' });
    } catch (signalError) {
      logger.error({ err: signalError, runId }, 'could not signal ingestion workflow');
      await releaseRunCommit(db, operator.dealerId, runId);
      throw new HttpError(503, 'ingestion_unavailable', 'The commit could not be started right now; try again in a minute.');
    }
    await recordAudit(db, { dealerId: operator.dealerId, actorKind: 'operator', actorId: operator.id, action: 'ingestion.commit_requested', entityType: 'ingestion_run', entityId: runId });
    res.status(202).json(await findRun(db, operator.dealerId, runId));
  });

  router.post('/ingestion-runs/:id/cancel', async (req, res) => {
    const operator = operatorOf(req);
    const runId = runIdOf(req.params.id);
    if (!(await cancelRun(db, operator.dealerId, runId, `Cancelled by ${operator.name}.`))) {
      const status = await runStatus(db, operator.dealerId, runId);
      if (!status) throw notFound('Ingestion run');
      if (status !== 'cancelled') throw conflict('not_cancellable', `This upload ${STATUS_EXPLAINED[status] ?? `is ${status}`}; it can no longer be cancelled.`, { status });
    } else {
      await temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'cancel' })
        .catch((signalError: unknown) => logger.warn({ err: signalError, runId }, 'ingestion workflow not reachable for cancel; the run is cancelled in the database'));
      await recordAudit(db, { dealerId: operator.dealerId, actorKind: 'operator', actorId: operator.id, action: 'ingestion.cancelled', entityType: 'ingestion_run', entityId: runId });
    }
    res.json(await findRun(db, operator.dealerId, runId));
  });

  return router;
}
