import type { Client } from '@temporalio/client';
import { housekeepingWorkflow } from './housekeeping';
import { ensureSchedule } from './schedules';

export const HOUSEKEEPING_SCHEDULE_ID = 'housekeeping';

/** Upkeep (expired sessions, ended rate-limit windows) once an hour for the whole cluster. */
export async function ensureHousekeepingSchedule(temporal: Client, taskQueue: string, every = '1 hour'): Promise<'created' | 'existing'> {
  return ensureSchedule(temporal, { scheduleId: HOUSEKEEPING_SCHEDULE_ID, every, action: { type: 'startWorkflow', workflowType: housekeepingWorkflow, workflowId: 'housekeeping', taskQueue } });
}
