import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, ensureDatabase, migrateLatest } from '../db/connection';
import { canConnect, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '../runtime/postgres';
import { provisionTemporalCli } from '../runtime/temporal-cli';
import { connectTemporalClient } from '../runtime/temporal-client';
import { devServerSearchAttributeArgs } from '../workflows/search-attributes';
import { Children, httpOk, waitFor } from './lib/children';
import { shownOnTerminal } from './lib/terminal-lines';
import { buildUiIfStale } from './lib/ui-build';

/**
 * `npm start`: the whole product on one machine with demo data. Uses DATABASE_URL and
 * TEMPORAL_ADDRESS when set; otherwise starts an embedded PostgreSQL and a Temporal dev
 * server that keep their data under .data/ across restarts.
 */
const root = path.resolve(__dirname, '..');
const dataDir = path.join(root, '.data');
const log = (line: string) => process.stdout.write(`[dev] ${line}\n`);

const PORTS = { api: 3000, spruce: 4010, moov: 4020, plaid: 4030, mailHttp: 4040, smtp: 2525, temporal: 7233, temporalUi: 8233, postgres: 5433 };

mkdirSync(dataDir, { recursive: true });
/** `npm start -- --logs` (or DRYPOWDER_LOGS=terminal) shows every request log line as well. */
const allLogsOnTerminal = process.argv.includes('--logs') || process.env.DRYPOWDER_LOGS === 'terminal';
const children = new Children(path.join(dataDir, 'logs'), (name, line) => shownOnTerminal(name, line, { allLogs: allLogsOnTerminal }));
let postgres: RunningPostgres | undefined;

/**
 * npm passes neither SIGINT nor SIGTERM on to the script it runs (a terminal's Ctrl-C reaches
 * every process of the group, a process manager's signal reaches npm alone): when the process
 * that launched this one goes, the stack stops instead of holding its ports. Our parent is the
 * tsx launcher; its parent changing means npm (or the shell) has gone. Without /proc: no watch.
 */
function whenLauncherGoes(stop: () => void): void {
  const parentOf = (pid: number): number | null => {
    try {
      return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    } catch {
      return null;
    }
  };
  const launcher = parentOf(process.ppid);
  if (launcher === null) return;
  const watch = setInterval(() => {
    if (parentOf(process.ppid) === launcher) return;
    clearInterval(watch);
    log('the launcher has gone');
    stop();
  }, 1000);
  watch.unref();
}

async function main(): Promise<void> {
  const shutdown = async () => {
    log('stopping…');
    await children.stopAll();
    await postgres?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  whenLauncherGoes(() => void shutdown());

  // PostgreSQL
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: PORTS.postgres, log });
    databaseUrl = withDatabase(postgres.adminUrl, 'drypowder');
    log(`embedded PostgreSQL on 127.0.0.1:${PORTS.postgres} (data in .data/pg)`);
  }
  await ensureDatabase(databaseUrl);
  if (!(await canConnect(databaseUrl))) throw new Error('cannot connect to PostgreSQL at DATABASE_URL');
  const db = createDb(databaseUrl);
  const applied = await migrateLatest(db);
  await db.destroy();
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'schema up to date');

  // Temporal
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUi = process.env.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const cli = await provisionTemporalCli(log);
    mkdirSync(path.join(dataDir, 'temporal'), { recursive: true });
    temporalAddress = `127.0.0.1:${PORTS.temporal}`;
    temporalUi = `http://127.0.0.1:${PORTS.temporalUi}`;
    children.start('temporal', cli, [
      'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(PORTS.temporal), '--ui-port', String(PORTS.temporalUi),
      '--db-filename', path.join(dataDir, 'temporal', 'temporal.db'), '--log-level', 'warn', ...devServerSearchAttributeArgs(),
    ], process.env);
  }
  await waitFor('Temporal', async () => {
    const client = await connectTemporalClient(temporalAddress!, 'default');
    await client.connection.workflowService.getSystemInfo({});
    await client.connection.close();
    return true;
  });
  log(`Temporal at ${temporalAddress}`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: temporalUi ?? 'http://127.0.0.1:8233',
    API_PORT: String(PORTS.api),
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://127.0.0.1:${PORTS.api}`,
    SPRUCE_PORT: String(PORTS.spruce),
    SPRUCE_URL: process.env.SPRUCE_URL ?? `http://127.0.0.1:${PORTS.spruce}`,
    MOOV_PORT: String(PORTS.moov),
    MOOV_URL: process.env.MOOV_URL ?? `http://127.0.0.1:${PORTS.moov}`,
    PLAID_PORT: String(PORTS.plaid),
    PLAID_URL: process.env.PLAID_URL ?? `http://127.0.0.1:${PORTS.plaid}`,
    SMTP_PORT: String(PORTS.smtp),
    SMTP_URL: process.env.SMTP_URL ?? `smtp://127.0.0.1:${PORTS.smtp}`,
    MAIL_HTTP_PORT: String(PORTS.mailHttp),
    EMULATOR_DATA_DIR: path.join(dataDir, 'emulators'),
    UPLOAD_DIR: path.join(dataDir, 'uploads'),
    // ACH clears in minutes rather than days in the demo; the calendar logic is unchanged.
    MOOV_ACH_BUSINESS_DAY_MS: process.env.MOOV_ACH_BUSINESS_DAY_MS ?? '60000',
  };
  const tsx = path.join(root, 'node_modules/.bin/tsx');

  children.start('emulators', tsx, [path.join(root, 'emulators/main.ts')], { ...env, DRYPOWDER_SERVICE: 'emulators' });
  await waitFor('emulators', () => httpOk(`http://127.0.0.1:${PORTS.mailHttp}/api/messages`));

  for (const app of ['admin', 'portal']) buildUiIfStale(path.join(root, app), log);

  children.start('worker', tsx, [path.join(root, 'worker.ts')], { ...env, DRYPOWDER_SERVICE: 'worker' });
  children.start('api', tsx, [path.join(root, 'api/server.ts')], { ...env, DRYPOWDER_SERVICE: 'api' });
  await waitFor('api', () => httpOk(`http://127.0.0.1:${PORTS.api}/readyz`));

  if (existsSync(path.join(root, 'scripts/seed.ts'))) {
    const seed = children.start('seed', tsx, [path.join(root, 'scripts/seed.ts')], { ...env, DRYPOWDER_SERVICE: 'seed' }, { oneShot: true });
    await new Promise<void>((resolve, reject) => seed.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`demo seed failed (exit ${code})`)))));
  }

  const banner = [
    '',
    'Drypowder is running.',
    `  Operator console   http://127.0.0.1:${PORTS.api}/admin/`,
    `  Payments portal    http://127.0.0.1:${PORTS.api}/portal/`,
    `  API readiness      http://127.0.0.1:${PORTS.api}/readyz`,
    `  Temporal UI        ${temporalUi ?? '(external Temporal: see its own UI)'}`,
    `  Local mail inbox   http://127.0.0.1:${PORTS.mailHttp}/`,
    `  Spruce emulator    http://127.0.0.1:${PORTS.spruce}/   Moov ${env.MOOV_URL}   Plaid ${env.PLAID_URL}`,
    '',
    'Demo logins (password for all: Drypowder-demo-1)',
    '  Operator, Spruce dealer       ar@northwind-lumber.test',
    '  Operator, file-based dealer   ar@cedar-ridge-supply.test',
    '  Customer (both dealers)       ap@hallmark-builders.test',
    '',
    allLogsOnTerminal
      ? 'Every log line is shown below and kept in .data/logs/.'
      : 'Logs are in .data/logs/ (api.log, worker.log, emulators.log); only warnings and errors show here. `npm start -- --logs` shows them all.',
    `Press Enter to show this again, Ctrl-C to stop everything; data stays in .data/ for the next start.`,
  ];
  const printBanner = () => process.stdout.write(`${banner.join('\n')}\n`);
  printBanner();
  if (process.stdin.isTTY) {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', printBanner);
  }
}

main().catch(async (error) => {
  process.stderr.write(`drypowder: ${error instanceof Error ? error.message : String(error)}\n`);
  await children.stopAll();
  await postgres?.stop().catch(() => undefined);
  process.exit(1);
});
