import { randomUUID } from 'node:crypto';
import { insertSession } from '../db/sessions';
import { logger } from '../runtime/logger';
import { housekeepingWorkflow } from '../workflows/housekeeping';
import { ensureHousekeepingSchedule, HOUSEKEEPING_SCHEDULE_ID } from '../workflows/housekeeping-client';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { startTestWorker } from './support/temporal';

/** Cluster-wide upkeep: one schedule however many workers ensure it, and what a pass cleans up. */
describe('housekeeping', () => {
  const db = testDb();
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    worker = await startTestWorker({ db, logger, config: testConfig() });
  });
  afterAll(async () => {
    await worker.client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID).delete().catch(() => undefined);
    await worker.stop();
    await db.destroy();
  });

  const session = async (expiresAt: Date) => {
    const tokenHash = `housekeeping-${randomUUID()}`;
    await insertSession(db, { token_hash: tokenHash, user_kind: 'operator', user_id: randomUUID(), csrf_token: randomUUID(), expires_at: expiresAt });
    return tokenHash;
  };
  const exists = async (tokenHash: string) => Boolean(await db('sessions').where({ token_hash: tokenHash }).first());

  it('deletes expired sessions and keeps live ones', async () => {
    const expired = [await session(new Date(Date.now() - 60_000)), await session(new Date(Date.now() - 30 * 86_400_000))];
    const live = await session(new Date(Date.now() + 3_600_000));
    const result = await worker.client.workflow.execute(housekeepingWorkflow, { taskQueue: worker.taskQueue, workflowId: `housekeeping-test-${randomUUID()}` });
    expect(result.expiredSessionsDeleted).toBeGreaterThanOrEqual(2);
    expect(await Promise.all(expired.map(exists))).toEqual([false, false]);
    expect(await exists(live)).toBe(true);
  });

  it('is one schedule for the cluster: the first worker creates it, the others find it, and it runs a pass', async () => {
    expect(await ensureHousekeepingSchedule(worker.client, worker.taskQueue)).toBe('created');
    expect(await ensureHousekeepingSchedule(worker.client, worker.taskQueue)).toBe('existing');
    const handle = worker.client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(described.policies.overlap).toBe('SKIP');

    const expired = await session(new Date(Date.now() - 1_000));
    await handle.trigger();
    await eventually(async () => expect(await exists(expired)).toBe(false), 30_000);
    expect((await handle.describe()).info.recentActions.length).toBeGreaterThanOrEqual(1);
  });
});
