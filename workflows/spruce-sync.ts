import { ActivityFailure, ApplicationFailure, condition, continueAsNew, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  spruceChangesSignal,
  spruceResyncSignal,
  spruceSyncProgressQuery,
  SYNC_NOT_APPLICABLE,
  type SpruceDeliveryRef,
  type SpruceSyncInput,
  type SpruceSyncProgress,
} from './spruce-sync-definitions';

/** Changes handed to one apply activity; bounds its transaction and its input. */
const MAX_CHANGES_PER_APPLY = 2_000;
/** Continue-as-new well before Temporal's limits so replays after a worker restart stay cheap. */
const HISTORY_EVENTS_LIMIT = 4_000;

// Reading the settings is one small query: local, so a continue-as-new costs no server round trip.
const boot = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '250 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * One long-running sync per Spruce dealer (`spruce-sync-<dealerId>`). Webhook deliveries
 * arrive as signals and are applied in sequence order; the cursor in `sync_state` is the
 * truth about what is applied. A gap (a delivery that starts beyond cursor + 1), a start or
 * restart, an idle period and a resync all read the change feed from the cursor instead.
 * Spruce being down only makes the catch-up activity retry (the sync shows as degraded); it
 * resumes by itself. Activities are idempotent: the cursor moves in the same transaction as
 * the rows, and rows never take an older version.
 */
export async function spruceSyncWorkflow(input: SpruceSyncInput): Promise<void> {
  const { dealerId } = input;
  const deliveries = new Map<string, SpruceDeliveryRef>();
  for (const delivery of input.carried?.deliveries ?? []) deliveries.set(delivery.deliveryId, delivery);
  const progress: SpruceSyncProgress = {
    dealerId,
    cursor: -1,
    pendingDeliveries: deliveries.size,
    phase: 'starting',
    resyncRequested: input.carried?.resyncRequested ?? false,
    changesApplied: 0,
  };

  // Counts arrivals, so the loop can tell "something new came" from "the same deliveries wait".
  let arrivals = 0;
  setHandler(spruceChangesSignal, (delivery) => {
    arrivals += 1;
    if (delivery.lastSeq > progress.cursor) deliveries.set(delivery.deliveryId, delivery);
    progress.pendingDeliveries = deliveries.size;
  });
  setHandler(spruceResyncSignal, () => {
    progress.resyncRequested = true;
  });
  setHandler(spruceSyncProgressQuery, () => ({ ...progress, pendingDeliveries: deliveries.size }));

  const settings = await boot.spruceSyncSettings({ dealerId });
  progress.cursor = settings.cursor;
  const sync = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '1 minute',
    // No attempt limit: an outage of any length is waited out, at most this far apart.
    retry: { initialInterval: '250 milliseconds', backoffCoefficient: 2, maximumInterval: settings.retryMaxIntervalMs },
  });

  // Applying a delivery is a short database transaction: as a local activity it runs in this
  // worker without a round trip through the server, which is most of the webhook-to-visible lag.
  const apply = proxyLocalActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '250 milliseconds', backoffCoefficient: 2, maximumInterval: settings.retryMaxIntervalMs },
  });

  const dropApplied = () => {
    for (const [id, delivery] of deliveries) if (delivery.lastSeq <= progress.cursor) deliveries.delete(id);
  };

  // A fresh start or restart reads the feed first; a continued run carries its deliveries, and
  // signals sent meanwhile reach the new run, so it has nothing to catch up on.
  let needCatchUp = input.carried === undefined;
  // The arrival count when the feed was last read because of a gap: one catch-up per gap.
  let gapCheckedAt = -1;
  let drainAgain = input.carried?.drainAgain === true;
  for (;;) {
    // Checked every turn, not only when idle: under a steady stream the loop may never idle.
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT)) {
      dropApplied();
      await continueAsNew<typeof spruceSyncWorkflow>({
        dealerId,
        carried: { deliveries: [...deliveries.values()], resyncRequested: progress.resyncRequested, drainAgain },
        historyEventsLimit: input.historyEventsLimit,
      });
    }
    if (progress.resyncRequested) {
      progress.resyncRequested = false;
      progress.phase = 'resyncing';
      deliveries.clear();
      progress.cursor = (await sync.resetSpruceCursor({ dealerId })).cursor;
      needCatchUp = true;
    }
    dropApplied();

    if (needCatchUp) {
      if (progress.phase !== 'resyncing') progress.phase = 'catching_up';
      let caught: Awaited<ReturnType<typeof sync.catchUpSpruceFeed>>;
      try {
        caught = await sync.catchUpSpruceFeed({ dealerId });
      } catch (error) {
        // The dealer switched to file uploads (or was removed): end rather than retry forever.
        if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === SYNC_NOT_APPLICABLE) return;
        throw error;
      }
      progress.changesApplied += caught.applied;
      progress.cursor = caught.cursor;
      needCatchUp = caught.hasMore;
      if (!needCatchUp) {
        progress.phase = 'idle';
        // Every change is in the feed before it is pushed: a delivery beyond the head is bogus.
        for (const [id, delivery] of deliveries) if (delivery.firstSeq > caught.headSeq) deliveries.delete(id);
      }
      continue;
    }

    const chain = nextChain([...deliveries.values()], progress.cursor);
    if (chain.refs.length > 0 || drainAgain) {
      progress.phase = 'applying';
      const applied = await apply.applySpruceDeliveries({ dealerId, deliveryIds: chain.refs.map((ref) => ref.deliveryId) });
      progress.changesApplied += applied.applied;
      progress.cursor = applied.cursor;
      // Deliveries stored while the drain held its lease sent no signal: go straight back for them.
      drainAgain = applied.more === true;
      // The database is behind what the deliveries cover: something between is missing.
      if (applied.cursor < chain.reaches) needCatchUp = true;
      progress.phase = 'idle';
      continue;
    }
    // Deliveries wait beyond cursor + 1: a change was never delivered; the feed has it.
    if (deliveries.size > 0 && gapCheckedAt !== arrivals) {
      gapCheckedAt = arrivals;
      needCatchUp = true;
      continue;
    }

    const seen = arrivals;
    const woken = await condition(() => arrivals !== seen || progress.resyncRequested, settings.pollIntervalMs);
    // Quiet for a whole interval: check the feed anyway, in case a webhook was lost.
    if (!woken) needCatchUp = true;
  }
}

/**
 * The deliveries that continue the cursor without a hole, oldest first, up to the apply
 * limit; `reaches` is the last sequence they cover.
 */
function nextChain(pending: SpruceDeliveryRef[], cursor: number): { refs: SpruceDeliveryRef[]; reaches: number } {
  const sorted = pending.filter((delivery) => delivery.lastSeq > cursor).sort((a, b) => a.firstSeq - b.firstSeq);
  const refs: SpruceDeliveryRef[] = [];
  let reaches = cursor;
  let changes = 0;
  for (const delivery of sorted) {
    if (delivery.firstSeq > reaches + 1) break;
    if (refs.length > 0 && changes + (delivery.lastSeq - delivery.firstSeq + 1) > MAX_CHANGES_PER_APPLY) break;
    refs.push(delivery);
    changes += delivery.lastSeq - Math.max(delivery.firstSeq, reaches + 1) + 1;
    reaches = Math.max(reaches, delivery.lastSeq);
  }
  return { refs, reaches };
}
