import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sweepExpiredSessions, sweepEndedRateLimitWindows } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

/** One pass of cluster-wide upkeep, started by the `housekeeping` schedule (workflows/housekeeping-client.ts). */
export async function housekeepingWorkflow(): Promise<{ expiredSessionsDeleted: number; rateLimitWindowsDeleted: number }> {
  return { expiredSessionsDeleted: await sweepExpiredSessions(), rateLimitWindowsDeleted: await sweepEndedRateLimitWindows() };
}
