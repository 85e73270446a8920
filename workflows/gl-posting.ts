import {
  ActivityFailure, ApplicationFailure, CancellationScope, ContinueAsNew, continueAsNew, patched, proxyActivities, setHandler, sleep, TimeoutFailure, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType, GL_POSTING_NON_RETRYABLE, SETTLEMENT_NON_RETRYABLE } from '../activities/errors';
import type { LineSlice, SettlementCategory } from '../domain/settlement';
import {
  glPostingProgressQuery, POSTING_ORDER, SETTLEMENT_NOTIFIES_POSTED_PAYMENTS_PATCH, type CategoryProgress, type GlPostingInput, type GlPostingProgress,
} from './settlement-definitions';

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: [...SETTLEMENT_NON_RETRYABLE] },
});

// A batch that stops heartbeating (its worker died) is retried elsewhere within seconds.
const posting = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: [...GL_POSTING_NON_RETRYABLE] },
});

const FIRST_RETRY_DELAY_MS = 1_000;

/**
 * The auto-post wizard (`gl-posting-<settlementId>`): invoices (with statement discounts),
 * then credit adjustments, then debit adjustments, in batches of lines (several lanes of
 * batches at once within a category; reversals last). When Spruce is down
 * the batch fails retryably and this loop waits and tries again, for as long as it takes —
 * that is the queue. Lines Spruce refuses are recorded with the reason and skipped; the rest
 * carry on. Progress is served by the `progress` query and persisted by the activities.
 */
export async function glPostingWorkflow(input: GlPostingInput): Promise<GlPostingProgress> {
  const progress: GlPostingProgress = {
    settlementId: input.settlementId,
    step: 'starting',
    categories: [],
    waitingForSpruce: false,
    lastError: null,
    attempts: 0,
  };
  setHandler(glPostingProgressQuery, () => progress);

  /** Posts one slice of a category until it is empty, waiting out Spruce outages. */
  const drain = async (category: SettlementCategory, counts: CategoryProgress, slice: LineSlice) => {
    let delay = FIRST_RETRY_DELAY_MS;
    for (;;) {
      try {
        const result = await posting.postGlBatch({ settlementId: input.settlementId, category, batchSize: input.batchSize, slice });
        Object.assign(counts, result.counts);
        progress.waitingForSpruce = false;
        progress.lastError = null;
        if (result.remaining === 0) return;
        delay = FIRST_RETRY_DELAY_MS;
      } catch (error) {
        if (!retryLater(error)) throw error;
        progress.attempts += 1;
        progress.waitingForSpruce = failureType(error) === FailureType.SpruceUnavailable;
        progress.lastError = describe(error);
        if (!progress.waitingForSpruce) {
          await bookkeeping.recordGlPostingState({ settlementId: input.settlementId, currentCategory: category, lastError: progress.lastError });
        }
        await sleep(delay);
        delay = Math.min(delay * 2, input.maxRetryDelayMs);
        // A long outage must not grow the history without bound: start afresh (the
        // database holds every line's state, so nothing is lost or repeated).
        if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof glPostingWorkflow>(input);
      }
    }
  };

  try {
    progress.categories = await bookkeeping.beginGlPosting({ settlementId: input.settlementId, startedBy: input.startedBy });
    for (const category of POSTING_ORDER) {
      const counts = progress.categories.find((row) => row.category === category)!;
      if (counts.total === 0) continue;
      progress.step = category;
      const lanes = Number.isInteger(input.lanes) && input.lanes > 0 ? input.lanes : 1;
      await Promise.all(Array.from({ length: lanes }, (_, lane) => drain(category, counts, { kind: 'ordinary', lane, lanes })));
      // A lane stops once its share is empty; a line that became pending again afterwards (a
      // post whose answer was lost and put back by an operator or a restore) would otherwise
      // stay unposted in a category reported complete. One pass over the whole category costs a
      // query when nothing is left.
      if (lanes > 1 && patched('gl-category-sweep')) await drain(category, counts, { kind: 'ordinary', lane: 0, lanes: 1 });
      await drain(category, counts, { kind: 'reversal', lane: 0, lanes: 1 });
      Object.assign(counts, await bookkeeping.completeGlCategory({ settlementId: input.settlementId, category, postedBy: input.startedBy }));
    }
    progress.step = 'finishing';
    // finishGlPosting tells the settlement workflow, the one sender of "payments posted".
    // Runs started before that still send it from here (repeats are harmless to a payment).
    await bookkeeping.finishGlPosting({ settlementId: input.settlementId, outcome: 'completed' });
    if (!patched(SETTLEMENT_NOTIFIES_POSTED_PAYMENTS_PATCH)) await bookkeeping.notifyPaymentsPosted({ settlementId: input.settlementId });
    progress.step = 'done';
    return progress;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    progress.lastError = describe(error);
    // Recorded even when the run was cancelled, so no category stays "posting".
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishGlPosting({ settlementId: input.settlementId, outcome: 'failed', lastError: progress.lastError }));
    throw error;
  }
}

/** Anything but a refusal that retrying cannot fix (bad credentials, missing settlement). */
function retryLater(error: unknown): boolean {
  if (!(error instanceof ActivityFailure)) return false;
  if (error.cause instanceof TimeoutFailure) return true;
  return !(error.cause instanceof ApplicationFailure && error.cause.nonRetryable);
}

function failureType(error: unknown): string | undefined {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause.type ?? undefined : undefined;
}

function describe(error: unknown): string {
  if (error instanceof ActivityFailure) {
    if (error.cause instanceof TimeoutFailure) return 'A posting batch timed out (its worker may have stopped); retrying.';
    return error.cause?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
