import type { Client } from '@temporalio/client';
import { open, rm } from 'node:fs/promises';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/connection';
import {
  cancelRun, claimRunForCommit, createIngestionRun, dealerIntegrationMode, failIngestionRun, findRun, releaseRunCommit, runStatus,
  type IngestionActor, type IngestionRunView, type NewIngestionFile,
} from '../db/ingestion-runs';
import { isDataType } from '../domain/ingestion/columns';
import { encodingNote, type TextEncodingName } from '../domain/ingestion/encoding';
import { HEAD_BYTES, inspectHead } from '../domain/ingestion/head';
import { refuseConflict, refuseNotFound, refuseUnavailable, refuseUnprocessable } from '../domain/refusal';
import { logger } from '../runtime/logger';
import { startIngest } from '../workflows/ingest-client';
import { ingestDecisionSignal, ingestWorkflowId } from '../workflows/ingest-definitions';

/**
 * CSV ingestion as a use case, for the console's upload page and for a dealer's system through
 * /api/v1 alike (docs/csv-formats.md): an upload is recorded with every file's first look, its
 * `ingest-<runId>` workflow validates it, and the caller then commits or cancels it. How the
 * files arrived (multipart parts, or rows of a JSON batch written out as CSV) is the caller's
 * business; from here on both are the same files.
 */

export type { IngestionActor } from '../db/ingestion-runs';

interface IngestionDeps {
  db: Db;
  temporal: Client;
  config: { TASK_QUEUE: string };
}

/** A file already on disk under the run's upload folder. */
export interface StoredUpload {
  id: string;
  /** The multipart field (or, for a JSON batch, the data type) it came in; a data type's name forces that type. */
  field: string;
  filename: string;
  path: string;
  sizeBytes: number;
  sha256: string;
  source?: 'csv' | 'json';
}

/** A Spruce dealer's receivables carry the ERP's change sequence; an export has none and would put back older balances. */
export async function refuseUnlessFileBased(db: Db, dealerId: string): Promise<void> {
  if (await dealerIntegrationMode(db, dealerId) === 'spruce') {
    throw refuseConflict('integration_mode_spruce', "This dealer's receivables come from Spruce in real time; CSV uploads are for file-based dealers. To reload everything from Spruce, use Resync on the Integration page.");
  }
}

function withEncodingNote(encoding: TextEncodingName, warnings: string[]): string[] {
  const note = encodingNote(encoding);
  return note ? [note, ...warnings] : warnings;
}

