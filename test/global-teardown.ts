import { rmSync } from 'node:fs';
import { dropDatabase } from '../db/connection';
import { withDatabase } from '../runtime/postgres';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__drypowderTestRun;
  if (!run) return;
  await run.temporal.teardown();
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(withDatabase(run.adminUrl, run.database));
  await run.postgres?.stop();
  if (process.env.WORKFLOW_BUNDLE_PATH) rmSync(process.env.WORKFLOW_BUNDLE_PATH, { force: true });
}
