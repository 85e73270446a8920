import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { createInvitation, type InvitedAccount } from '../../db/invitations';
import { isRefusal } from '../../domain/refusal';
import { logger } from '../../runtime/logger';
import type { Config } from '../../runtime/config';
import { startInvitationWorkflow } from '../../workflows/invitation-client';
import { invitationSupersededSignal, invitationWorkflowId } from '../../workflows/invitation-definitions';
import { newToken } from '../auth/tokens';

/**
 * Inviting one customer account: pick the contact address, supersede any pending invitation
 * (a resend), record the new one and start its workflow, all or nothing. Used by the single
 * and bulk invite and by resend, so each reports the same outcomes with the same messages.
 */
export type InviteOutcome =
  | { outcome: 'invited' | 'resent'; customerAccountId: string; erpAccountId: string; accountName: string; invitationId: string; email: string; expiresAt: string }
  | { outcome: 'error'; customerAccountId: string; erpAccountId: string | null; accountName: string | null; error: { code: string; message: string } };

export interface InviteDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

export interface Inviter {
  id: string;
  dealerId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function inviteAccount(deps: InviteDeps, inviter: Inviter, customerAccountId: string): Promise<InviteOutcome> {
  const { db, temporal, config } = deps;
  if (!GUID.test(customerAccountId)) {
    return { outcome: 'error', customerAccountId, erpAccountId: null, accountName: null, error: { code: 'not_found', message: `No customer account ${customerAccountId} at this dealer.` } };
  }
  try {
    const created = await createInvitation(db, inviter.dealerId, inviter.id, customerAccountId, {
      // The token that reaches the customer is issued when the email is sent; until then the
      // row holds the hash of a random value nobody knows.
      tokenHash: newToken().hash,
      ttlMs: config.INVITATION_TTL_MS,
      // Started before commit so a start failure rolls the invitation back; the workflow's
      // first activity waits for the row to become visible.
      beforeCommit: async (invitationId) => {
        await startInvitationWorkflow(temporal, config.TASK_QUEUE, { invitationId, ttlMs: config.INVITATION_TTL_MS });
      },
    });
    if (created.superseded) await signalSuperseded(temporal, created.superseded, created.invitationId);
    return {
      outcome: created.outcome, customerAccountId: created.account.id, erpAccountId: created.account.erp_account_id, accountName: created.account.name,
      invitationId: created.invitationId, email: created.email, expiresAt: created.expiresAt.toISOString(),
    };
  } catch (error) {
    if (isRefusal(error)) {
      const account = (error.details as { account?: InvitedAccount | null } | undefined)?.account ?? null;
      return { outcome: 'error', customerAccountId, erpAccountId: account?.erp_account_id ?? null, accountName: account?.name ?? null, error: { code: error.code, message: error.message } };
    }
    logger.error({ err: error, customerAccountId }, 'invitation could not be started');
    return { outcome: 'error', customerAccountId, erpAccountId: null, accountName: null, error: { code: 'invitation_failed', message: 'The invitation could not be sent right now; nothing was changed. Try again in a minute.' } };
  }
}

/** The superseded workflow stops waiting; if the signal is lost its timer finds the row already superseded. */
async function signalSuperseded(temporal: Client, invitationId: string, byInvitationId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(invitationWorkflowId(invitationId)).signal(invitationSupersededSignal, { byInvitationId });
  } catch (error) {
    logger.warn({ err: error, invitationId }, 'could not signal the superseded invitation workflow');
  }
}
