import { ApplicationFailure, Context } from '@temporalio/activity';
import { newToken } from '../domain/secret-tokens';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { recordAudit } from '../db/audit';
import { expireInvitation, invitationToSend, lockInvitationStatus, recordInvitationSent, type InvitationRowStatus } from '../db/invitations';
import { queueEmail, queuedEmailId } from '../db/email-outbox';
import { deliverNow, outboxMessageId } from '../services/email-relay';
import { portalLink } from '../domain/portal-links';
import { invitationEmail } from './invitation-email';

/** The API starts the workflow just before its transaction commits; give the row a moment to appear. */
const ATTEMPTS_BEFORE_GIVING_UP_ON_A_MISSING_ROW = 8;

export type SendInvitationResult = { sent: true } | { sent: false; status: InvitationRowStatus };

export function createInvitationActivities({ db, config }: ActivityDeps) {
  return {
    /**
     * Issues a fresh registration token and queues the email carrying it, in one transaction,
     * then asks the relay to deliver it at once. The token exists in plain text only in the
     * email: the row keeps its SHA-256. A retry finds the email already queued and issues
     * nothing new, so there is one email and one live link; the relay retries the delivery.
     */
    async sendInvitationEmail({ invitationId }: { invitationId: string }): Promise<SendInvitationResult> {
      const row = await invitationToSend(db, invitationId);
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

      const dedupeKey = `invitation:${invitationId}`;
      const already = await queuedEmailId(db, dedupeKey);
      if (already) {
        await deliverNow(db, config, [already]);
        return { sent: true };
      }

      const queued = await db.transaction(async (trx): Promise<{ emailId: string } | { status: InvitationRowStatus }> => {
        const current = await lockInvitationStatus(trx, invitationId);
        if (current !== 'pending') return { status: current ?? 'superseded' };
        // A twin attempt that got the lock first has queued the email with its token: keep it.
        const twin = await queuedEmailId(trx, dedupeKey);
        if (twin) return { emailId: twin };
        const { token, hash } = newToken();
        await recordInvitationSent(trx, invitationId, hash);
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
        const emailId = await queueEmail(trx, {
          dealerId: row.dealer_id, kind: 'customer_invite', to: email.to, subject: email.subject, text: email.text, html: email.html ?? null, dedupeKey,
          customerAccountId: row.customer_account_id,
        });
        await recordAudit(trx, {
          dealerId: row.dealer_id, actorKind: 'system', action: 'invitation.sent', entityType: 'invitation', entityId: invitationId,
          data: { customer_account_id: row.customer_account_id, email: row.email, messageId: outboxMessageId(emailId) },
        });
        return { emailId };
      });
      if ('status' in queued) return { sent: false, status: queued.status };
      await deliverNow(db, config, [queued.emailId]);
      return { sent: true };
    },

    async expireInvitation({ invitationId }: { invitationId: string }): Promise<InvitationRowStatus | 'missing'> {
      return expireInvitation(db, invitationId);
    },
  };
}
