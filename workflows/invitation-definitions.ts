import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The invitation workflow's contract, shared by the API (which signals it when a customer
 * registers, declines or is re-invited) and the workflow. Workflow-safe (no I/O).
 *
 * PostgreSQL is the system of record for the invitation's status: the API changes it in the
 * same transaction that creates the login or records the decline, then signals the workflow
 * so it stops waiting. The workflow owns sending the email and expiring the invitation.
 */
export const invitationWorkflowId = (invitationId: string) => `invitation-${invitationId}`;

export interface InvitationWorkflowInput {
  invitationId: string;
  /** How long the customer has to respond; measured by the workflow's own timer. */
  ttlMs: number;
}

export type InvitationOutcome = 'accepted' | 'declined' | 'superseded' | 'expired' | 'abandoned';

export interface InvitationState {
  invitationId: string;
  emailSent: boolean;
  outcome: InvitationOutcome | null;
}

export const invitationAcceptedSignal = defineSignal<[{ portalUserId: string }]>('invitationAccepted');
export const invitationDeclinedSignal = defineSignal('invitationDeclined');
/** A resend replaced this invitation with a new one; this one stops waiting. */
export const invitationSupersededSignal = defineSignal<[{ byInvitationId: string }]>('invitationSuperseded');

export const invitationStateQuery = defineQuery<InvitationState>('state');