async function readHead(file: StoredUpload): Promise<Buffer> {
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
 * Records an upload and starts its validation. Each file stands on its own (docs/csv-formats.md,
 * "One upload, several files"): an unreadable one is refused and kept in the history, and the
 * others are validated as usual; nothing is applied before the run is committed. Only when no
 * file can be read is the upload refused as a whole (`file_refused`, the run failed).
 */
export async function acceptUpload(
  deps: IngestionDeps,
  input: { dealerId: string; runId: string; dir: string; files: StoredUpload[]; actor: IngestionActor },
): Promise<IngestionRunView> {
  const { db } = deps;
  const { dealerId, runId } = input;
  const seen = new Map<string, string>();
  const inspectedFiles = await Promise.all(input.files.map(async (file) => {
    const explicit = isDataType(file.field) ? file.field : undefined;
    const inspected = inspectHead(await readHead(file), file.sizeBytes <= HEAD_BYTES, explicit);
    return { file, explicit, inspected };
  }));
  const rows = inspectedFiles.map(({ file, explicit, inspected }): NewIngestionFile => {
    const twin = seen.get(file.sha256);
    seen.set(file.sha256, file.filename);
    const refusal = twin !== undefined
      ? `It has the same content as ${twin} in this upload; attach each file once.`
      : inspected.ok ? null : inspected.refusal.message;
    return {
      id: file.id, run_id: runId, dealer_id: dealerId,
      data_type: inspected.ok ? inspected.header.dataType : explicit ?? null,
      filename: file.filename, content_sha256: file.sha256, size_bytes: file.sizeBytes, storage_path: file.path,
      status: refusal ? 'refused' : 'validating', refusal, source: file.source ?? 'csv',
      // As far as the head tells; validation, reading every byte, settles it.
      encoding: refusal ? null : inspected.encoding,
      ...(inspected.ok ? { columns: JSON.stringify(inspected.header.columns), warnings: JSON.stringify(withEncodingNote(inspected.encoding, inspected.header.warnings)) } : {}),
    };
  });
  const refused = rows.filter((row) => row.refusal);
  const nothingReadable = refused.length === rows.length;
  const error = refused.map((row) => `${row.filename}: ${row.refusal}`).join(' ');

  await createIngestionRun(db, dealerId, { runId, actor: input.actor, workflowId: ingestWorkflowId(runId), files: rows, failedWith: nothingReadable ? error : null });

  // Nothing of a refused file is kept but its history entry.
  for (const row of refused) await rm(row.storage_path, { force: true });
  if (nothingReadable) {
    await rm(input.dir, { recursive: true, force: true });
    throw refuseUnprocessable('file_refused', error, {
      run_id: runId,
      files: refused.map((row) => ({ filename: row.filename, message: row.refusal })),
    });
  }

  try {
    await startIngest(deps.temporal, deps.config.TASK_QUEUE, runId);
  } catch (startError) {
    logger.error({ err: startError, runId }, 'could not start ingestion workflow');
    await failIngestionRun(db, dealerId, runId, 'Validation could not be started; upload the files again.');
    throw refuseUnavailable('ingestion_unavailable', 'Validation could not be started right now; please upload the files again in a minute.');
  }
  return (await findRun(db, dealerId, runId))!;
}

/** The run as the dealer sees it; not found when it is another dealer's or none at all. */
export async function ownRun(db: Db, dealerId: string, runId: string): Promise<IngestionRunView> {
  const run = await findRun(db, dealerId, runId);
  if (!run) throw refuseNotFound('Ingestion run');
  return run;
}

/** Starts the commit of a validated run: the workflow applies every valid row in one transaction. */
export async function commitIngestion(deps: IngestionDeps, input: { dealerId: string; runId: string; actor: IngestionActor }): Promise<IngestionRunView> {
  const { db } = deps;
  const { dealerId, runId } = input;
  if (!(await claimRunForCommit(db, dealerId, runId))) {
    const status = await runStatus(db, dealerId, runId);
    if (!status) throw refuseNotFound('Ingestion run');
    throw refuseConflict('not_committable', `This upload ${STATUS_EXPLAINED[status] ?? `is ${status}`}.`, { status });
  }
  try {
    await deps.temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'commit' });
  } catch (signalError) {
    logger.error({ err: signalError, runId }, 'could not signal ingestion workflow');
    await releaseRunCommit(db, dealerId, runId);
    throw refuseUnavailable('ingestion_unavailable', 'The commit could not be started right now; try again in a minute.');
  }
  await recordAudit(db, { dealerId, actorKind: input.actor.kind, actorId: input.actor.id, action: 'ingestion.commit_requested', entityType: 'ingestion_run', entityId: runId });
  return (await findRun(db, dealerId, runId))!;
}

/** Cancels a run not yet committed; cancelling a cancelled run again is no change and no error. */
export async function cancelIngestion(
  deps: IngestionDeps,
  input: { dealerId: string; runId: string; actor: IngestionActor; cancelledBy: string },
): Promise<IngestionRunView> {
  const { db } = deps;
  const { dealerId, runId } = input;
  if (!(await cancelRun(db, dealerId, runId, `Cancelled by ${input.cancelledBy}.`))) {
    const status = await runStatus(db, dealerId, runId);
    if (!status) throw refuseNotFound('Ingestion run');
    if (status !== 'cancelled') throw refuseConflict('not_cancellable', `This upload ${STATUS_EXPLAINED[status] ?? `is ${status}`}; it can no longer be cancelled.`, { status });
  } else {
    await deps.temporal.workflow.getHandle(ingestWorkflowId(runId)).signal(ingestDecisionSignal, { decision: 'cancel' })
      .catch((signalError: unknown) => logger.warn({ err: signalError, runId }, 'ingestion workflow not reachable for cancel; the run is cancelled in the database'));
    await recordAudit(db, { dealerId, actorKind: input.actor.kind, actorId: input.actor.id, action: 'ingestion.cancelled', entityType: 'ingestion_run', entityId: runId });
  }
  return (await findRun(db, dealerId, runId))!;
}
