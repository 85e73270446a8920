import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType, NON_RETRYABLE } from '../activities/errors';
import {
  invitationAcceptedSignal,
  invitationDeclinedSignal,
  invitationStateQuery,
  invitationSupersededSignal,
  type InvitationOutcome,
  type InvitationState,
  type InvitationWorkflowInput,
} from './invitation-definitions';

const quick = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE] },
});

/**
 * One invitation to the Payments portal: send the email, then wait for the customer to
 * register (accepted), decline, or be re-invited (superseded) — or for the invitation to run
 * out (expired). Answers arrive as signals from the API, which has already recorded them in
 * PostgreSQL; expiry is recorded here, and only if nothing else was recorded first.
 */
export async function invitationWorkflow(input: InvitationWorkflowInput): Promise<InvitationOutcome> {
  const state: InvitationState = { invitationId: input.invitationId, emailSent: false, outcome: null };
  const settle = (outcome: InvitationOutcome) => {
    state.outcome ??= outcome;
  };
  setHandler(invitationStateQuery, () => state);
  setHandler(invitationAcceptedSignal, () => settle('accepted'));
  setHandler(invitationDeclinedSignal, () => settle('declined'));
  setHandler(invitationSupersededSignal, () => settle('superseded'));

  // The response period runs from the start, while the email is being sent.
  const answered = condition(() => state.outcome !== null, input.ttlMs);

  // A mail server that stays down for the whole validity period cannot deliver an invitation
  // worth accepting: stop trying to send when the invitation would have expired anyway.
  const send = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: Math.max(input.ttlMs, 60_000),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: [...NON_RETRYABLE] },
  });
  try {
    const result = await send.sendInvitationEmail({ invitationId: input.invitationId });
    if (!result.sent) {
      // Answered or replaced before the email went out: nothing left to wait for.
      settle(outcomeOf(result.status));
      return state.outcome!;
    }
    state.emailSent = true;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    if (error.cause instanceof ApplicationFailure && error.cause.type === FailureType.NonRetryable) {
      settle('abandoned');
      return state.outcome!;
    }
    // Sending kept failing for the whole period: expire it below.
  }

  if (!(await answered)) {
    const status = await quick.expireInvitation({ invitationId: input.invitationId });
    settle(outcomeOf(status));
  }
  return state.outcome!;
}

/** The workflow's outcome for the status PostgreSQL holds (a signal may have been lost). */
function outcomeOf(status: string): InvitationOutcome {
  switch (status) {
    case 'accepted':
    case 'declined':
    case 'superseded':
    case 'expired':
      return status;
    default:
      return 'abandoned';
  }
}
