import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { refreshAccountStats } from '../db/account-stats';
import { dealerSpruceConnection } from '../db/dealers';
import { applySpruceChanges, type ApplyResult } from '../db/spruce-apply';
import {
  auditTransition, clearResyncRequest, ensureSyncState, holdDrainLease, lockSyncState, pruneAppliedDeliveries, recordApplied, recordCaughtUp, recordSyncError,
  releaseDrainLease, resetCursor, type SyncStatus,
} from '../db/sync-state';
import { spruceDeliveriesContinuing, storedSpruceDeliveries } from '../db/webhook-events';
import { SpruceClient, SpruceError, spruceChange, spruceClientFor, type SpruceChange } from '../integrations/spruce';

/**
 * Side effects of the Spruce sync workflow. Each applier locks the dealer's sync_state row,
 * applies only the changes that continue its cursor, moves the cursor and refreshes the
 * touched accounts' statistics in one transaction: a retried or duplicated call finds the
 * cursor already moved and does nothing twice.
 */

/** Changes per change-feed request during a catch-up (the API's maximum). */
const FEED_PAGE = 1_000;
/** One catch-up call stops after this long so its progress shows in the workflow. */
const CATCH_UP_BUDGET_MS = 20_000;

const storedDelivery = z.object({ changes: z.array(spruceChange) });

/** How long one apply call keeps draining newly stored deliveries before handing back. */
const DRAIN_BUDGET_MS = 200;
const DRAIN_MAX_CHANGES = 5_000;
const DRAIN_LINGER_MS = 50;
const DRAIN_POLL_MS = 20;
/** A delivery carries at most this many changes (the contract says 200; generous here). */
const MAX_DELIVERY_SPAN = 1_000;

