import type { Client } from '@temporalio/client';
import { ensureSchedule } from './schedules';
import { transferRecheckWorkflow, type TransferRecheckTotals } from './transfer-recheck';

export const TRANSFER_RECHECK_SCHEDULE_ID = 'transfer-recheck';

/**
 * The re-check of settled payments' transfers, from one schedule for the whole cluster
 * (docs/money-after-settlement.md); TRANSFER_RECHECK_EVERY_MS sets its interval when it is created.
 */
export async function ensureTransferRecheckSchedule(temporal: Client, taskQueue: string, everyMs: number): Promise<'created' | 'existing'> {
  return ensureSchedule(temporal, { scheduleId: TRANSFER_RECHECK_SCHEDULE_ID, every: everyMs, action: { type: 'startWorkflow', workflowType: transferRecheckWorkflow, workflowId: 'transfer-recheck', taskQueue, args: [] } });
}

/** One pass now, outside the schedule (operations after an outage of our webhook endpoint, and tests), for every dealer or one. */
export async function recheckTransfersNow(temporal: Client, taskQueue: string, runId: string, scope: { dealerId?: string } = {}): Promise<TransferRecheckTotals> {
  return temporal.workflow.execute(transferRecheckWorkflow, { workflowId: `transfer-recheck-now-${runId}`, taskQueue, args: [{ dealerId: scope.dealerId ?? null }] });
}
