import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../bench/lib/services';
import { waitFor } from '../../bench/lib/infra';
import { provisionTemporalCli } from '../../runtime/temporal-cli';
import { createNamespace } from '../lib/temporal-namespace';

/**
 * A Temporal server as production runs it, on PostgreSQL, rather than the CLI's dev server on
 * SQLite: the `temporal-server` and `temporal-sql-tool` binaries built from the Go module
 * go.temporal.io/server (once per machine, by `go install`), its two databases created and
 * their schemas set up by the SQL tool, one process running all four services with a
 * generated config, then the namespace with its retention and our search attributes.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export interface TemporalOnPostgres {
  address: string;
  databases: string[];
  stop(): Promise<void>;
}

function goBin(): string {
  const go = spawnSync('go', ['env', 'GOBIN', 'GOPATH'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error('Go is needed to build the Temporal server (go install go.temporal.io/server/...)');
  const [gobin = '', gopath = ''] = go.stdout.split('\n').map((line) => line.trim());
  return gobin || path.join((gopath || path.join(homedir(), 'go')).split(path.delimiter)[0]!, 'bin');
}

/** The server and SQL tool binaries, built from the module proxy when missing (several minutes the first time). */
export function provisionTemporalServer(log: (line: string) => void): { server: string; sqlTool: string } {
  const bin = goBin();
  const binaries = { server: path.join(bin, 'server'), sqlTool: path.join(bin, 'sql') };
  for (const [name, pkg] of [['server', 'cmd/server'], ['sqlTool', 'cmd/tools/sql']] as const) {
    if (existsSync(binaries[name])) continue;
    log(`building go.temporal.io/server/${pkg}@${TEMPORAL_SERVER_VERSION} with go install (minutes, once per machine)…`);
    execFileSync('go', ['install', `go.temporal.io/server/${pkg}@${TEMPORAL_SERVER_VERSION}`], { stdio: 'inherit', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  }
  return binaries;
}

function configYaml(options: { user: string; password: string; host: string; port: number; database: string; visibility: string; ports: Record<'frontend' | 'history' | 'matching' | 'worker' | 'frontendHttp' | 'metrics', number>; membership: Record<'frontend' | 'history' | 'matching' | 'worker', number> }): string {
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${options.host}:${options.port}"
        connectProtocol: "tcp"
        user: "${options.user}"
        password: "${options.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: 'frontend' | 'history' | 'matching' | 'worker', extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${options.ports[name]}
      membershipPort: ${options.membership[name]}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store(options.database, 20)}
    postgres-visibility:${store(options.visibility, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${options.ports.metrics}"
services:${service('frontend', `\n      httpPort: ${options.ports.frontendHttp}`)}${service('matching')}${service('history')}${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${options.ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
`;
}

async function lowFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
  throw new Error('no free port between 20000 and 32000');
}

export async function startTemporalOnPostgres(options: { adminUrl: string; workDir: string; retentionDays: number; log: (line: string) => void }): Promise<TemporalOnPostgres> {
  const { server, sqlTool } = provisionTemporalServer(options.log);
  const admin = new URL(options.adminUrl);
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const databases = [`temporal_topology_${suffix}`, `temporal_topology_visibility_${suffix}`];
  const sql = (database: string, args: string[]) => execFileSync(sqlTool, [
    '--plugin', 'postgres12', '--ep', admin.hostname, '-p', admin.port || '5432', '-u', decodeURIComponent(admin.username || 'postgres'),
    ...(admin.password ? ['--pw', decodeURIComponent(admin.password)] : []), '--db', database, ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (const [database, schema] of [[databases[0]!, 'postgresql/v12/temporal'], [databases[1]!, 'postgresql/v12/visibility']] as const) {
    sql(database, ['create-database']);
    sql(database, ['setup-schema', '-v', '0.0']);
    sql(database, ['update-schema', '--schema-name', schema]);
  }
  options.log(`Temporal databases ${databases.join(', ')}: schema set up by temporal-sql-tool`);

  const ports = { frontend: await freePort(), history: await freePort(), matching: await freePort(), worker: await freePort(), frontendHttp: await freePort(), metrics: await freePort() };
  // Temporal stores membership ports in a smallint column: they must stay below 32768, where the
  // kernel's ephemeral ports (what freePort hands out) usually are not.
  const membership = { frontend: await lowFreePort(), history: await lowFreePort(), matching: await lowFreePort(), worker: await lowFreePort() };
  const configDir = path.join(options.workDir, 'temporal-config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'topology.yaml'), configYaml({
    user: decodeURIComponent(admin.username || 'postgres'), password: decodeURIComponent(admin.password), host: admin.hostname, port: Number(admin.port || 5432),
    database: databases[0]!, visibility: databases[1]!, ports, membership,
  }));
  const logFile = path.join(options.workDir, 'temporal-server.log');
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(server, ['--root', options.workDir, '--config', 'temporal-config', '--env', 'topology', '--allow-no-auth', 'start'], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const address = `127.0.0.1:${ports.frontend}`;

  const cli = await provisionTemporalCli();
  const temporal = (args: string[]) => spawnSync(cli, [...args, '--address', address], { encoding: 'utf8' });
  await waitFor('the Temporal server on PostgreSQL to serve', () => {
    if (child.exitCode !== null) throw new Error(`temporal-server exited (${child.exitCode}); see ${logFile}`);
    return temporal(['operator', 'cluster', 'health']).stdout.includes('SERVING') || undefined;
  }, 120_000, 500);
  createNamespace(cli, address, 'default', options.retentionDays * 24);
  options.log(`Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL at ${address}; namespace default, retention ${options.retentionDays} days`);

  return {
    address,
    databases,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      const client = new pg.Client({ connectionString: options.adminUrl });
      await client.connect();
      try {
        for (const database of databases) await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
