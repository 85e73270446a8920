import type { Client } from '@temporalio/client';
import { lienWaiverReleaseWorkflow, type LienWaiverReleaseTotals } from './lien-waiver-release';
import { ensureSchedule } from './schedules';

export const LIEN_WAIVER_RELEASE_SCHEDULE_ID = 'lien-waiver-release';

/**
 * The release of unconditional lien waivers, from one schedule for the whole cluster. Hourly:
 * a window closes at a dealer's midnight, and a customer waiting on the waiver to draw funds
 * should not wait much past it.
 */
export async function ensureLienWaiverReleaseSchedule(temporal: Client, taskQueue: string, every = '1 hour'): Promise<'created' | 'existing'> {
  return ensureSchedule(temporal, { scheduleId: LIEN_WAIVER_RELEASE_SCHEDULE_ID, every, action: { type: 'startWorkflow', workflowType: lienWaiverReleaseWorkflow, workflowId: 'lien-waiver-release', taskQueue, args: [] } });
}

/** One pass now, outside the schedule (tests, and operations after a long worker outage), for every dealer or one. */
export async function releaseLienWaiversNow(temporal: Client, taskQueue: string, runId: string, scope: { dealerId?: string } = {}): Promise<LienWaiverReleaseTotals> {
  return temporal.workflow.execute(lienWaiverReleaseWorkflow, { workflowId: `lien-waiver-release-now-${runId}`, taskQueue, args: [{ dealerId: scope.dealerId ?? null }] });
}
