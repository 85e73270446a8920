import type { Db } from './connection';

/**
 * Cluster-wide readings for /metrics, read from the books at scrape time: every replica
 * reports the same values (query them with max, not sum).
 */
export interface OperationalReadings {
  /** Email waiting for the relay. */
  outboxQueued: number;
  /** Age of the oldest queued email, seconds (0 when none waits). */
  outboxOldestQueuedSeconds: number;
  /** Since the oldest closed settlement with GL lines still unposted was closed, seconds (0 when none). */
  glPostingLagSeconds: number;
  /** Per dealer on the Spruce integration: the sync's own lag and the time since it last applied changes. */
  spruceSync: Array<{ dealerId: string; status: string; lagSeconds: number; sinceLastSyncSeconds: number }>;
}

export async function operationalReadings(db: Db): Promise<OperationalReadings> {
  // One after the other: a scrape takes one pooled connection at a time. Each query reads
  // only what waits (queued mail, unposted lines), through partial or selective indexes, so
  // a scrape costs the same with years of history.
  const outbox = await db('email_outbox').where('status', 'queued').first(
    db.raw('count(*)::int as queued'),
    db.raw('coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_queued_s'),
  );
  const posting = await db('gl_posting_lines as l').join('settlements as s', 's.id', 'l.settlement_id')
    .where('l.status', 'pending').whereNot('s.status', 'open').whereNotNull('s.closed_at')
    .first(db.raw('coalesce(extract(epoch from now() - min(s.closed_at)), 0)::float8 as lag_s'));
  const sync: Array<{ dealer_id: string; status: string; lag_ms: number | null; since_s: number | null }> = await db('sync_state as ss')
    .join('dealers as d', 'd.id', 'ss.dealer_id').where('d.integration_mode', 'spruce')
    .select('ss.dealer_id', 'ss.status', 'ss.lag_ms', db.raw('extract(epoch from now() - ss.last_synced_at)::float8 as since_s'));
  return {
    outboxQueued: Number(outbox?.queued ?? 0),
    outboxOldestQueuedSeconds: Number(outbox?.oldest_queued_s ?? 0),
    glPostingLagSeconds: Number(posting?.lag_s ?? 0),
    spruceSync: sync.map((row) => ({ dealerId: row.dealer_id, status: row.status, lagSeconds: (row.lag_ms ?? 0) / 1000, sinceLastSyncSeconds: row.since_s ?? 0 })),
  };
}
