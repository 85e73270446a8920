import type { Knex } from 'knex';
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataType } from '../domain/ingestion/columns';
import { STAGED_COLUMNS } from '../domain/ingestion/rows';

/**
 * Where validation leaves a file's valid rows, already converted, for the commit: one unlogged
 * table per file, written by `COPY` while the file is still being parsed, so loading into
 * PostgreSQL runs on the database's core beside the parser instead of after it, and the commit
 * is only the set-based merge. Unlogged because the rows are derived from the upload and
 * live for days at most: no WAL for a million rows; if a crash of the database server empties
 * the table, the commit sees fewer rows than validation counted and refuses (nothing applied).
 */
export function stagingTable(fileId: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(fileId)) throw new Error(`not a file id: ${fileId}`);
  return `ingest_stage_${fileId.replace(/-/g, '').toLowerCase()}`;
}

const sqlType = { text: 'text', bigint: 'bigint', date: 'date', boolean: 'boolean' } as const;

/** The row's number in its file, the id it gets if the commit inserts it, then its values. */
export function stagingColumnsSql(dataType: DataType): string {
  return ['row_number integer not null', 'id uuid not null', ...STAGED_COLUMNS[dataType].map((c) => `${c.name} ${sqlType[c.sql]}`)].join(', ');
}

/** Lines are gathered into chunks this large before they go to the COPY stream: one write per chunk. */
const CHUNK_CHARS = 64 * 1024;

type PoolClient = pg.PoolClient;
interface KnexClient {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

const knexClient = (db: Knex) => (db as unknown as { client: KnexClient }).client;

/**
 * A COPY keeps its pool connection for the whole file while the same validation goes on
 * querying through the pool (references, row errors, cancellation). Were every connection held
 * by a COPY, each validation would wait for a connection only another's end can free, and
 * everything else on the pool (payments, the API in a single-process setup) would wait with
 * them. So at most half the pool, and at least one connection, is lent to staging at a time;
 * further validations wait their turn before taking a connection.
 */
class StagingSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(slots: number) {
    this.free = slots;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

const slotsByPool = new WeakMap<object, StagingSlots>();

function stagingSlotsFor(db: Knex): number {
  const poolMax = (db as unknown as { client: { config: { pool?: { max?: number } } } }).client.config.pool?.max ?? 10;
  return Math.max(1, Math.floor(poolMax / 2));
}

function stagingSlots(db: Knex): StagingSlots {
  const client = knexClient(db);
  let slots = slotsByPool.get(client);
  if (!slots) {
    slots = new StagingSlots(stagingSlotsFor(db));
    slotsByPool.set(client, slots);
  }
  return slots;
}

/**
 * Streams staged lines (COPY text format, see activities/ingestion/copy-text.ts) into a file's
 * staging table. `write` only waits when PostgreSQL is behind (backpressure), so memory stays at
 * a chunk or two whatever the file's size.
 */
export interface StagingWriter {
  readonly table: string;
  write(line: string): Promise<void> | undefined;
  /** Flushes, ends the COPY and gathers planner statistics for the merge. */
  finish(): Promise<void>;
  /** Abandons the COPY (nothing of it is kept) and drops the table. */
  abort(): Promise<void>;
}

export async function openStaging(db: Knex, fileId: string, dataType: DataType): Promise<StagingWriter> {
  const table = stagingTable(fileId);
  // A validation that runs again (a retried activity) starts from an empty table.
  await db.raw(`drop table if exists ${table}`);
  await db.raw(`create unlogged table ${table} (${stagingColumnsSql(dataType)})`);
  const client = knexClient(db);
  const slots = stagingSlots(db);
  await slots.take();
  let connection: PoolClient;
  try {
    connection = await client.acquireConnection();
  } catch (error) {
    slots.give();
    throw error;
  }
  const copy = connection.query(copyFrom(`copy ${table} from stdin`, { highWaterMark: 1 << 20 }));
  let failure: Error | undefined;
  copy.on('error', (error: Error) => {
    failure ??= error;
  });
  let pending: string[] = [];
  let pendingChars = 0;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      await client.releaseConnection(connection);
    } finally {
      slots.give();
    }
  };
  const flush = (): Promise<void> | undefined => {
    if (failure) throw failure;
    if (pending.length === 0) return undefined;
    const chunk = `${pending.join('\n')}\n`;
    pending = [];
    pendingChars = 0;
    if (copy.write(chunk)) return undefined;
    // once() rejects if the stream fails meanwhile.
    return once(copy, 'drain').then(() => undefined);
  };
  const abort = async (): Promise<void> => {
    pending = [];
    if (!copy.destroyed && !copy.writableFinished) {
      // CopyFail: the server discards every row of this COPY; the connection stays usable.
      const closed = once(copy, 'close').catch(() => undefined);
      copy.destroy(new Error('staging abandoned'));
      await closed;
    }
    await release();
    await db.raw(`drop table if exists ${table}`);
  };
  return {
    table,
    abort,
    write(line) {
      pending.push(line);
      pendingChars += line.length;
      return pendingChars >= CHUNK_CHARS ? flush() : undefined;
    },
    async finish() {
      try {
        await flush();
        if (failure) throw failure;
        const finished = once(copy, 'finish');
        copy.end();
        await finished;
      } catch (error) {
        await abort();
        throw error;
      }
      await release();
      await db.raw(`analyze ${table}`);
    },
  };
}

/** Rows in a file's staging table, or null when there is no such table. */
export async function stagedRowCount(db: Knex, fileId: string): Promise<number | null> {
  const table = stagingTable(fileId);
  const { rows } = await db.raw('select to_regclass(?) is not null as present', [table]);
  if (!rows[0].present) return null;
  const counted = await db.raw(`select count(*)::integer as rows from ${table}`);
  return counted.rows[0].rows as number;
}

/** Staged rows are only needed until the run is decided. */
export async function dropStaging(db: Knex, fileIds: readonly string[]): Promise<void> {
  for (const fileId of fileIds) await db.raw(`drop table if exists ${stagingTable(fileId)}`);
}

/**
 * Drops staging tables whose run is decided or gone: a workflow terminated from outside never
 * reaches its closing step. Run at the start of every validation, so leftovers never outlive
 * the next upload; a run still validating, validated or committing keeps its tables.
 */
export async function dropOrphanedStaging(db: Knex): Promise<string[]> {
  const { rows } = await db.raw(
    `select c.relname as name from pg_class c
     where c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace and c.relname like 'ingest\\_stage\\_%'
       and not exists (
         select 1 from ingestion_files f join ingestion_runs r on r.id = f.run_id
         where replace(f.id::text, '-', '') = substr(c.relname, 14) and r.status in ('validating', 'validated', 'processing'))`,
  );
  const names = (rows as Array<{ name: string }>).map((row) => row.name).filter((name) => /^ingest_stage_[0-9a-f]{32}$/.test(name));
  for (const name of names) await db.raw(`drop table if exists ${name}`);
  return names;
}
