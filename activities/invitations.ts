import { ApplicationFailure, Context } from '@temporalio/activity';
import { createHash, randomBytes } from 'node:crypto';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { recordAudit } from '../db/audit';
import { expireInvitation, type InvitationRowStatus } from '../db/invitations';
import { sharedMailer } from '../integrations/mailer';
import { portalLink } from '../domain/portal-links';
import { invitationEmail } from './invitation-email';

/** The API starts the workflow just before its transaction commits; give the row a moment to appear. */
const ATTEMPTS_BEFORE_GIVING_UP_ON_A_MISSING_ROW = 8;

export type SendInvitationResult = { sent: true } | { sent: false; status: InvitationRowStatus };

export function createInvitationActivities({ db, config }: ActivityDeps) {
  return {
    /**
     * Issues a fresh registration token and emails it. The token exists in plain text only in
     * the email: the row keeps its SHA-256. A retry after a lost acknowledgement issues a new
     * token and a new email, which makes the earlier link invalid — never two live links.
     */
    async sendInvitationEmail({ invitationId }: { invitationId: string }): Promise<SendInvitationResult> {
      const row = await db('invitations as i')
        .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
        .join('dealers as d', 'd.id', 'i.dealer_id')
        .where('i.id', invitationId)
        .first('i.*', 'ca.name as account_name', 'ca.erp_account_id', 'd.name as dealer_name', 'd.time_zone');
      if (!row) {
        if (Context.current().info.attempt >= ATTEMPTS_BEFORE_GIVING_UP_ON_A_MISSING_ROW) {
          throw ApplicationFailure.create({ type: FailureType.NonRetryable, message: `Invitation ${invitationId} was never recorded.`, nonRetryable: true });
        }
        throw ApplicationFailure.create({ type: FailureType.InvitationNotVisibleYet, message: `Invitation ${invitationId} is not visible yet.` });
      }
      if (row.status !== 'pending') return { sent: false, status: row.status };
      if (new Date(row.expires_at).getTime() <= Date.now()) {
        const status = await expireInvitation(db, invitationId);
        return { sent: false, status: status === 'missing' ? 'expired' : status };
      }

      // Same shape as every other single-use token (api/auth/tokens.ts): 32 random bytes, SHA-256 stored.
      const token = randomBytes(32).toString('base64url');
      const hash = createHash('sha256').update(token).digest('hex');
      const updated = await db('invitations').where({ id: invitationId, status: 'pending' }).update({ token_hash: hash, updated_at: db.fn.now() });
      if (updated === 0) {
        const current = await db('invitations').where({ id: invitationId }).first('status');
        return { sent: false, status: current?.status ?? 'superseded' };
      }

      const email = invitationEmail({
        to: row.email,
        dealerName: row.dealer_name,
        accountName: row.account_name,
        erpAccountId: row.erp_account_id,
        registerUrl: portalLink(config.PUBLIC_URL, 'register', token),
        declineUrl: portalLink(config.PUBLIC_URL, 'decline', token),
        expiresAt: new Date(row.expires_at),
        dealerTimeZone: row.time_zone,
      });
      const { messageId } = await sharedMailer(config).send(email);
      await db('invitations').where({ id: invitationId }).update({ sent_at: db.fn.now(), updated_at: db.fn.now() });
      await recordAudit(db, {
        dealerId: row.dealer_id, actorKind: 'system', action: 'invitation.sent', entityType: 'invitation', entityId: invitationId,
        data: { customer_account_id: row.customer_account_id, email: row.email, messageId },
      });
      return { sent: true };
    },

    async expireInvitation({ invitationId }: { invitationId: string }): Promise<InvitationRowStatus | 'missing'> {
      return expireInvitation(db, invitationId);
    },
  };
}
