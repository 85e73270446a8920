import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AutopayActivities } from '../activities/autopay';
import { autopayChangedSignal, autopayStateQuery, type AutopayInput } from './autopay-definitions';

const { planAutopayCycle, sendAutopayNotice, makeAutopayDebit } = proxyActivities<AutopayActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * One cycle of an enrolment, then continue-as-new for the next: the plan (an activity reading
 * the store) names the next debit and its notice; the workflow sleeps to the notice, sends it,
 * sleeps to the debit and makes it. A change to the enrolment (suspend, resume, cancel) wakes
 * it to plan again; the activities re-check the enrolment themselves, so a change that races a
 * timer can never debit a suspended or cancelled enrolment.
 */
export async function autopayWorkflow(input: AutopayInput): Promise<string> {
  let changed = false;
  let state: { waitingFor: string; until: string | null; cycleKey: string | null } = { waitingFor: 'plan', until: null, cycleKey: null };
  setHandler(autopayChangedSignal, () => {
    changed = true;
  });
  setHandler(autopayStateQuery, () => state);
  const sleepUntil = async (instant: string) => condition(() => changed, Math.max(0, Date.parse(instant) - Date.now()));

  const plan = await planAutopayCycle({ enrolmentId: input.enrolmentId });
  if (plan.kind === 'ended') return 'ended';
  if (plan.kind === 'wait') {
    state = { waitingFor: plan.reason, until: plan.recheckAt, cycleKey: null };
    await sleepUntil(plan.recheckAt);
    return continueAsNew<typeof autopayWorkflow>(input);
  }
  if (!plan.noticed) {
    state = { waitingFor: 'notice', until: plan.noticeAt, cycleKey: plan.cycleKey };
    if (await sleepUntil(plan.noticeAt)) return continueAsNew<typeof autopayWorkflow>(input);
    const notice = await sendAutopayNotice({ enrolmentId: input.enrolmentId, cycleKey: plan.cycleKey });
    if (notice !== 'sent') return continueAsNew<typeof autopayWorkflow>(input);
  }
  state = { waitingFor: 'debit', until: plan.debitAt, cycleKey: plan.cycleKey };
  if (await sleepUntil(plan.debitAt)) return continueAsNew<typeof autopayWorkflow>(input);
  await makeAutopayDebit({ enrolmentId: input.enrolmentId, cycleKey: plan.cycleKey });
  return continueAsNew<typeof autopayWorkflow>(input);
}
