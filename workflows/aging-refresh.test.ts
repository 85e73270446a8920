import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { nextAgingRefreshAt } from '../domain/aging';
import { logger } from '../runtime/logger';
import { ensureAgingRefresh, requestAgingRefresh } from './aging-refresh-client';
import { testConfig } from '../test/support/config';
import { testDb } from '../test/support/db';
import { startTestWorker } from '../test/support/temporal';
import { agingRefreshStateQuery, agingRefreshWorkflowId, type AgingRefreshState } from './aging-refresh-definitions';

describe('aging-refresh workflow', () => {
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

  async function createDealerWithAccounts(timeZone: string, balances: number[]): Promise<{ dealerId: string; accountIds: string[] }> {
    const [dealer] = await db('dealers').insert({ name: 'Nightly Lumber', slug: `nightly-${randomUUID()}`, integration_mode: 'file', time_zone: timeZone }).returning('id');
    const accountIds: string[] = [];
    for (const [index, balance] of balances.entries()) {
      const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: `N-${index}`, name: `Account ${index}` }).returning('id');
      accountIds.push(account.id);
      await db('invoices').insert({
        dealer_id: dealer.id, customer_account_id: account.id, invoice_number: `N-${randomUUID()}`,
        invoice_date: '2020-01-01', due_date: '2020-02-01', amount_cents: balance, balance_cents: balance,
      });
    }
    return { dealerId: dealer.id, accountIds };
  }

  async function waitForState(dealerId: string, ready: (state: AgingRefreshState) => boolean): Promise<AgingRefreshState> {
    const handle = temporal.client.workflow.getHandle(agingRefreshWorkflowId(dealerId));
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const state = await handle.query(agingRefreshStateQuery).catch(() => null);
      if (state && ready(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('aging refresh state never became ready');
  }

  it('runs one workflow per dealer, sleeping until the next 00:05 in the dealer time zone', async () => {
    const { dealerId } = await createDealerWithAccounts('America/Denver', [1_000]);
    const before = new Date();
    const first = await ensureAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    const second = await ensureAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);

    const state = await waitForState(dealerId, (s) => s.nextRunAt !== null);
    const after = new Date();
    expect([nextAgingRefreshAt(before, 'America/Denver').toISOString(), nextAgingRefreshAt(after, 'America/Denver').toISOString()]).toContain(state.nextRunAt);
    expect(state).toMatchObject({ dealerId, running: false, lastRun: null });
    // Nothing is computed before the timer fires (accounts only have their placeholder rows).
    expect(await db('account_stats').where({ dealer_id: dealerId }).whereRaw(`priority_components <> '{}'::jsonb`).count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
    expect(await db('dealer_ar_reference').where({ dealer_id: dealerId }).first()).toBeUndefined();
    await first.terminate('test done');
  });

  it('recomputes every account of the dealer on request and keeps running for the next night', async () => {
    const { dealerId, accountIds } = await createDealerWithAccounts('America/Chicago', [1_000, 5_000, 9_000]);
    await ensureAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    await waitForState(dealerId, (s) => s.nextRunAt !== null);

    await requestAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    const state = await waitForState(dealerId, (s) => s.lastRun !== null && s.nextRunAt !== null);

    expect(state.lastRun).toMatchObject({ accounts: 3, medianBalanceCents: 5_000 });
    const rows = await db('account_stats').whereIn('customer_account_id', accountIds).orderBy('outstanding_cents');
    expect(rows.map((row) => [row.outstanding_cents, row.aging_91_plus_cents])).toEqual([[1_000, 1_000], [5_000, 5_000], [9_000, 9_000]]);
    const description = await temporal.client.workflow.getHandle(agingRefreshWorkflowId(dealerId)).describe();
    expect(description.status.name).toBe('RUNNING');
    await temporal.client.workflow.getHandle(agingRefreshWorkflowId(dealerId)).terminate('test done');
  });

  it('ends when its dealer is gone', async () => {
    const { dealerId } = await createDealerWithAccounts('America/New_York', [2_000]);
    await ensureAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    await waitForState(dealerId, (s) => s.nextRunAt !== null);
    await db('dealers').where({ id: dealerId }).delete();
    await requestAgingRefresh(temporal.client, temporal.taskQueue, dealerId);
    await expect(temporal.client.workflow.getHandle(agingRefreshWorkflowId(dealerId)).result()).resolves.toBeUndefined();
  });
});
