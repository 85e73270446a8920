import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { noopWorkflow } from '../workflows';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { startTestWorker } from './support/temporal';

describe('test harness', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    db = testDb();
    temporal = await startTestWorker({ db, logger, config: testConfig() });
  });
  afterAll(async () => {
    await temporal.stop();
    await db.destroy();
  });

  it('runs against a migrated PostgreSQL database with money constraints in force', async () => {
    const [dealer] = await db('dealers').insert({ name: 'Harness Lumber', slug: `harness-${randomUUID()}`, integration_mode: 'file' }).returning('id');
    const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: 'H-1', name: 'Harness Co' }).returning('id');
    const overpaid = db('invoices').insert({
      dealer_id: dealer.id, customer_account_id: account.id, invoice_number: 'INV-1',
      invoice_date: '2026-11-01', due_date: '2026-12-01', amount_cents: 1000, balance_cents: 1500,
    });
    await expect(overpaid).rejects.toThrow(/invoices_money/);
  });

  it('completes a workflow on the real Temporal dev server', async () => {
    const result = await temporal.client.workflow.execute(noopWorkflow, { taskQueue: temporal.taskQueue, workflowId: `noop-${randomUUID()}` });
    expect(result).toBe('ok');
  });
});
