import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { recordRunEnded } from '../db/ingestion-runs';
import { CommitConflict } from '../domain/ingestion/refusal';
import { commitRun, removeStagedRows, type RunCommit } from './ingestion/commit-run';
import { validateRun, type RunValidation } from './ingestion/validate-run';

const HEARTBEAT_EVERY_MS = 5000;

/**
 * Heartbeats on a timer for as long as the step runs, not only between rows: a single
 * merge statement over a million rows must not look like a dead worker.
 */
async function withHeartbeats<T>(work: (report: (details: unknown) => void) => Promise<T>): Promise<T> {
  const context = Context.current();
  let details: unknown;
  const timer = setInterval(() => context.heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    context.heartbeat();
    return await work((next) => {
      details = next;
    });
  } finally {
    clearInterval(timer);
  }
}

/** Class 22 (data), 23 (constraints) and P0 (raised by a trigger): the same data fails again. */
function isDataRefusal(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|P0)/.test(code);
}

export function createIngestActivities({ db, logger }: ActivityDeps) {
  return {
    async validateIngestionRun(runId: string): Promise<RunValidation> {
      return withHeartbeats((report) => validateRun(db, runId, { onProgress: report }));
    },

    async commitIngestionRun(runId: string): Promise<RunCommit> {
      try {
        const result = await withHeartbeats((report) => commitRun(db, runId, { onProgress: report }));
        logger.info({ runId, files: result.files, touchedAccounts: result.touchedAccounts, alreadyCommitted: result.alreadyCommitted }, 'ingestion committed');
        return result;
      } catch (error) {
        if (error instanceof CommitConflict) throw ApplicationFailure.nonRetryable(error.message, FailureType.IngestionCommitConflict);
        if (isDataRefusal(error)) {
          // knex prefixes the SQL text; the operator needs only the database's own sentence.
          const reason = error.message.split(' - ').pop()?.trim() ?? error.message;
          throw ApplicationFailure.nonRetryable(`the database refused the data (${reason})`, FailureType.IngestionDatabaseRefused);
        }
        throw error;
      }
    },

    /** Records how a run ended unless it already succeeded, and drops its staged copies. */
    async closeIngestionRun(runId: string, outcome: 'succeeded' | 'failed' | 'cancelled', message: string | null): Promise<void> {
      if (outcome !== 'succeeded') await recordRunEnded(db, runId, outcome, message);
      await removeStagedRows(db, runId);
    },
  };
}
