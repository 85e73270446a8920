import { WorkflowIdConflictPolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { DealerId } from './search-attributes';
import { spruceSyncWorkflow } from './spruce-sync';
import {
  spruceChangesSignal,
  spruceResyncSignal,
  spruceSyncProgressQuery,
  spruceSyncWorkflowId,
  type SpruceDeliveryRef,
  type SpruceSyncInput,
  type SpruceSyncProgress,
} from './spruce-sync-definitions';

/**
 * How the API (and scripts) reach a dealer's `spruce-sync-<dealerId>` workflow: every call is
 * signal-with-start or a start that joins a running sync, so the first delivery, a resync or
 * an explicit start all find the one running sync or start it; none can start a second.
 * Client side only: workflow code never imports this file.
 */

type StartTuning = Pick<SpruceSyncInput, 'historyEventsLimit'>;

const startOptions = (dealerId: string, taskQueue: string, tuning: StartTuning = {}) => ({
  workflowId: spruceSyncWorkflowId(dealerId),
  taskQueue,
  args: [{ dealerId, ...tuning }] as [SpruceSyncInput],
  typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: dealerId }]),
});

export async function signalSpruceChanges(temporal: Client, taskQueue: string, dealerId: string, delivery: SpruceDeliveryRef): Promise<void> {
  await temporal.workflow.signalWithStart(spruceSyncWorkflow, { ...startOptions(dealerId, taskQueue), signal: spruceChangesSignal, signalArgs: [delivery] });
}

export async function requestSpruceResync(temporal: Client, taskQueue: string, dealerId: string, requestedBy: string): Promise<void> {
  await temporal.workflow.signalWithStart(spruceSyncWorkflow, { ...startOptions(dealerId, taskQueue), signal: spruceResyncSignal, signalArgs: [{ requestedBy }] });
}

/**
 * Starts the dealer's sync if it is not running (it then catches up from its cursor).
 * `tuning` applies only to a run this call starts (tests bound the history to see continue-as-new).
 */
export async function ensureSpruceSync(temporal: Client, taskQueue: string, dealerId: string, tuning?: StartTuning): Promise<WorkflowHandleWithFirstExecutionRunId<typeof spruceSyncWorkflow>> {
  return temporal.workflow.start(spruceSyncWorkflow, { ...startOptions(dealerId, taskQueue, tuning), workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
}

/** The live progress of the dealer's sync, or null when none is running. */
export async function spruceSyncProgress(temporal: Client, dealerId: string): Promise<SpruceSyncProgress | null> {
  try {
    return await temporal.workflow.getHandle(spruceSyncWorkflowId(dealerId)).query(spruceSyncProgressQuery);
  } catch {
    return null;
  }
}
