import type { ActivityDeps } from '.';
import { makeAutopayDebit, planAutopayCycle, sendAutopayNotice, type AutopayDebitOutcome } from '../services/autopay';
import type { AutopayPlan } from '../workflows/autopay-definitions';

export interface AutopayActivities {
  planAutopayCycle(input: { enrolmentId: string }): Promise<AutopayPlan>;
  sendAutopayNotice(input: { enrolmentId: string; cycleKey: string }): Promise<'sent' | 'stopped' | 'not_active'>;
  makeAutopayDebit(input: { enrolmentId: string; cycleKey: string }): Promise<AutopayDebitOutcome>;
}

/** Each is idempotent: the cycle row remembers a notice sent and a debit made, keyed by enrolment and cycle. */
export function createAutopayActivities(deps: ActivityDeps): AutopayActivities {
  const service = { db: deps.db, temporal: deps.temporal, config: deps.config };
  return {
    planAutopayCycle: ({ enrolmentId }) => planAutopayCycle(service, enrolmentId),
    sendAutopayNotice: ({ enrolmentId, cycleKey }) => sendAutopayNotice(service, enrolmentId, cycleKey),
    makeAutopayDebit: ({ enrolmentId, cycleKey }) => makeAutopayDebit(service, enrolmentId, cycleKey),
  };
}
