import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { fullyPostedPayments } from '../db/gl-posting';
import {
  closeSettlement, findSettlement, joinSettlement, leaveSettlement, queueReversal, type SettlementRow,
} from '../db/settlements';
import { isRefusal } from '../domain/refusal';
import type { SettlementStatus } from '../domain/settlement';
import { glPostedSignal, paymentWorkflowId } from '../workflows/payment-definitions';
import { signalPaymentJoined } from '../workflows/settlement-client';
import { paymentLeftSignal, settlementWorkflowId, type SettlementWorkflowInput } from '../workflows/settlement-definitions';

/**
 * Side effects of settlements: batch membership (called by the payment workflow), closing at
 * the cutoff, and telling payment workflows their lines reached the general ledger. The
 * database decides membership; Temporal is told afterwards, so a retried activity finds the
 * work done and only repeats the (idempotent) signal.
 */
export function createSettlementActivities(deps: ActivityDeps) {
  const { db } = deps;

  const refusal = (error: unknown): never => {
    if (isRefusal(error)) throw ApplicationFailure.create({ type: FailureType.SettlementRefusal, message: error.message, nonRetryable: true, details: [error.code] });
    throw error;
  };

  /** Starts the batch's settlement workflow if needed and tells it about the payment. */
  const signalJoined = async (settlement: SettlementRow, paymentId: string) => {
    const input: SettlementWorkflowInput = {
      settlementId: settlement.id,
      dealerId: settlement.dealer_id,
      businessDate: settlement.business_date,
      sequence: settlement.sequence,
      closesAt: new Date(settlement.closes_at).toISOString(),
    };
    // The row's own id: a day's second batch has its own workflow.
    await signalPaymentJoined(deps.temporal, deps.taskQueue, { workflowId: settlement.workflow_id, input }, paymentId);
  };

  const signalSettlement = async (settlement: SettlementRow, send: (handle: ReturnType<typeof deps.temporal.workflow.getHandle>) => Promise<void>) => {
    await send(deps.temporal.workflow.getHandle(settlement.workflow_id)).catch(ignoreNotFound);
  };

  return {
    async addToSettlement({ paymentId }: { paymentId: string }): Promise<{ settlementId: string }> {
      const { settlement } = await db.transaction((trx) => joinSettlement(trx, { paymentId, now: new Date(), workflowIdFor: settlementWorkflowId })).catch(refusal);
      // Signalled even when the payment had joined on an earlier attempt: that attempt may
      // have committed and then failed before reaching Temporal.
      if (settlement.status === 'open') await signalJoined(settlement, paymentId);
      return { settlementId: settlement.id };
    },

    async removeFromSettlement({ paymentId }: { paymentId: string }): Promise<void> {
      const left = await db.transaction((trx) => leaveSettlement(trx, { paymentId, actor: { kind: 'system' } })).catch(refusal);
      if (left) await signalSettlement(left, (handle) => handle.signal(paymentLeftSignal, { paymentId }));
    },

    async queueReversal({ paymentId }: { paymentId: string }): Promise<{ settlementId: string | null }> {
      const { settlement } = await db.transaction((trx) => queueReversal(trx, { paymentId, now: new Date(), workflowIdFor: settlementWorkflowId })).catch(refusal);
      if (!settlement) return { settlementId: null };
      if (settlement.status === 'open') await signalJoined(settlement, paymentId);
      return { settlementId: settlement.id };
    },

    /** A reversal queued after settlement landed in this batch: an open batch's workflow hears of it like a joining payment. */
    async announceReversal({ paymentId, settlementId }: { paymentId: string; settlementId: string }): Promise<void> {
      const settlement = await findSettlement(db, settlementId);
      if (settlement?.status === 'open') await signalJoined(settlement, paymentId);
    },

    async closeSettlement({ settlementId, actorId }: { settlementId: string; actorId: string | null }): Promise<{ status: SettlementStatus; paymentCount: number }> {
      const closed = await db
        .transaction((trx) => closeSettlement(trx, { settlementId, now: new Date(), actor: actorId ? { kind: 'operator', id: actorId } : { kind: 'system' } }))
        .catch(refusal);
      return { status: closed.status, paymentCount: closed.payment_count };
    },

    /**
     * Signals `glPosted` to every payment whose lines on this settlement are all in the
     * ledger. Repeats are harmless (the payment only records that it is posted); a payment
     * workflow that has already finished is skipped.
     */
    async notifyPaymentsPosted({ settlementId, signalPayments = true }: { settlementId: string; signalPayments?: boolean }): Promise<{ status: SettlementStatus; notified: number }> {
      const settlement = await findSettlement(db, settlementId);
      if (!settlement) throw ApplicationFailure.nonRetryable(`settlement ${settlementId} not found`, FailureType.NonRetryable);
      if (!signalPayments || settlement.status === 'open' || settlement.status === 'ready') return { status: settlement.status, notified: 0 };
      const paymentIds = await fullyPostedPayments(db, settlementId);
      let notified = 0;
      let done = 0;
      await forEachLimited(paymentIds, 64, async (paymentId) => {
        const delivered = await deps.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).signal(glPostedSignal, { settlementId }).then(() => true, ignoreNotFound);
        if (delivered) notified += 1;
        done += 1;
        if (done % 200 === 0) heartbeat(done);
      });
      return { status: settlement.status, notified };
    },
  };
}

function ignoreNotFound(error: unknown): false {
  if (error instanceof WorkflowNotFoundError) return false;
  throw error;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(workers);
}
