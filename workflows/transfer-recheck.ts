import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recheckSettledTransfers } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/** Payments read back per activity: small enough that a retried batch repeats little. */
export const RECHECK_BATCH = 100;
/** Batches per run before continuing as new, so a pass over many payments keeps a short history. */
const BATCHES_PER_RUN = 200;

export interface TransferRecheckTotals {
  checked: number;
  signalled: number;
  unread: number;
}

/**
 * One pass of the processor re-check over every settled payment whose money can still come
 * back (activities/transfer-recheck.ts), batch after batch in payment-id order. Started by the
 * `transfer-recheck` schedule (workflows/transfer-recheck-client.ts); a pass still running when
 * the next is due is not doubled.
 */
export async function transferRecheckWorkflow(resume: { afterId?: string | null; totals?: Partial<TransferRecheckTotals>; dealerId?: string | null } = {}): Promise<TransferRecheckTotals> {
  // Partial totals: a run continued from before `unread` was counted carries only the first two.
  const totals: TransferRecheckTotals = { checked: 0, signalled: 0, unread: 0, ...resume.totals };
  const dealerId = resume.dealerId ?? null;
  let afterId = resume.afterId ?? null;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const done = await recheckSettledTransfers({ afterId, limit: RECHECK_BATCH, dealerId });
    totals.checked += done.checked;
    totals.signalled += done.signalled;
    // An activity result recorded before `unread` existed has none.
    totals.unread += done.unread ?? 0;
    if (done.nextAfterId === null) return totals;
    afterId = done.nextAfterId;
  }
  return continueAsNew<typeof transferRecheckWorkflow>({ afterId, totals, dealerId });
}
