import type { ActivityDeps } from '.';
import { deleteExpiredSessions } from '../db/sessions';

/** Upkeep that must happen once per cluster, not once per process: run by the housekeeping schedule. */
export function createHousekeepingActivities({ db, logger }: Pick<ActivityDeps, 'db' | 'logger'>) {
  return {
    async sweepExpiredSessions(): Promise<number> {
      const deleted = await deleteExpiredSessions(db, new Date());
      if (deleted > 0) logger.info({ deleted }, 'expired sessions deleted');
      return deleted;
    },
  };
}
