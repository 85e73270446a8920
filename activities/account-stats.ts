import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { refreshDealerAccountStats } from '../db/account-stats';
import { findDealerTimeZone } from '../db/dealers';
import { agingDate, nextAgingRefreshAt } from '../domain/aging';

export interface AgingRefreshPlan {
  /** ISO instant of the next dealer-local 00:05. */
  runAt: string;
  timeZone: string;
}

export interface AgingRefreshOutcome {
  accounts: number;
  medianBalanceCents: number | null;
  /** The dealer-local date the statistics are now as of. */
  asOf: string;
}

/** The nightly per-dealer recompute behind the aging-refresh workflow. */
export function createAccountStatsActivities({ db, logger }: ActivityDeps) {
  return {
    /** Null when the dealer no longer exists, which ends its aging-refresh workflow. */
    async planAgingRefresh(dealerId: string): Promise<AgingRefreshPlan | null> {
      const timeZone = await findDealerTimeZone(db, dealerId);
      if (timeZone === undefined) return null;
      return { runAt: nextAgingRefreshAt(new Date(), timeZone).toISOString(), timeZone };
    },

    async refreshDealerAgingStats(dealerId: string): Promise<AgingRefreshOutcome> {
      const now = new Date();
      const timeZone = await findDealerTimeZone(db, dealerId);
      if (timeZone === undefined) return { accounts: 0, medianBalanceCents: null, asOf: agingDate(now, 'UTC') };
      const started = Date.now();
      const result = await refreshDealerAccountStats(db, dealerId, now, {
        onChunk: (accountsDone) => Context.current().heartbeat({ accountsDone }),
      });
      logger.info({ dealerId, accounts: result.accounts, ms: Date.now() - started }, 'aging refresh done');
      return { ...result, asOf: agingDate(now, timeZone) };
    },
  };
}
