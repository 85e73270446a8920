import type { Knex } from 'knex';

/**
 * Writes that belong to one change (a status, its history row, its audit entry) sent as one
 * statement: each becomes a data-modifying CTE, which PostgreSQL runs whether or not the query
 * reads it. On the hot paths a round trip costs more than the insert it carries
 * (docs/performance.md, Capacity).
 */

/** A write of the statement; a named one can be read (its RETURNING) by the writes after it and by the result. */
export type Companion = Knex.QueryBuilder | Knex.Raw | { name: string; write: Knex.QueryBuilder | Knex.Raw };

/** Sends the writes as one statement; `result`: what it answers, read from the named writes. */
export async function writeTogether<Row = unknown>(trx: Knex | Knex.Transaction, writes: Companion[], result = 'select 1'): Promise<Row[]> {
  const compiled = writes.map((write, index) => {
    const named = 'name' in write && typeof write.name === 'string' ? write as { name: string; write: Knex.QueryBuilder | Knex.Raw } : { name: `companion_${index}`, write: write as Knex.QueryBuilder | Knex.Raw };
    const { sql, bindings } = named.write.toSQL();
    return { sql: `${named.name} as (${sql})`, bindings: bindings as Knex.RawBinding[] };
  });
  const { rows } = await trx.raw(`with ${compiled.map((write) => write.sql).join(', ')} ${result}`, compiled.flatMap((write) => write.bindings));
  return rows;
}
