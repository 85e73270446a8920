import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createAccountStatsActivities } from '../activities/account-stats';
import { agingRefreshStateQuery, refreshNowSignal, type AgingRefreshInput, type AgingRefreshState } from './aging-refresh-definitions';

type AccountStatsActivities = ReturnType<typeof createAccountStatsActivities>;

const { planAgingRefresh } = proxyActivities<AccountStatsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// A 50,000-account dealer takes seconds; the heartbeat notices a dead worker long before the
// overall timeout, and the retry starts over (the recompute is idempotent).
const { refreshDealerAgingStats } = proxyActivities<AccountStatsActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * One per dealer (`aging-refresh-<dealerId>`): sleeps until the next dealer-local 00:05 (or a
 * `refreshNow` signal), recomputes every account's statistics, then continues as new so the
 * history stays one day long. A durable timer survives worker restarts; if the worker was
 * down at midnight the refresh runs as soon as it is back.
 */
export async function agingRefreshWorkflow(input: AgingRefreshInput): Promise<void> {
  let refreshRequested = input.refreshRequested ?? false;
  const state: AgingRefreshState = { dealerId: input.dealerId, nextRunAt: null, running: false, lastRun: input.lastRun ?? null };
  setHandler(refreshNowSignal, () => {
    refreshRequested = true;
  });
  setHandler(agingRefreshStateQuery, () => state);

  const plan = await planAgingRefresh(input.dealerId);
  if (!plan) return;
  state.nextRunAt = plan.runAt;
  const waitMs = Math.max(1, Date.parse(plan.runAt) - Date.now());
  await condition(() => refreshRequested, waitMs);
  refreshRequested = false;

  state.running = true;
  const outcome = await refreshDealerAgingStats(input.dealerId);
  state.running = false;
  state.lastRun = { finishedAt: new Date().toISOString(), asOf: outcome.asOf, accounts: outcome.accounts, medianBalanceCents: outcome.medianBalanceCents };

  await continueAsNew<typeof agingRefreshWorkflow>({ dealerId: input.dealerId, lastRun: state.lastRun, refreshRequested });
}
