import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

/**
 * A cluster-wide duty as one Temporal schedule, however many workers there are: every worker
 * ensures it at start and the first creates it. A pass still running when the next is due is
 * skipped, not doubled. The interval is fixed when the schedule is created; changing it later
 * means updating the schedule (`temporal schedule update`).
 */
export async function ensureSchedule(
  temporal: Client,
  schedule: { scheduleId: string; every: Duration; action: ScheduleOptions['action'] },
): Promise<'created' | 'existing'> {
  try {
    await temporal.schedule.create({
      scheduleId: schedule.scheduleId,
      spec: { intervals: [{ every: schedule.every }] },
      action: schedule.action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'existing';
    throw error;
  }
}
