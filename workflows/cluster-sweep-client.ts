import type { Client } from '@temporalio/client';
import type { SweepScope } from '../activities/cluster-sweep';
import { clusterSweepWorkflow } from './cluster-sweep';
import { ensureSchedule } from './schedules';

export const CLUSTER_SWEEP_SCHEDULE_ID = 'cluster-sweep';

/**
 * The sweeps run once a minute for the whole cluster, not once per worker process; a worker
 * that starts also asks for a pass at once, so a payment orphaned by a crash or a dealer
 * onboarded meanwhile does not wait for the next minute. `scope` narrows every pass to one
 * dealer (tests, in a database shared with other tests).
 */
export async function ensureClusterSweepSchedule(
  temporal: Client,
  taskQueue: string,
  options: { scheduleId?: string; scope?: SweepScope } = {},
): Promise<'created' | 'existing'> {
  const scheduleId = options.scheduleId ?? CLUSTER_SWEEP_SCHEDULE_ID;
  const outcome = await ensureSchedule(temporal, {
    scheduleId,
    every: '1 minute',
    action: { type: 'startWorkflow', workflowType: clusterSweepWorkflow, workflowId: scheduleId, taskQueue, args: [options.scope ?? {}] },
  });
  await temporal.schedule.getHandle(scheduleId).trigger();
  return outcome;
}