export function createSpruceSyncActivities({ db, logger, config }: ActivityDeps) {
  const log = logger.child({ area: 'spruce-sync' });

  const clientFor = async (dealerId: string): Promise<SpruceClient> => {
    const dealer = await dealerSpruceConnection(db, dealerId);
    // The dealer left the Spruce integration (or is gone): the sync has nothing left to do.
    if (!dealer || dealer.integration_mode !== 'spruce') throw ApplicationFailure.nonRetryable(`dealer ${dealerId} is not on the Spruce integration`, FailureType.SpruceSyncNotApplicable);
    if (!dealer.spruce_base_url || !dealer.spruce_tenant_id) {
      // Retryable on purpose: once an operator completes the connection the sync starts by itself.
      throw new SyncProblem('This dealer has no complete Spruce connection (base URL, tenant and API key).');
    }
    return spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, config.DATA_ENCRYPTION_KEY, { timeoutMs: 15_000 });
  };

  /** Applies the changes that continue the locked cursor; returns how far it got. */
  const applyContinuing = async (trx: Knex.Transaction, dealerId: string, changes: SpruceChange[], headSeq?: number) => {
    const state = await lockSyncState(trx, dealerId);
    const next = continuingRun(changes, state.cursor);
    const replay = state.resync_requested_at !== null;
    if (next.length === 0) return { cursor: state.cursor, applied: 0, status: state.status, replay };
    const { result, skipped, error } = await applyTolerating(trx, dealerId, next, replay);
    await refreshAccountStats(trx, result.touchedAccountIds);
    const cursor = next.at(-1)!.seq;
    const reachedHead = headSeq === undefined || cursor >= headSeq;
    const status: SyncStatus = replay && !reachedHead ? 'resyncing' : reachedHead ? 'live' : 'catching_up';
    if (replay && reachedHead) await clearResyncRequest(trx, dealerId);
    await recordApplied(trx, dealerId, { cursor, applied: next.length, skipped, lastEventAt: result.lastOccurredAt, status, headSeq, error });
    await auditTransition(trx, dealerId, { from: state.status, to: status, resyncFinished: replay && reachedHead, cursor });
    if (result.unresolved.length > 0) {
      log.warn({ dealerId, unresolved: result.unresolved.slice(0, 20), count: result.unresolved.length }, 'spruce changes refer to objects we do not have');
    }
    return { cursor, applied: next.length, status, replay };
  };

  /**
   * The batch as one set of statements; if the database refuses it (a row breaking a
   * constraint), change by change in savepoints, skipping and reporting the bad ones, so one
   * bad row never blocks the sync.
   */
  const applyTolerating = async (trx: Knex.Transaction, dealerId: string, changes: SpruceChange[], replay: boolean) => {
    try {
      const result = await trx.transaction((savepoint) => applySpruceChanges(savepoint, dealerId, changes, { replay }));
      return { result, skipped: 0, error: null };
    } catch (error) {
      if (!isDataError(error)) throw error;
    }
    const merged: ApplyResult = { touchedAccountIds: [], written: 0, unresolved: [], lastOccurredAt: null };
    let skipped = 0;
    let lastError: string | null = null;
    for (const change of changes) {
      try {
        const one = await trx.transaction((savepoint) => applySpruceChanges(savepoint, dealerId, [change], { replay }));
        merged.touchedAccountIds.push(...one.touchedAccountIds);
        merged.written += one.written;
        merged.unresolved.push(...one.unresolved);
        if (one.lastOccurredAt && (!merged.lastOccurredAt || one.lastOccurredAt > merged.lastOccurredAt)) merged.lastOccurredAt = one.lastOccurredAt;
      } catch (error) {
        if (!isDataError(error)) throw error;
        skipped += 1;
        lastError = `Skipped Spruce change ${change.seq} (${change.object} ${change.id}): ${(error as Error).message}`;
        log.error({ dealerId, seq: change.seq, object: change.object, id: change.id, err: error }, 'spruce change refused by the database; skipped');
      }
    }
    return { result: merged, skipped, error: lastError };
  };

  const failed = async (dealerId: string, error: unknown): Promise<never> => {
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncError(db, dealerId, message).catch((dbError) => log.error({ err: dbError }, 'could not record the sync error'));
    log.warn({ dealerId, err: error }, 'spruce sync attempt failed; retrying');
    if (error instanceof ApplicationFailure) throw error;
    // Every Spruce failure is worth retrying here: an outage ends, a fixed API key works.
    throw ApplicationFailure.create({ type: error instanceof SpruceError ? error.name : FailureType.SpruceSyncError, message, nonRetryable: false });
  };

  return {
    async spruceSyncSettings({ dealerId }: { dealerId: string }): Promise<{ cursor: number; pollIntervalMs: number; retryMaxIntervalMs: number }> {
      const state = await ensureSyncState(db, dealerId);
      return { cursor: state.cursor, pollIntervalMs: config.SPRUCE_SYNC_POLL_MS, retryMaxIntervalMs: Math.max(1_000, config.SPRUCE_SYNC_RETRY_MAX_MS) };
    },

    /**
     * Applies the stored deliveries the workflow names, then any other stored delivery that
     * continues the cursor (its signal may still be on its way): under a steady stream each
     * call drains what has arrived instead of waiting a workflow turn per delivery.
     */
    async applySpruceDeliveries({ dealerId, deliveryIds }: { dealerId: string; deliveryIds: string[] }): Promise<{ cursor: number; applied: number; more?: boolean }> {
      const started = Date.now();
      let applied = 0;
      try {
        // Taken once: the lease (2 s) outlasts the drain budget. Should an apply run past it,
        // webhooks simply signal again, which costs a workflow turn and loses nothing.
        await holdDrainLease(db, dealerId);
        let rows = await storedSpruceDeliveries(db, deliveryIds);
        for (;;) {
          const changes = rows.flatMap((row) => storedDelivery.parse(row.payload).changes);
          const outcome = await db.transaction((trx) => applyContinuing(trx, dealerId, changes));
          applied += outcome.applied;
          log.debug({ dealerId, deliveries: rows.length, applied: outcome.applied, cursor: outcome.cursor, ms: Date.now() - started, oldestChangeAgeMs: changes[0] ? Date.now() - Date.parse(changes[0].occurred_at) : null }, 'spruce deliveries applied');
          const continuing = () => spruceDeliveriesContinuing(db, dealerId, outcome.cursor, { behind: MAX_DELIVERY_SPAN, ahead: DRAIN_MAX_CHANGES });
          // Handing back: the lease goes first, then one last look. A delivery stored before
          // the release saw the lease and sent no signal, so the workflow must come straight
          // back for it (`more`); one stored after the release signals by itself.
          const handBack = async () => {
            await releaseDrainLease(db, dealerId);
            const more = (await continuing()).length > 0;
            return { cursor: outcome.cursor, applied, ...(more ? { more } : {}) };
          };
          // A resync reads Spruce's feed only; stored deliveries wait until it is over.
          if (outcome.replay || Date.now() - started > DRAIN_BUDGET_MS || applied >= DRAIN_MAX_CHANGES) return await handBack();
          rows = await continuing();
          // In a stream the next delivery is usually a few milliseconds away: wait for it here
          // briefly rather than hand back and pay a workflow turn for it.
          const lingerUntil = Math.min(Date.now() + DRAIN_LINGER_MS, started + DRAIN_BUDGET_MS);
          while (rows.length === 0 && Date.now() < lingerUntil) {
            await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
            rows = await continuing();
          }
          if (rows.length === 0) return await handBack();
        }
      } catch (error) {
        await releaseDrainLease(db, dealerId).catch(() => undefined);
        return failed(dealerId, error);
      }
    },

    /** Reads the change feed from the cursor, page by page, until the head or the time budget. */
    async catchUpSpruceFeed({ dealerId }: { dealerId: string }): Promise<{ cursor: number; applied: number; hasMore: boolean; headSeq: number }> {
      const started = Date.now();
      let applied = 0;
      try {
        const client = await clientFor(dealerId);
        for (;;) {
          const { cursor } = await ensureSyncState(db, dealerId);
          const page = await client.changes(cursor, FEED_PAGE);
          if (page.changes.length === 0) {
            await recordCaughtUp(db, dealerId, page.head_seq);
            await pruneAppliedDeliveries(db, dealerId, cursor);
            return { cursor, applied, hasMore: false, headSeq: page.head_seq };
          }
          const outcome = await db.transaction((trx) => applyContinuing(trx, dealerId, page.changes, page.head_seq));
          applied += outcome.applied;
          heartbeat({ cursor: outcome.cursor, applied });
          if (outcome.cursor >= page.head_seq) return { cursor: outcome.cursor, applied, hasMore: false, headSeq: page.head_seq };
          if (outcome.applied === 0 && outcome.cursor === cursor) {
            // The feed did not continue our cursor (it should): report and retry rather than spin.
            throw new SyncProblem(`The change feed after ${cursor} did not start at ${cursor + 1}.`);
          }
          if (Date.now() - started > CATCH_UP_BUDGET_MS) return { cursor: outcome.cursor, applied, hasMore: true, headSeq: page.head_seq };
        }
      } catch (error) {
        return failed(dealerId, error);
      }
    },

    async resetSpruceCursor({ dealerId }: { dealerId: string }): Promise<{ cursor: number }> {
      await resetCursor(db, dealerId);
      log.info({ dealerId }, 'spruce resync: cursor reset to 0');
      return { cursor: 0 };
    },
  };
}

/** Changes that follow `cursor` without a hole, in order; older and duplicate ones dropped. */
export function continuingRun(changes: SpruceChange[], cursor: number): SpruceChange[] {
  const bySeq = new Map<number, SpruceChange>();
  for (const change of changes) if (change.seq > cursor) bySeq.set(change.seq, change);
  const run: SpruceChange[] = [];
  for (let seq = cursor + 1; bySeq.has(seq); seq += 1) run.push(bySeq.get(seq)!);
  return run;
}

class SyncProblem extends Error {}

/** PostgreSQL classes 22 (data exception) and 23 (integrity constraint violation). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called outside an activity (a script reusing the function): nothing to report to.
  }
}
