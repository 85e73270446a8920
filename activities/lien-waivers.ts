import { heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { releaseCandidates, releaseUnconditionalWaivers } from '../db/lien-waivers';
import { moneyIsFinal } from '../domain/lien-waivers';

const DAY_MS = 24 * 60 * 60 * 1000;
/** No window is shorter than ACH's 60 calendar days; a day less covers any time zone. */
const SHORTEST_WINDOW_MS = 59 * DAY_MS;

export interface WaiverReleaseBatch {
  checked: number;
  released: number;
  nextAfterId: string | null;
}

/**
 * The unconditional waivers of payments whose money can no longer come back: run by the
 * `lien-waiver-release` schedule. Each payment's own lock decides, so a return booked in the
 * same moment either comes first (and voids the conditional) or finds the unconditional and
 * voids it.
 */
export function createLienWaiverActivities({ db, logger }: Pick<ActivityDeps, 'db' | 'logger'>) {
  return {
    async releaseFinalLienWaivers(input: { afterId: string | null; limit: number; dealerId?: string | null }): Promise<WaiverReleaseBatch> {
      const now = new Date();
      const candidates = await releaseCandidates(db, { afterId: input.afterId, limit: input.limit, dealerId: input.dealerId ?? null, settledBefore: new Date(now.getTime() - SHORTEST_WINDOW_MS) });
      let released = 0;
      for (const candidate of candidates) {
        heartbeat(candidate.id);
        if (!moneyIsFinal(candidate.method, new Date(candidate.settled_at), now, candidate.time_zone)) continue;
        released += await db.transaction((trx) => releaseUnconditionalWaivers(trx, candidate.id));
      }
      if (released > 0) logger.info({ released, checked: candidates.length }, 'unconditional lien waivers released');
      const last = candidates.at(-1);
      return { checked: candidates.length, released, nextAfterId: candidates.length === input.limit && last ? last.id : null };
    },
  };
}
