import type { Client } from '@temporalio/client';
import { recordAudit } from '../../db/audit';
import type { Db } from '../../db/connection';
import { contactEmailFor } from '../../db/invitations';
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

class InviteRefused extends Error {
  constructor(public readonly code: string, message: string, public readonly account: { erp_account_id: string; name: string } | null) {
    super(message);
  }
}

export async function inviteAccount(deps: InviteDeps, inviter: Inviter, customerAccountId: string): Promise<InviteOutcome> {
  const { db, temporal, config } = deps;
  let superseded: string | null = null;
  try {
    const result = await db.transaction(async (trx) => {
      if (!GUID.test(customerAccountId)) throw new InviteRefused('not_found', `No customer account ${customerAccountId} at this dealer.`, null);
      // Locking the account serialises two operators inviting the same customer at once.
      const account = await trx('customer_accounts')
        .where({ id: customerAccountId, dealer_id: inviter.dealerId })
        .whereNull('deleted_at')
        .forUpdate()
        .first('id', 'erp_account_id', 'name', 'portal_access_disabled');
      if (!account) throw new InviteRefused('not_found', `No customer account ${customerAccountId} at this dealer.`, null);
      if (account.portal_access_disabled) {
        throw new InviteRefused('portal_access_disabled', `Portal access is turned off for account ${account.erp_account_id}; turn it on before inviting.`, account);
      }
      const link = await trx('company_account_links as l')
        .join('customer_companies as c', 'c.id', 'l.company_id')
        .where({ 'l.customer_account_id': account.id, 'l.status': 'active' })
        .first('c.name');
      if (link) throw new InviteRefused('already_registered', `Account ${account.erp_account_id} is already registered in the Payments portal (${link.name}).`, account);
      const email = await contactEmailFor(trx, account.id);
      if (!email) throw new InviteRefused('no_email', `No email on file for account ${account.erp_account_id}; add a contact email in the ERP and try again.`, account);

      const previous = await trx('invitations').where({ customer_account_id: account.id }).whereNot('status', 'superseded').orderBy('created_at', 'desc').first('id', 'status');
      if (previous?.status === 'pending') {
        await trx('invitations').where({ id: previous.id, status: 'pending' }).update({ status: 'superseded', updated_at: trx.fn.now() });
        superseded = previous.id;
      }
      // The token that reaches the customer is issued when the email is sent; until then the
      // row holds the hash of a random value nobody knows.
      const [invitation] = await trx('invitations')
        .insert({
          dealer_id: inviter.dealerId,
          customer_account_id: account.id,
          email,
          token_hash: newToken().hash,
          status: 'pending',
          invited_by: inviter.id,
          expires_at: new Date(Date.now() + config.INVITATION_TTL_MS),
        })
        .returning(['id', 'expires_at']);
      const outcome = previous ? 'resent' : 'invited';
      await recordAudit(trx, {
        dealerId: inviter.dealerId, actorKind: 'operator', actorId: inviter.id, action: `invitation.${outcome}`,
        entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: account.id, email, supersedes: superseded ?? undefined },
      });
      // Started before commit so a start failure rolls the invitation back; the workflow's
      // first activity waits for the row to become visible.
      await startInvitationWorkflow(temporal, config.TASK_QUEUE, { invitationId: invitation.id, ttlMs: config.INVITATION_TTL_MS });
      return {
        outcome, customerAccountId: account.id, erpAccountId: account.erp_account_id, accountName: account.name,
        invitationId: invitation.id as string, email: email as string, expiresAt: new Date(invitation.expires_at).toISOString(),
      } as const;
    });
    if (superseded) await signalSuperseded(temporal, superseded, result.invitationId);
    return result;
  } catch (error) {
    if (error instanceof InviteRefused) {
      return { outcome: 'error', customerAccountId, erpAccountId: error.account?.erp_account_id ?? null, accountName: error.account?.name ?? null, error: { code: error.code, message: error.message } };
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
