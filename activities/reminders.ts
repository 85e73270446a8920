import type { ActivityDeps } from '.';
import { reminderDealer } from '../db/reminders';
import { localDate } from '../domain/dates';
import { deliverNow } from '../services/email-relay';
import { nextReminderRun, queueDealerReminders } from '../services/reminders';
import type { ReminderPlan, ReminderRunSummary } from '../workflows/reminders-definitions';

/** The `reminders-<dealerId>` workflow's side effects (docs/reminders.md). */
export function createReminderActivities({ db, config, logger }: ActivityDeps) {
  return {
    /** When the dealer's next daily run is due; null when the dealer is gone. */
    async planReminderRun(dealerId: string): Promise<ReminderPlan | null> {
      const dealer = await reminderDealer(db, dealerId);
      if (!dealer) return null;
      const next = nextReminderRun(new Date(), dealer.time_zone);
      return { runAt: next.runAt.toISOString(), localDate: next.localDate };
    },

    /** Queues the day's reminders (today in the dealer's zone unless `localDate`) and asks the relay to send them at once. */
    async sendDealerReminders({ dealerId, localDate: date }: { dealerId: string; localDate: string | null }): Promise<Omit<ReminderRunSummary, 'finishedAt'>> {
      const dealer = await reminderDealer(db, dealerId);
      if (!dealer) return { localDate: date ?? '', status: 'dealer_gone', emails: 0, items: 0 };
      const run = await queueDealerReminders(db, config, dealerId, date ?? localDate(new Date(), dealer.time_zone));
      if (run.emailIds.length > 0) {
        logger.info({ dealerId, localDate: run.localDate, emails: run.emailIds.length, items: run.items }, 'payment reminders queued');
        // Queued is enough: what this does not get out, the relay's next pass does.
        await deliverNow(db, config, run.emailIds);
      }
      return { localDate: run.localDate, status: run.status, emails: run.emailIds.length, items: run.items };
    },
  };
}
