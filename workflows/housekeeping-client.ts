import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { housekeepingWorkflow } from './housekeeping';

export const HOUSEKEEPING_SCHEDULE_ID = 'housekeeping';

/**
 * Upkeep runs from one Temporal schedule for the whole cluster, however many workers there
 * are: every worker ensures the schedule at start, and the first one creates it. A pass still
 * running when the next is due is skipped, not doubled.
 */
export async function ensureHousekeepingSchedule(temporal: Client, taskQueue: string, every = '1 hour'): Promise<'created' | 'existing'> {
  try {
    await temporal.schedule.create({
      scheduleId: HOUSEKEEPING_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: housekeepingWorkflow, workflowId: 'housekeeping', taskQueue },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'existing';
    throw error;
  }
}
