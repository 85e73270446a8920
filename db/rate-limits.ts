import type { Db } from './connection';

/**
 * Counts one hit against `key` in a fixed window of `windowMs`, in one statement: a window
 * that has run out starts again at this hit. Concurrent hits from several API replicas are
 * serialised by the row, so none is lost.
 */
export async function countRateLimitHit(db: Db, key: string, windowMs: number): Promise<{ hits: number; windowStartedAt: Date }> {
  const result = await db.raw(
    `insert into rate_limit_windows as w (key, window_started_at, hits) values (?, now(), 1)
     on conflict (key) do update set
       hits = case when w.window_started_at <= now() - make_interval(secs => ? / 1000.0) then 1 else w.hits + 1 end,
       window_started_at = case when w.window_started_at <= now() - make_interval(secs => ? / 1000.0) then now() else w.window_started_at end
     returning hits, window_started_at`,
    [key, windowMs, windowMs],
  );
  const row = result.rows[0] as { hits: number; window_started_at: Date };
  return { hits: row.hits, windowStartedAt: new Date(row.window_started_at) };
}

/** Windows that ended before `before` count nothing any more; the housekeeping pass removes them. */
export async function deleteEndedRateLimitWindows(db: Db, before: Date): Promise<number> {
  return db('rate_limit_windows').where('window_started_at', '<', before).delete();
}
