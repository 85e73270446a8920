import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The per-dealer payment-reminder workflow's contract (workflow-safe; docs/reminders.md).
 * Every dealer has one `reminders-<dealerId>` workflow: it sleeps until the next dealer-local
 * 08:00, queues that day's reminders, and continues as new. With reminders off the run finds
 * nothing to do, so turning them on needs no start.
 */
export const remindersWorkflowId = (dealerId: string) => `reminders-${dealerId}`;

export interface RemindersInput {
  dealerId: string;
  lastRun?: ReminderRunSummary | null;
  /** A run requested just before continue-as-new is not lost. */
  runRequested?: boolean;
}

export interface ReminderRunSummary {
  finishedAt: string;
  /** The dealer-local date the run reminded for. */
  localDate: string;
  status: 'sent' | 'disabled' | 'dealer_gone';
  emails: number;
  items: number;
}

export interface ReminderPlan {
  runAt: string;
  localDate: string;
}

export interface RemindersState {
  dealerId: string;
  nextRunAt: string | null;
  running: boolean;
  lastRun: ReminderRunSummary | null;
}

/** Run today's reminders now (contacts already reminded today get nothing new). */
export const runRemindersNowSignal = defineSignal('runRemindersNow');
export const remindersStateQuery = defineQuery<RemindersState>('state');
