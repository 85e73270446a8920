import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One long-lived workflow per autopay enrolment (docs/autopay.md). */
export const autopayWorkflowId = (enrolmentId: string) => `autopay-${enrolmentId}`;

export interface AutopayInput {
  enrolmentId: string;
}

/** The enrolment changed in the store (suspended, resumed, cancelled, maximum raised): plan again. */
export const autopayChangedSignal = defineSignal('autopayChanged');

/** What the workflow waits for now, for the Temporal UI. */
export const autopayStateQuery = defineQuery<{ waitingFor: string; until: string | null; cycleKey: string | null }>('autopayState');

/** What the plan activity answers: a cycle's notice and debit instants, or to wait, or the end. */
export type AutopayPlan =
  | { kind: 'cycle'; cycleKey: string; debitDate: string; noticeAt: string; debitAt: string; noticed: boolean }
  | { kind: 'wait'; reason: string; recheckAt: string }
  | { kind: 'ended' };
