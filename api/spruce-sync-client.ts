import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { DealerId } from '../workflows/search-attributes';
import {
  spruceChangesSignal,
  spruceResyncSignal,
  spruceSyncProgressQuery,
  spruceSyncWorkflowId,
  type SpruceDeliveryRef,
  type SpruceSyncProgress,
} from '../workflows/spruce-sync-definitions';

/**
 * How the API (and scripts) reach a dealer's `spruce-sync-<dealerId>` workflow: every call is
 * signal-with-start, so the first delivery, a resync or an explicit start all find the one
 * running sync or start it; none can start a second.
 */

const startOptions = (dealerId: string, taskQueue: string) => ({
  workflowId: spruceSyncWorkflowId(dealerId),
  taskQueue,
  args: [{ dealerId }] as [{ dealerId: string }],
  typedSearchAttributes: new TypedSearchAttributes([{ key: DealerId, value: dealerId }]),
});

export async function signalSpruceChanges(temporal: Client, taskQueue: string, dealerId: string, delivery: SpruceDeliveryRef): Promise<void> {
  await temporal.workflow.signalWithStart('spruceSyncWorkflow', { ...startOptions(dealerId, taskQueue), signal: spruceChangesSignal, signalArgs: [delivery] });
}

export async function requestSpruceResync(temporal: Client, taskQueue: string, dealerId: string, requestedBy: string): Promise<void> {
  await temporal.workflow.signalWithStart('spruceSyncWorkflow', { ...startOptions(dealerId, taskQueue), signal: spruceResyncSignal, signalArgs: [{ requestedBy }] });
}

/** Starts the dealer's sync if it is not running (it then catches up from its cursor). */
export async function ensureSpruceSync(temporal: Client, taskQueue: string, dealerId: string): Promise<void> {
  await temporal.workflow.start('spruceSyncWorkflow', { ...startOptions(dealerId, taskQueue), workflowIdConflictPolicy: 'USE_EXISTING' });
}

/** The live progress of the dealer's sync, or null when none is running. */
export async function spruceSyncProgress(temporal: Client, dealerId: string): Promise<SpruceSyncProgress | null> {
  try {
    return await temporal.workflow.getHandle(spruceSyncWorkflowId(dealerId)).query(spruceSyncProgressQuery);
  } catch {
    return null;
  }
}
