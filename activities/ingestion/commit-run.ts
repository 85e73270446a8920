import type { Knex } from 'knex';
import { refreshAccountStats } from '../../db/account-stats';
import { recordAudit } from '../../db/audit';
import { recordDomainEvent } from '../../db/domain-events';
import { beginMerge, mergeFile, mergeJobs, requireAccounts, requireStage, snapshotKeys, touchedAccounts } from '../../db/ingestion-merge';
import {
  committableFiles, ingestionFileIds, lockIngestionRun, recordFileApplied, recordRunSucceeded, type IngestionFileRow,
} from '../../db/ingestion-runs';
import { dropStaging } from '../../db/ingestion-staging';
import type { DataType } from '../../domain/ingestion/columns';
import { CommitConflict } from '../../domain/ingestion/refusal';
import { inApplyOrder } from './validate-run';

export interface FileCommit {
  fileId: string;
  filename: string;
  dataType: DataType;
  validRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface RunCommit {
  runId: string;
  files: FileCommit[];
  touchedAccounts: number;
  /** True when an earlier attempt had already committed (the activity was retried). */
  alreadyCommitted: boolean;
}

export interface CommitOptions {
  onProgress?: (progress: { fileId: string; step: string; rows?: number; bytes?: number }) => void;
  now?: Date;
}

function filesSummary(files: IngestionFileRow[]): FileCommit[] {
  return files.map((file) => ({
    fileId: file.id, filename: file.filename, dataType: file.data_type, validRows: file.valid_rows,
    inserted: file.inserted, updated: file.updated, unchanged: file.unchanged,
  }));
}

/**
 * Applies every valid row of a validated upload in one transaction: set-based merges from the
 * staging tables validation filled write the receivables tables in dependency order,
 * and the touched accounts' statistics are refreshed in the same transaction. Either all of
 * it commits, together with the run's `succeeded` status, or none of it does — so a retry
 * after a crash finds the run either untouched or already succeeded.
 */
export async function commitRun(db: Knex, runId: string, options: CommitOptions = {}): Promise<RunCommit> {
  const progress = options.onProgress ?? (() => undefined);
  const result = await db.transaction(async (trx) => {
    const run = await lockIngestionRun(trx, runId);
    if (!run) throw new CommitConflict(`Ingestion run ${runId} does not exist.`);
    const files = inApplyOrder(await committableFiles(trx, runId));
    if (run.status === 'succeeded') return { runId, files: filesSummary(files), touchedAccounts: 0, alreadyCommitted: true };
    if (run.status !== 'processing') throw new CommitConflict(`Ingestion run ${runId} is ${run.status}, not ready to commit.`);
    await beginMerge(trx, run.dealer_id);

    const stages = new Map<string, string>();
    for (const file of files) stages.set(file.id, await requireStage(trx, file));
    const jobStages = files.filter((f) => f.data_type === 'invoices' || f.data_type === 'adjustments').map((f) => stages.get(f.id)!);
    let jobsMerged = false;
    const committed: IngestionFileRow[] = [];
    let accountsKnown = false;
    for (const file of files) {
      const stage = stages.get(file.id)!;
      if (!accountsKnown && file.data_type !== 'accounts') {
        // Accounts are merged first (apply order); every later file joins against them.
        await snapshotKeys(trx, 'accounts', run.dealer_id);
        accountsKnown = true;
      }
      if (!jobsMerged && (file.data_type === 'invoices' || file.data_type === 'adjustments')) {
        // Jobs first need their accounts, so they are merged once accounts are in.
        progress({ fileId: file.id, step: 'jobs' });
        for (const jobStage of jobStages) await requireAccounts(trx, jobStage, files.find((f) => stages.get(f.id) === jobStage)!, run.dealer_id);
        await mergeJobs(trx, jobStages, run.dealer_id);
        await snapshotKeys(trx, 'jobs', run.dealer_id);
        jobsMerged = true;
      }
      progress({ fileId: file.id, step: 'merge' });
      const { inserted, updated } = await mergeFile(trx, stage, file, run.dealer_id);
      const unchanged = file.valid_rows - inserted - updated;
      await recordFileApplied(trx, file.id, { inserted, updated, unchanged });
      committed.push({ ...file, inserted, updated, unchanged });
    }

    const touched = await touchedAccounts(trx);
    progress({ fileId: '', step: 'statistics', rows: touched.length });
    await refreshAccountStats(trx, touched, options.now);
    await recordRunSucceeded(trx, runId);
    await recordAudit(trx, {
      dealerId: run.dealer_id, actorKind: 'system', action: 'ingestion.applied', entityType: 'ingestion_run', entityId: runId,
      data: { files: filesSummary(committed), touchedAccounts: touched.length },
    });
    await recordDomainEvent(trx, {
      dealerId: run.dealer_id, type: 'ingestion.completed', entityType: 'ingestion_run', entityId: runId,
      data: { id: runId, status: 'succeeded', files: filesSummary(committed), touched_accounts: touched.length },
    });
    return { runId, files: filesSummary(committed), touchedAccounts: touched.length, alreadyCommitted: false };
  });
  return result;
}

/** Staged rows are only needed until the run is decided. */
export async function removeStagedRows(db: Knex, runId: string): Promise<void> {
  await dropStaging(db, await ingestionFileIds(db, runId));
}
