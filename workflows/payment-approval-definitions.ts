import { defineSignal } from '@temporalio/workflow';

/** One workflow per payment waiting for an owner's approval (docs/company-roles.md). */
export const paymentApprovalWorkflowId = (approvalId: string) => `payment-approval-${approvalId}`;

export interface PaymentApprovalInput {
  approvalId: string;
  /** When the approval lapses (ISO instant), as stored with it. */
  expiresAt: string;
  /** How often the owners are reminded while it waits. */
  reminderEveryMs: number;
}

/** An owner approved or declined it in the store: stop reminding and waiting. */
export const approvalDecidedSignal = defineSignal('approvalDecided');
