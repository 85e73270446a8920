import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ScheduledPaymentActivities } from '../activities/scheduled-payments';
import { scheduleCanceledSignal, type ScheduledPaymentInput } from './scheduled-payment-definitions';

const { runScheduledPayment } = proxyActivities<ScheduledPaymentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * Waits for the scheduled date, then turns the schedule into a payment (the activity does it
 * in one transaction and starts the payment's own workflow). A cancellation ends the wait; the
 * store has already given the items back, so the run would find nothing to do anyway.
 */
export async function scheduledPaymentWorkflow(input: ScheduledPaymentInput): Promise<string> {
  let canceled = false;
  setHandler(scheduleCanceledSignal, () => {
    canceled = true;
  });
  const waitMs = Math.max(0, Date.parse(input.runAt) - Date.now());
  if (await condition(() => canceled, waitMs)) return 'canceled';
  const result = await runScheduledPayment({ scheduledPaymentId: input.scheduledPaymentId });
  return result.outcome;
}
