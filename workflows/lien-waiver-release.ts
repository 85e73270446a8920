import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { releaseFinalLienWaivers } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

const BATCH = 200;
/** Batches per run before continuing as new, so a long pass keeps a short history. */
const BATCHES_PER_RUN = 200;

export interface LienWaiverReleaseTotals {
  checked: number;
  released: number;
}

/**
 * One pass over settled payments that still hold conditional lien waivers, releasing the
 * unconditional ones of those whose money can no longer come back (activities/lien-waivers.ts).
 * Started by the `lien-waiver-release` schedule (workflows/lien-waiver-release-client.ts).
 */
export async function lienWaiverReleaseWorkflow(resume: { afterId?: string | null; totals?: LienWaiverReleaseTotals; dealerId?: string | null } = {}): Promise<LienWaiverReleaseTotals> {
  const totals: LienWaiverReleaseTotals = { checked: 0, released: 0, ...resume.totals };
  const dealerId = resume.dealerId ?? null;
  let afterId = resume.afterId ?? null;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const done = await releaseFinalLienWaivers({ afterId, limit: BATCH, dealerId });
    totals.checked += done.checked;
    totals.released += done.released;
    if (done.nextAfterId === null) return totals;
    afterId = done.nextAfterId;
  }
  return continueAsNew<typeof lienWaiverReleaseWorkflow>({ afterId, totals, dealerId });
}
