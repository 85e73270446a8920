import { WorkflowIdConflictPolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { allDealerIds } from '../db/aging-refresh-starts';
import type { Db } from '../db/connection';
import { remindersWorkflow } from './reminders';
import { remindersWorkflowId, runRemindersNowSignal } from './reminders-definitions';
import { DealerId } from './search-attributes';

/**
 * Every dealer has one running `reminders-<dealerId>` workflow (docs/reminders.md). Starting
 * is idempotent (an existing run is reused), so every worker ensures them at its sweeps and a
 * new dealer gets one at the next. Client side only.
 */
const startOptions = (dealerId: string, taskQueue: string) => ({
  workflowId: remindersWorkflowId(dealerId),
  taskQueue,
  args: [{ dealerId }] as Parameters<typeof remindersWorkflow>,
  typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: dealerId }]),
});

export async function ensureReminders(temporal: Client, taskQueue: string, dealerId: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof remindersWorkflow>> {
  return temporal.workflow.start(remindersWorkflow, { ...startOptions(dealerId, taskQueue), workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
}

/** Run today's reminders now rather than at the next 08:00 (contacts already reminded today get nothing new). */
export async function requestRemindersRun(temporal: Client, taskQueue: string, dealerId: string): Promise<void> {
  await temporal.workflow.signalWithStart(remindersWorkflow, { ...startOptions(dealerId, taskQueue), signal: runRemindersNowSignal, signalArgs: [] });
}

/** Ensures the workflow of every dealer not in `ensured` (and adds it there); how many were started or found. */
export async function ensureRemindersForAllDealers(db: Db, temporal: Client, taskQueue: string, ensured: Set<string> = new Set()): Promise<number> {
  let count = 0;
  for (const dealerId of await allDealerIds(db)) {
    if (ensured.has(dealerId)) continue;
    await ensureReminders(temporal, taskQueue, dealerId);
    ensured.add(dealerId);
    count += 1;
  }
  return count;
}
