import { bundleWorkflowCode } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDb, migrateLatest } from '../db/connection';
import { canConnect, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '../runtime/postgres';
import { provisionTemporalCli } from '../runtime/temporal-cli';
import { buildUiIfStale } from '../scripts/lib/ui-build';
import { allSearchAttributes } from '../workflows/search-attributes';

/**
 * One fresh PostgreSQL database and one Temporal dev server per test run. Test files read
 * TEST_DATABASE_URL, TEMPORAL_ADDRESS and WORKFLOW_BUNDLE_PATH from the environment.
 */
declare global {
  // eslint-disable-next-line no-var
  var __drypowderTestRun: { temporal: TestWorkflowEnvironment; postgres?: RunningPostgres; adminUrl: string; database: string } | undefined;
}

const SYSTEM_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function resolveAdminUrl(): Promise<{ adminUrl: string; postgres?: RunningPostgres }> {
  if (process.env.TEST_DATABASE_ADMIN_URL) return { adminUrl: process.env.TEST_DATABASE_ADMIN_URL };
  if (await canConnect(SYSTEM_ADMIN_URL)) return { adminUrl: SYSTEM_ADMIN_URL };
  const postgres = await startEmbeddedPostgres({ dataDir: '.data/test-pg', port: 5434 });
  return { adminUrl: postgres.adminUrl, postgres };
}

async function createTestDatabase(adminUrl: string, database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // The suite connects as its own role, as the product does in production, not as a superuser.
    const role = await admin.query("select 1 from pg_roles where rolname = 'drypowder_test'");
    if (role.rowCount === 0) await admin.query("create role drypowder_test login password 'drypowder_test' createdb");
    await admin.query(`create database ${pg.escapeIdentifier(database)} owner drypowder_test`);
  } finally {
    await admin.end();
  }
  const asOwner = new URL(withDatabase(adminUrl, database));
  // citext needs a superuser to install; do it once as admin, then hand the database over.
  const superClient = new pg.Client({ connectionString: asOwner.toString() });
  await superClient.connect();
  await superClient.query('create extension if not exists citext');
  await superClient.end();
  asOwner.username = 'drypowder_test';
  asOwner.password = 'drypowder_test';
  return asOwner.toString();
}

export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const started = Date.now();
  const { adminUrl, postgres } = await resolveAdminUrl();
  const database = `drypowder_test_${Date.now()}_${process.pid}`;
  const databaseUrl = await createTestDatabase(adminUrl, database);
  const db = createDb(databaseUrl);
  await migrateLatest(db);
  await db.destroy();

  const temporalCli = await provisionTemporalCli();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      searchAttributes: allSearchAttributes,
      log: { format: 'json', level: 'error' },
    },
  });

  // Built once here, before the workers start: two browser test files building the same app at
  // once would each empty its dist/ under the other's server.
  for (const app of ['admin', 'portal']) buildUiIfStale(path.resolve(__dirname, '..', app), (line) => process.stderr.write(`${line}\n`));

  const bundle = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  mkdirSync('.tmp', { recursive: true });
  const bundlePath = path.resolve('.tmp', `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);

  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  globalThis.__drypowderTestRun = { temporal, postgres, adminUrl, database };
  process.stderr.write(`\n[test harness] database ${database}, Temporal at ${temporal.address}, ready in ${Date.now() - started} ms\n`);
}
