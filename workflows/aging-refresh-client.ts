import { WorkflowIdConflictPolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { allDealerIds } from '../db/aging-refresh-starts';
import type { Db } from '../db/connection';
import { agingRefreshWorkflow } from './aging-refresh';
import { agingRefreshWorkflowId, refreshNowSignal } from './aging-refresh-definitions';
import { DealerId } from './search-attributes';

/**
 * Every dealer has one running `aging-refresh-<dealerId>` workflow. Starting is idempotent
 * (an existing run is reused), so the worker ensures them all at start-up and onboarding can
 * call `ensureAgingRefresh` for a new dealer without checking first. Client side only.
 */
const startOptions = (dealerId: string, taskQueue: string) => ({
  workflowId: agingRefreshWorkflowId(dealerId),
  taskQueue,
  args: [{ dealerId }] as Parameters<typeof agingRefreshWorkflow>,
  typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: dealerId }]),
});

export async function ensureAgingRefresh(temporal: Client, taskQueue: string, dealerId: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof agingRefreshWorkflow>> {
  return temporal.workflow.start(agingRefreshWorkflow, { ...startOptions(dealerId, taskQueue), workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
}

/** Recompute the dealer's statistics now (after a time zone or priority scale change). */
export async function requestAgingRefresh(temporal: Client, taskQueue: string, dealerId: string): Promise<void> {
  await temporal.workflow.signalWithStart(agingRefreshWorkflow, { ...startOptions(dealerId, taskQueue), signal: refreshNowSignal, signalArgs: [] });
}

/** Ensures the workflow of every dealer not in `ensured` (and adds it there); how many were started or found. */
export async function ensureAgingRefreshForAllDealers(db: Db, temporal: Client, taskQueue: string, ensured: Set<string> = new Set()): Promise<number> {
  let count = 0;
  for (const dealerId of await allDealerIds(db)) {
    if (ensured.has(dealerId)) continue;
    await ensureAgingRefresh(temporal, taskQueue, dealerId);
    ensured.add(dealerId);
    count += 1;
  }
  return count;
}
