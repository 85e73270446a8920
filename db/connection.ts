import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

// bigint (int8) columns hold cents; parse them as JS numbers. Safe up to 2^53 cents
// (about 90 trillion dollars), far beyond any receivable; a larger value throws.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return parsed;
});
// DATE columns stay as 'YYYY-MM-DD' strings: a calendar date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Db = Knex;

export interface DbOptions {
  min?: number;
  max?: number;
  /**
   * False for the API: its queries are short and many run at once, so parallel workers only
   * queue for the same cores (docs/performance.md). Sent as a start-up option of each
   * connection, so it costs no statement.
   */
  parallelQueries?: boolean;
}

export function createDb(databaseUrl: string, pool: DbOptions = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: pool.parallelQueries === false ? { connectionString: databaseUrl, options: '-c max_parallel_workers_per_gather=0' } : databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

/** A round trip to the server: readiness probes and start-up checks. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.raw('select 1');
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export async function migrateDownAll(db: Db): Promise<void> {
  await db.migrate.rollback(undefined, true);
}

/** Creates the database named in the URL when it does not exist yet, connecting to `postgres`. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}
