import type { Knex } from 'knex';
import { recordAudit } from './audit';
import { recordDomainEvent } from './domain-events';

/**
 * The Spruce sync's persisted state per dealer (`sync_state`): the change-feed cursor (every
 * change up to it is applied), status, lag and the last error. The cursor only moves inside
 * the transaction that applied the changes, so the database never claims more than it holds.
 */

type Trx = Knex | Knex.Transaction;

export type SyncStatus = 'starting' | 'catching_up' | 'live' | 'degraded' | 'resyncing';

export interface SyncStateRow {
  dealer_id: string;
  cursor: number;
  status: SyncStatus;
  last_event_at: Date | null;
  last_synced_at: Date | null;
  lag_ms: number | null;
  events_applied: number;
  last_error: string | null;
  last_error_at: Date | null;
  head_seq: number | null;
  rows_skipped: number;
  resync_requested_at: Date | null;
  updated_at: Date;
}

export async function ensureSyncState(db: Trx, dealerId: string): Promise<SyncStateRow> {
  await db('sync_state').insert({ dealer_id: dealerId }).onConflict('dealer_id').ignore();
  return (await db('sync_state').where({ dealer_id: dealerId }).first()) as SyncStateRow;
}

/** Locks the dealer's row so two appliers (webhook batch, catch-up page) never interleave. */
export async function lockSyncState(trx: Knex.Transaction, dealerId: string): Promise<SyncStateRow> {
  await trx('sync_state').insert({ dealer_id: dealerId }).onConflict('dealer_id').ignore();
  return (await trx('sync_state').where({ dealer_id: dealerId }).forUpdate().first()) as SyncStateRow;
}

export async function readSyncState(db: Trx, dealerId: string): Promise<SyncStateRow | undefined> {
  return db('sync_state').where({ dealer_id: dealerId }).first();
}

export async function recordApplied(
  trx: Knex.Transaction,
  dealerId: string,
  progress: { cursor: number; applied: number; skipped: number; lastEventAt: string | null; status: SyncStatus; headSeq?: number; error?: string | null },
): Promise<void> {
  const now = new Date();
  await trx('sync_state')
    .where({ dealer_id: dealerId })
    .update({
      cursor: progress.cursor,
      status: progress.status,
      events_applied: trx.raw('events_applied + ?', [progress.applied]),
      rows_skipped: trx.raw('rows_skipped + ?', [progress.skipped]),
      last_synced_at: now,
      ...(progress.lastEventAt ? { last_event_at: progress.lastEventAt, lag_ms: Math.max(0, now.getTime() - Date.parse(progress.lastEventAt)) } : {}),
      ...(progress.headSeq === undefined ? {} : { head_seq: progress.headSeq }),
      ...(progress.error ? { last_error: progress.error, last_error_at: now } : {}),
      updated_at: now,
    });
}

/** A replay reached the feed's head: the resync is over, inside the transaction that applied its last changes. */
export async function clearResyncRequest(trx: Knex.Transaction, dealerId: string): Promise<void> {
  await trx('sync_state').where({ dealer_id: dealerId }).update({ resync_requested_at: null });
}

/** The feed has nothing newer: the sync is live and has no lag. */
export async function recordCaughtUp(db: Knex, dealerId: string, headSeq: number): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await trx('sync_state').where({ dealer_id: dealerId }).forUpdate().first('status', 'resync_requested_at', 'cursor');
    await trx('sync_state')
      .where({ dealer_id: dealerId })
      .update({ status: 'live', head_seq: headSeq, lag_ms: 0, resync_requested_at: null, last_synced_at: trx.fn.now(), updated_at: trx.fn.now() });
    if (before) await auditTransition(trx, dealerId, { from: before.status, to: 'live', resyncFinished: before.resync_requested_at !== null, cursor: before.cursor });
  });
}

/**
 * Outages, recoveries and finished resyncs go to the audit log (individual row changes do
 * not: the change feed is their history).
 */
