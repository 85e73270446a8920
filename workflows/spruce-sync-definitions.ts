import { defineQuery, defineSignal } from '@temporalio/workflow';
import { FailureType } from '../activities/errors';

/**
 * The Spruce sync workflow's contract, shared by the webhook route and the Integration API
 * (which signal it) and the workflow itself. Workflow-safe: no I/O.
 *
 * A webhook delivery's changes are stored in `webhook_events` by the route; the signal only
 * names the delivery and its sequence range, so the workflow history stays small however
 * large the deliveries are, and the activity reads the changes from the database.
 */
export const spruceSyncWorkflowId = (dealerId: string) => `spruce-sync-${dealerId}`;

export interface SpruceDeliveryRef {
  /** webhook_events.event_id of the stored delivery. */
  deliveryId: string;
  firstSeq: number;
  lastSeq: number;
}

export interface SpruceSyncInput {
  dealerId: string;
  /** Deliveries and a resync request carried across continue-as-new. */
  carried?: { deliveries: SpruceDeliveryRef[]; resyncRequested: boolean; drainAgain?: boolean };
  /** Continue-as-new past this many history events (default 4,000; tests use less). */
  historyEventsLimit?: number;
}

export interface SpruceSyncProgress {
  dealerId: string;
  /** Every change up to this sequence is applied (-1 before the state is loaded). */
  cursor: number;
  pendingDeliveries: number;
  phase: 'starting' | 'idle' | 'applying' | 'catching_up' | 'resyncing';
  resyncRequested: boolean;
  changesApplied: number;
}

/** Activity failure type that ends the sync (the dealer left the Spruce integration) instead of retrying. */
export const SYNC_NOT_APPLICABLE = FailureType.SpruceSyncNotApplicable;

export const spruceChangesSignal = defineSignal<[SpruceDeliveryRef]>('spruceChanges');
export const spruceResyncSignal = defineSignal<[{ requestedBy: string }]>('spruceResync');
export const spruceSyncProgressQuery = defineQuery<SpruceSyncProgress>('spruceSyncProgress');
