import type { ActivityDeps } from '.';
import { deleteEndedRateLimitWindows } from '../db/rate-limits';
import { deleteExpiredSessions } from '../db/sessions';

/** Longer than any sign-in rate-limit window is configured to last. */
const RATE_LIMIT_WINDOW_KEPT_MS = 24 * 60 * 60 * 1000;

/** Upkeep that must happen once per cluster, not once per process: run by the housekeeping schedule. */
export function createHousekeepingActivities({ db, logger }: Pick<ActivityDeps, 'db' | 'logger'>) {
  return {
    async sweepExpiredSessions(): Promise<number> {
      const deleted = await deleteExpiredSessions(db, new Date());
      if (deleted > 0) logger.info({ deleted }, 'expired sessions deleted');
      return deleted;
    },
    async sweepEndedRateLimitWindows(): Promise<number> {
      return deleteEndedRateLimitWindows(db, new Date(Date.now() - RATE_LIMIT_WINDOW_KEPT_MS));
    },
  };
}
