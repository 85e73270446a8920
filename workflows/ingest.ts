import { ActivityFailure, ApplicationFailure, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { INGEST_NON_RETRYABLE } from '../activities/errors';
import {
  DEFAULT_DECISION_TIMEOUT_MS, type IngestDecision, ingestDecisionSignal, type IngestOutcome, type IngestPhase,
  ingestPhaseQuery, type IngestWorkflowInput,
} from './ingest-definitions';

// Long files take minutes; heartbeats (sent every few seconds by the activities) notice a
// dead worker within a minute, and the retry starts the step again from a clean state.
const longSteps = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: [...INGEST_NON_RETRYABLE] },
});
const shortSteps = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } });

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return String(cause);
}

/**
 * One CSV upload, `ingest-<runId>`: validate every file, wait for the operator to commit or
 * cancel, then apply the valid rows in one transaction. The database holds the run's status
 * for the console; this workflow holds its progress.
 */
export async function ingestWorkflow(input: IngestWorkflowInput): Promise<IngestOutcome> {
  const { runId } = input;
  let phase: IngestPhase = 'validating';
  let decision: IngestDecision | undefined;
  setHandler(ingestDecisionSignal, ({ decision: requested }) => {
    decision ??= requested;
  });
  setHandler(ingestPhaseQuery, () => phase);

  const finish = async (outcome: IngestOutcome['phase'], message?: string): Promise<IngestOutcome> => {
    phase = outcome;
    if (outcome !== 'succeeded') await shortSteps.closeIngestionRun(runId, outcome, message ?? null);
    return { runId, phase: outcome, ...(message ? { message } : {}) };
  };

  try {
    const validation = await longSteps.validateIngestionRun(runId);
    if (validation.status === 'cancelled') return await finish('cancelled', 'Cancelled by an operator.');
    if (validation.status === 'failed') return { runId, phase: (phase = 'failed'), message: 'No file of the upload could be read.' };
  } catch (error) {
    log.warn('ingestion validation failed', { runId, error: failureMessage(error) });
    return await finish('failed', `Validation could not finish: ${failureMessage(error)}`);
  }

  phase = 'awaiting_decision';
  const decided = await condition(() => decision !== undefined, input.decisionTimeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS);
  if (!decided) return await finish('cancelled', 'Nobody committed the upload in time; it was cancelled.');
  if (decision === 'cancel') return await finish('cancelled', 'Cancelled by an operator.');

  phase = 'committing';
  try {
    await longSteps.commitIngestionRun(runId);
  } catch (error) {
    return await finish('failed', `Nothing was applied: ${failureMessage(error)}`);
  }
  await shortSteps.closeIngestionRun(runId, 'succeeded', null);
  phase = 'succeeded';
  return { runId, phase };
}
