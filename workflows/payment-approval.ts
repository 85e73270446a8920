import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PaymentApprovalActivities } from '../activities/payment-approvals';
import { approvalDecidedSignal, type PaymentApprovalInput } from './payment-approval-definitions';

const { remindApprovers, expireApproval } = proxyActivities<PaymentApprovalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * Waits for an owner's decision, reminding the owners every `reminderEveryMs`, and lets the
 * approval lapse at `expiresAt` (the activity releases the items and tells the requester).
 * A decision made in the store arrives as a signal; the activities re-read the store, so a
 * reminder or expiry racing a decision does nothing.
 */
export async function paymentApprovalWorkflow(input: PaymentApprovalInput): Promise<string> {
  let decided = false;
  setHandler(approvalDecidedSignal, () => {
    decided = true;
  });
  const expiresAt = Date.parse(input.expiresAt);
  let round = 0;
  for (;;) {
    const left = expiresAt - Date.now();
    if (left <= 0) break;
    if (await condition(() => decided, Math.min(left, input.reminderEveryMs))) return 'decided';
    if (expiresAt - Date.now() <= 0) break;
    round += 1;
    const { waiting } = await remindApprovers({ approvalId: input.approvalId, round });
    if (!waiting) return 'decided';
  }
  const { outcome } = await expireApproval({ approvalId: input.approvalId });
  return outcome;
}
