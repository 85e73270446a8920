import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { runNoop } from '../../workflows/noop-client';
import { root, tmpDir, waitFor } from './infra';
import { spawnOwned, stopOwned } from './owned-processes';
import { RUN_SECRETS } from './run-secrets';

/**
 * The API and the worker in their own processes, as deployed, so the load a benchmark
 * generates does not share their event loops. Their logs go to .tmp/bench-<label>-<role>.log.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ProductOptions {
  label: string;
  databaseUrl: string;
  temporalAddress: string;
  workflowBundlePath?: string;
  api?: boolean;
  worker?: boolean;
  /** Extra configuration (emulator URLs, secrets, timings) for both processes. */
  env?: Record<string, string>;
  /** A port chosen beforehand (e.g. for an emulator's webhook URL); a free one otherwise. */
  apiPort?: number;
  /** The Temporal namespace (`default` unless given), for the processes and the client here. */
  namespace?: string;
}

export interface RunningProduct {
  apiUrl: string;
  taskQueue: string;
  /** CPU time (user + system) each process has used so far, in ms. */
  cpuMs(): Record<'api' | 'worker', number>;
  /**
   * SQL statements each process has sent so far, from its own counter on /metrics. A scrape of
   * the API's /metrics reads the books itself: `scrapeStatements` is what one scrape adds.
   */
  statements(): Promise<Record<'api' | 'worker', number>>;
  /** A Temporal client for the benchmark itself (no-op baselines, workflow results). */
  temporal: Client;
  logs: string[];
  stop(): Promise<void>;
}

/** The value of `drypowder_db_statements_total` in a Prometheus text exposition. */
export function statementsCounted(exposition: string): number {
  const line = exposition.split('\n').find((row) => row.startsWith('drypowder_db_statements_total'));
  if (!line) throw new Error('the process exposes no drypowder_db_statements_total');
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

export async function startProduct(options: ProductOptions): Promise<RunningProduct> {
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const taskQueue = `bench-${options.label}-${process.pid}`;
  const apiPort = options.apiPort ?? (await freePort());
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const workerMetricsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    ...RUN_SECRETS,
    LOG_LEVEL: process.env.BENCH_CHILD_LOG_LEVEL ?? 'warn',
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TASK_QUEUE: taskQueue,
    API_PORT: String(apiPort),
    PUBLIC_URL: apiUrl,
    TEMPORAL_NAMESPACE: options.namespace ?? 'default',
    WORKER_METRICS_PORT: String(workerMetricsPort),
    ...(options.workflowBundlePath ? { WORKFLOW_BUNDLE_PATH: options.workflowBundlePath } : {}),
    ...options.env,
  };
  mkdirSync(tmpDir, { recursive: true });
  const roles: Array<['api' | 'worker', string]> = [];
  if (options.worker !== false) roles.push(['worker', 'worker.ts']);
  if (options.api !== false) roles.push(['api', 'api/server.ts']);
  // BENCH_PROFILE=api,worker writes V8 CPU profiles (one per thread) into .tmp/prof/<label>-<role>-<pid>/ on exit.
  const profiled = new Set((process.env.BENCH_PROFILE ?? '').split(',').map((role) => role.trim()));
  const pids: Partial<Record<'api' | 'worker', number>> = {};
  for (const [role, entry] of roles) {
    const log = path.join(tmpDir, `bench-${options.label}-${role}-${process.pid}.log`);
    const fd = openSync(log, 'w');
    // node itself (not the tsx launcher, which forks again), so the pid is the one doing the work.
    const flags = profiled.has(role) ? ['--cpu-prof', `--cpu-prof-dir=${path.join(tmpDir, 'prof', `${options.label}-${role}-${process.pid}`)}`] : [];
    const child = spawnOwned(process.execPath, [...flags, '--import', 'tsx', path.join(root, entry)], { cwd: root, env: { ...env, DRYPOWDER_SERVICE: `bench-${role}` }, stdio: ['ignore', fd, fd] });
    children.push(child);
    pids[role] = child.pid;
    closeSync(fd);
    logs.push(path.relative(root, log));
  }
  const cpuMs = () => ({ api: processCpuMs(pids.api), worker: processCpuMs(pids.worker) });
  const statementsAt = async (url: string | null) => (url ? statementsCounted(await (await fetch(url)).text()) : 0);
  const statements = async () => {
    const [api, worker] = await Promise.all([
      statementsAt(options.api !== false ? `${apiUrl}/metrics` : null),
      statementsAt(options.worker !== false ? `http://127.0.0.1:${workerMetricsPort}/metrics` : null),
    ]);
    return { api, worker };
  };
  const connection = await Connection.connect({ address: options.temporalAddress, connectTimeout: '30s' });
  const temporal = new Client({ connection, namespace: options.namespace ?? 'default' });
  const stop = async () => {
    // A worker still finishing activities may take its time; it gets the grace period, then SIGKILL.
    await Promise.all(children.map((child) => stopOwned(child, 10_000)));
    await connection.close();
  };
  try {
    const exited = () => children.find((child) => child.exitCode !== null);
    const alive = () => {
      const dead = exited();
      if (dead) throw new Error(`a product process exited with code ${dead.exitCode}; see ${logs.join(', ')}`);
    };
    if (options.api !== false) {
      await waitFor('the API', async () => {
        alive();
        return (await fetch(`${apiUrl}/readyz`)).ok ? true : undefined;
      }, 180_000, 200);
    }
    if (options.worker !== false) {
      // The worker is ready once it has run a workflow.
      await waitFor('the worker', async () => {
        alive();
        const result = await runNoop(temporal, taskQueue, { workflowId: `bench-ready-${randomUUID()}`, workflowExecutionTimeout: '5s' });
        return result === 'ok' ? true : undefined;
      }, 180_000, 500);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, taskQueue, cpuMs, statements, temporal, logs, stop };
}

/** utime + stime of a process from /proc (Linux), in ms; NaN elsewhere. */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Signs in through the API as the console or portal does: the session cookie and CSRF token. */
export async function signIn(apiUrl: string, area: 'operator' | 'portal', email: string, password: string): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${apiUrl}/api/${area}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`${area} sign-in failed: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie, csrfToken: body.csrfToken };
}

/**
 * The API in this process for read-only benchmarks (the console's and portal's reads never
 * talk to Temporal, so a lazy connection satisfies the app's dependencies). Requests are
 * issued one at a time, so the client shares the event loop with no concurrent server work.
 */
export async function startReadOnlyApi(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const { createApp } = await import('../../api/app');
  const { createDb } = await import('../../db/connection');
  // Connected as api/server.ts connects.
  const db = createDb(databaseUrl, { max: 10, parallelQueries: false });
  const { parseConfig } = await import('../../runtime/config');
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const config = parseConfig({ NODE_ENV: 'production', ...RUN_SECRETS, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
  const server = createApp({ db, temporal, config }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await db.destroy();
    },
  };
}
