import { defineSignal } from '@temporalio/workflow';

/** One workflow per scheduled payment, beside the payment it becomes (`payment-<id>`). */
export const scheduledPaymentWorkflowId = (scheduledPaymentId: string) => `scheduled-payment-${scheduledPaymentId}`;

export interface ScheduledPaymentInput {
  scheduledPaymentId: string;
  /** When to submit it (ISO instant): early on the scheduled date in the dealer's time zone. */
  runAt: string;
}

/** The schedule was cancelled in the store: stop waiting. */
export const scheduleCanceledSignal = defineSignal('scheduleCanceled');
