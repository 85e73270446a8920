import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SweepScope } from '../activities/cluster-sweep';

const { startOrphanedPaymentWorkflows, ensureDealerWorkflows } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });

export interface ClusterSweepResult {
  orphanedPaymentsStarted: number;
  agingRefreshEnsured: number;
  remindersEnsured: number;
}

/** One pass of the cluster's sweeps, started by the `cluster-sweep` schedule (workflows/cluster-sweep-client.ts). */
export async function clusterSweepWorkflow(scope: SweepScope = {}): Promise<ClusterSweepResult> {
  const orphanedPaymentsStarted = await startOrphanedPaymentWorkflows(scope);
  const ensured = await ensureDealerWorkflows(scope);
  return { orphanedPaymentsStarted, agingRefreshEnsured: ensured.agingRefresh, remindersEnsured: ensured.reminders };
}
