import type { ActivityDeps } from '.';
import { runScheduledPayment as run, type ScheduledRunOutcome } from '../services/scheduled-payments';

export interface ScheduledPaymentActivities {
  runScheduledPayment(input: { scheduledPaymentId: string }): Promise<ScheduledRunOutcome>;
}

export function createScheduledPaymentActivities(deps: ActivityDeps): ScheduledPaymentActivities {
  return {
    // Idempotent: a retry after the commit finds the schedule no longer waiting.
    async runScheduledPayment({ scheduledPaymentId }) {
      return run({ db: deps.db, temporal: deps.temporal, config: deps.config }, scheduledPaymentId);
    },
  };
}
