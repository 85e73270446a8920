import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SETTLEMENT_NON_RETRYABLE } from '../activities/errors';
import {
  closeSettlementSignal, paymentJoinedSignal, paymentLeftSignal, postingChangedSignal, settlementResolvedSignal, settlementStateQuery,
  type SettlementWorkflowInput, type SettlementWorkflowState,
} from './settlement-definitions';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...SETTLEMENT_NON_RETRYABLE] },
});

/**
 * One dealer's settlement of one business day (`settlement-<dealerId>-<yyyy-mm-dd>`, then
 * `…-<sequence>` for the day's further settlements after an early close):
 *   open ──cutoff (or an operator's close)──▶ ready ──categories posted──▶ posted ──resolve──▶ done
 * Payments join and leave through activities that write the database and then signal here;
 * this workflow owns the cutoff timer and is the one that hands posted payments their
 * `glPosted` signal.
 */
export async function settlementWorkflow(input: SettlementWorkflowInput): Promise<SettlementWorkflowState> {
  const state: SettlementWorkflowState = {
    settlementId: input.settlementId,
    businessDate: input.businessDate,
    sequence: input.sequence ?? 1,
    status: 'open',
    closesAt: input.closesAt,
    joined: 0,
    left: 0,
  };
  let closeRequested: { actorId: string | null } | null = null;
  let postingChanges = 0;
  let resolved = false;

  setHandler(settlementStateQuery, () => state);
  // A retried join signals twice; count payments, not signals.
  const joined = new Set<string>();
  const left = new Set<string>();
  setHandler(paymentJoinedSignal, ({ paymentId }) => {
    joined.add(paymentId);
    state.joined = joined.size;
  });
  setHandler(paymentLeftSignal, ({ paymentId }) => {
    left.add(paymentId);
    state.left = left.size;
  });
  setHandler(closeSettlementSignal, ({ actorId }) => {
    closeRequested ??= { actorId };
  });
  setHandler(postingChangedSignal, () => {
    postingChanges += 1;
  });
  setHandler(settlementResolvedSignal, () => {
    resolved = true;
  });

  const untilCutoff = Date.parse(input.closesAt) - Date.now();
  if (untilCutoff > 0) await condition(() => closeRequested !== null, untilCutoff);
  const closed = await activities.closeSettlement({ settlementId: input.settlementId, actorId: (closeRequested as { actorId: string | null } | null)?.actorId ?? null });
  state.status = closed.status;

  while (!resolved) {
    await condition(() => postingChanges > 0 || resolved);
    if (postingChanges > 0) {
      postingChanges = 0;
      // The one sender of "payments posted", whoever posted (an auto-post run or an operator by
      // hand): a payment fully in the ledger may end once its return window has closed.
      state.status = (await activities.notifyPaymentsPosted({ settlementId: input.settlementId, signalPayments: true })).status;
    }
  }
  state.status = 'resolved';
  await condition(allHandlersFinished);
  return state;
}
