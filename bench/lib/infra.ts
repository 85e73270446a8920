import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDb, dropDatabase, migrateLatest, type Db } from '../../db/connection';
import { canConnect, startEmbeddedPostgres, withDatabase } from '../../runtime/postgres';
import { provisionTemporalCli } from '../../runtime/temporal-cli';
import { allSearchAttributes } from '../../workflows/search-attributes';

/**
 * What every benchmark stands on: a PostgreSQL server (BENCH_ADMIN_URL, else the local one on
 * 127.0.0.1:5432, else an embedded one), a fresh database per benchmark created and dropped
 * around it, a Temporal dev server (TEMPORAL_ADDRESS, else one started for the run) and the
 * workflow bundle the worker processes load (built once per source version and cached).
 */
export const root = path.resolve(__dirname, '../..');
export const tmpDir = path.join(root, '.tmp');

export interface BenchEnv {
  /** Superuser URL of the server's maintenance database; benchmarks create their own databases from it. */
  adminUrl: string;
  temporalAddress?: string;
  workflowBundlePath?: string;
  quick: boolean;
  log(line: string): void;
}

export interface Stoppable {
  stop(): Promise<void>;
}

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function startPostgres(log: (line: string) => void): Promise<{ adminUrl: string } & Stoppable> {
  if (process.env.BENCH_ADMIN_URL) return { adminUrl: process.env.BENCH_ADMIN_URL, stop: async () => undefined };
  if (await canConnect(LOCAL_ADMIN_URL)) return { adminUrl: LOCAL_ADMIN_URL, stop: async () => undefined };
  log('no PostgreSQL on 127.0.0.1:5432; starting an embedded one (.data/bench-pg, port 5435)');
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, '.data/bench-pg'), port: 5435, log });
  return { adminUrl: server.adminUrl, stop: server.stop };
}

export interface BenchDatabase extends Stoppable {
  url: string;
  db: Db;
}

/** A fresh, migrated database named after the benchmark; stop() closes the pool and drops it. */
export async function createBenchDatabase(adminUrl: string, label: string, pool: { min?: number; max?: number } = { max: 10 }): Promise<BenchDatabase> {
  const name = `drypowder_bench_${label.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, pool);
  try {
    await db.raw('create extension if not exists citext');
    await migrateLatest(db);
  } catch (error) {
    await db.destroy();
    await dropDatabase(url);
    throw error;
  }
  return {
    url,
    db,
    async stop() {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}

export async function startTemporal(log: (line: string) => void): Promise<{ address: string } & Stoppable> {
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined };
  const environment = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await provisionTemporalCli(log) },
      searchAttributes: allSearchAttributes,
      // The dev server reports in-flight work cancelled when a benchmark stops its worker; not our figures.
      log: { format: 'json', level: 'never' as never },
    },
  });
  return { address: environment.address, stop: () => environment.teardown() };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Workflow code may import only workflows/ and domain/: their sources and the SDK version key the cache. */
export async function workflowBundle(log: (line: string) => void): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(path.join(root, 'workflows')), ...sourceFiles(path.join(root, 'domain'))].sort()) {
    hash.update(path.relative(root, file)).update(readFileSync(file));
  }
  hash.update(readFileSync(path.join(root, 'node_modules/@temporalio/workflow/package.json')));
  const bundlePath = path.join(tmpDir, `bench-workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(bundlePath)) return bundlePath;
  const started = Date.now();
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows/index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => log(message), log() {} } as never,
  });
  mkdirSync(tmpDir, { recursive: true });
  writeFileSync(bundlePath, bundle.code);
  log(`workflow bundle built in ${Date.now() - started} ms (${path.relative(root, bundlePath)})`);
  return bundlePath;
}

/** Polls until `probe` gives a value (undefined and errors mean "not yet"). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch((error: unknown) => {
        lastError = error;
        return undefined;
      });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `--name value` and `--flag` arguments. */
export function parseArgs(argv: string[] = process.argv.slice(2)): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    args.set(arg.slice(2), next !== undefined && !next.startsWith('--') ? argv[++i]! : 'true');
  }
  return args;
}
