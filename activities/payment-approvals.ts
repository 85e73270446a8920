import type { ActivityDeps } from '.';
import { expireApproval, remindApprovers } from '../services/payment-approvals';

export interface PaymentApprovalActivities {
  remindApprovers(input: { approvalId: string; round: number }): Promise<{ waiting: boolean }>;
  expireApproval(input: { approvalId: string }): Promise<{ outcome: string }>;
}

export function createPaymentApprovalActivities(deps: ActivityDeps): PaymentApprovalActivities {
  return {
    // Both re-read the store: a decision made meanwhile wins, and a retried round sends nothing twice (dedupe keys).
    remindApprovers: ({ approvalId, round }) => remindApprovers(deps.db, deps.config.PUBLIC_URL, approvalId, round),
    expireApproval: ({ approvalId }) => expireApproval(deps.db, approvalId),
  };
}