export async function auditTransition(trx: Trx, dealerId: string, change: { from: SyncStatus; to: SyncStatus; resyncFinished?: boolean; cursor?: number; error?: string }): Promise<void> {
  const base = { dealerId, actorKind: 'system' as const, entityType: 'integration', entityId: dealerId };
  if (change.to === 'degraded' && change.from !== 'degraded') {
    await recordAudit(trx, { ...base, action: 'integration.sync_degraded', data: { error: change.error ?? null } });
    await recordDomainEvent(trx, { dealerId, type: 'sync.failed', entityType: 'dealer', entityId: dealerId, data: { error: change.error ?? null, status: change.to } });
  }
  if (change.from === 'degraded' && change.to !== 'degraded') {
    await recordAudit(trx, { ...base, action: 'integration.sync_resumed', data: { status: change.to } });
  }
  if (change.resyncFinished) {
    await recordAudit(trx, { ...base, action: 'integration.resync_completed', data: { cursor: change.cursor ?? null } });
  }
}

export async function recordSyncStatus(db: Trx, dealerId: string, status: SyncStatus, headSeq?: number): Promise<void> {
  await db('sync_state')
    .where({ dealer_id: dealerId })
    .update({ status, ...(headSeq === undefined ? {} : { head_seq: headSeq }), updated_at: db.fn.now() });
}

export async function recordSyncError(db: Knex, dealerId: string, message: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('sync_state').insert({ dealer_id: dealerId }).onConflict('dealer_id').ignore();
    const before = await trx('sync_state').where({ dealer_id: dealerId }).forUpdate().first('status');
    await trx('sync_state')
      .where({ dealer_id: dealerId })
      .update({ status: 'degraded', last_error: message.slice(0, 2000), last_error_at: trx.fn.now(), updated_at: trx.fn.now() });
    await auditTransition(trx, dealerId, { from: before.status, to: 'degraded', error: message.slice(0, 500) });
  });
}

/**
 * Stored webhook deliveries are kept as the replay guard and for the apply step; once applied
 * and old they serve neither. Oldest first, a bounded number per call.
 */
export async function pruneAppliedDeliveries(db: Trx, dealerId: string, cursor: number, olderThanDays = 7): Promise<number> {
  return db('webhook_events')
    .whereIn(
      'id',
      db('webhook_events')
        .where({ provider: 'spruce', dealer_id: dealerId })
        .where('first_seq', '<=', cursor)
        .where('last_seq', '<=', cursor)
        .where('received_at', '<', db.raw(`now() - make_interval(days => ?)`, [olderThanDays]))
        .orderBy('first_seq')
        .limit(1_000)
        .select('id'),
    )
    .delete();
}

/** Resync from scratch: the cursor goes back to 0; data stays and is overwritten as the feed replays. */
export async function resetCursor(db: Trx, dealerId: string): Promise<void> {
  await db('sync_state').insert({ dealer_id: dealerId }).onConflict('dealer_id').ignore();
  await db('sync_state')
    .where({ dealer_id: dealerId })
    .update({ cursor: 0, status: 'resyncing', resync_requested_at: db.fn.now(), updated_at: db.fn.now() });
}

/**
 * The apply activity's drain lease (see migration 023): held while it drains, so a delivery
 * stored meanwhile needs no signal. Released before its last look for stored deliveries, so a
 * delivery stored after that look always finds the lease gone and signals.
 */
const DRAIN_LEASE_MS = 2_000;

export async function holdDrainLease(db: Trx, dealerId: string): Promise<void> {
  await db('sync_state').where({ dealer_id: dealerId }).update({ draining_until: db.raw(`now() + make_interval(secs => ?)`, [DRAIN_LEASE_MS / 1000]) });
}

export async function releaseDrainLease(db: Trx, dealerId: string): Promise<void> {
  await db('sync_state').where({ dealer_id: dealerId }).update({ draining_until: null });
}

/** Read after the delivery is stored: true means a running drain will see it. */
export async function drainLeaseHeld(db: Trx, dealerId: string): Promise<boolean> {
  const row = await db('sync_state').where({ dealer_id: dealerId }).first(db.raw('coalesce(draining_until > now(), false) as held'));
  return Boolean(row?.held);
}
