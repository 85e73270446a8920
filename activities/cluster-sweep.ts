import type { ActivityDeps } from '.';
import { ensureAgingRefresh, ensureAgingRefreshForAllDealers } from '../workflows/aging-refresh-client';
import { startOrphanedPayments } from '../workflows/payment-client';
import { startUnstartedScheduledPayments } from '../workflows/scheduled-payment-client';
import { startUnstartedAutopay } from '../workflows/autopay-client';
import { ensureReminders, ensureRemindersForAllDealers } from '../workflows/reminders-client';

/** A pass over every dealer, or over one (a test's, in a database shared with other tests). */
export interface SweepScope {
  dealerId?: string | null;
}

/**
 * The sweeps the `cluster-sweep` schedule runs once a minute for the whole cluster: start the
 * workflow of any payment whose API process died between committing it and starting it, and
 * make sure every dealer, including one onboarded a moment ago, has its long-running workflows
 * (aging refresh, payment reminders). Starting those is idempotent; the dealers a worker process
 * has already ensured are remembered so a pass asks Temporal only about new ones.
 */
export function createClusterSweepActivities({ db, temporal, taskQueue, config, logger }: ActivityDeps) {
  const agingEnsured = new Set<string>();
  const remindersEnsured = new Set<string>();
  return {
    async startOrphanedPaymentWorkflows(scope: SweepScope = {}): Promise<number> {
      const started = await startOrphanedPayments(db, temporal, config, { dealerId: scope.dealerId ?? undefined })
        + await startUnstartedScheduledPayments(db, temporal, config, { dealerId: scope.dealerId ?? undefined })
        + await startUnstartedAutopay(db, temporal, config, { dealerId: scope.dealerId ?? undefined });
      if (started > 0) logger.warn({ started }, 'started workflows of payments that had none');
      return started;
    },
    async ensureDealerWorkflows(scope: SweepScope = {}): Promise<{ agingRefresh: number; reminders: number }> {
      if (scope.dealerId) {
        await ensureAgingRefresh(temporal, taskQueue, scope.dealerId);
        await ensureReminders(temporal, taskQueue, scope.dealerId);
        return { agingRefresh: 1, reminders: 1 };
      }
      const agingRefresh = await ensureAgingRefreshForAllDealers(db, temporal, taskQueue, agingEnsured);
      const reminders = await ensureRemindersForAllDealers(db, temporal, taskQueue, remindersEnsured);
      if (agingRefresh + reminders > 0) logger.info({ agingRefresh, reminders }, 'dealer workflows ensured');
      return { agingRefresh, reminders };
    },
  };
}
