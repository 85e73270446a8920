import type { Knex } from 'knex';

/**
 * Writes that belong to one change (a status, its history row, its audit entry) sent as one
 * statement: each becomes a data-modifying CTE, which PostgreSQL runs whether or not the query
 * reads it. On the hot paths a round trip costs more than the insert it carries
 * (docs/performance.md, Capacity).
 */
export function asCompanions(writes: Knex.QueryBuilder[]): { prefix: string; bindings: Knex.RawBinding[] } {
  const compiled = writes.map((write) => write.toSQL());
  return {
    prefix: compiled.map((write, index) => `companion_${index} as (${write.sql}), `).join(''),
    bindings: compiled.flatMap((write) => write.bindings as Knex.RawBinding[]),
  };
}

/** Sends the writes as one statement. */
export async function writeTogether(trx: Knex | Knex.Transaction, writes: Knex.QueryBuilder[]): Promise<void> {
  const { prefix, bindings } = asCompanions(writes);
  await trx.raw(`with ${prefix.replace(/, $/, '')} select 1`, bindings);
}
