import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createReminderActivities } from '../activities/reminders';
import { remindersStateQuery, runRemindersNowSignal, type RemindersInput, type RemindersState } from './reminders-definitions';

type ReminderActivities = ReturnType<typeof createReminderActivities>;

const { planReminderRun } = proxyActivities<ReminderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Queuing is idempotent per contact and day, so a retry after a crash sends nothing twice.
const { sendDealerReminders } = proxyActivities<ReminderActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * One per dealer (`reminders-<dealerId>`): sleeps until the next dealer-local 08:00 (or a
 * `runRemindersNow` signal), queues the reminders that day's cadence names, then continues
 * as new so the history stays one day long. A worker down at 08:00 sends that day's
 * reminders, for that day, as soon as it is back.
 */
export async function remindersWorkflow(input: RemindersInput): Promise<void> {
  let runRequested = input.runRequested ?? false;
  const state: RemindersState = { dealerId: input.dealerId, nextRunAt: null, running: false, lastRun: input.lastRun ?? null };
  setHandler(runRemindersNowSignal, () => {
    runRequested = true;
  });
  setHandler(remindersStateQuery, () => state);

  const plan = await planReminderRun(input.dealerId);
  if (!plan) return;
  state.nextRunAt = plan.runAt;
  const requested = await condition(() => runRequested, Math.max(1, Date.parse(plan.runAt) - Date.now()));
  runRequested = false;

  state.running = true;
  // The timer's run reminds for the day it was planned for; a requested run for today.
  const outcome = await sendDealerReminders({ dealerId: input.dealerId, localDate: requested ? null : plan.localDate });
  state.running = false;
  state.lastRun = { finishedAt: new Date().toISOString(), localDate: outcome.localDate, status: outcome.status, emails: outcome.emails, items: outcome.items };
  if (outcome.status === 'dealer_gone') return;

  await continueAsNew<typeof remindersWorkflow>({ dealerId: input.dealerId, lastRun: state.lastRun, runRequested });
}
