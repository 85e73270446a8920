import type { Knex } from 'knex';
import { recordAudit } from './audit';

/**
 * The invitations read model. Status moves only forward from `pending`, always through a
 * conditional update (`where status = 'pending'`), so the API (accept, decline, resend) and
 * the invitation workflow (expire) can race without one overwriting the other's answer.
 */
export type InvitationRowStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'superseded';

export interface InvitationRow {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  email: string;
  token_hash: string;
  status: InvitationRowStatus;
  invited_by: string | null;
  sent_at: Date | null;
  expires_at: Date;
  responded_at: Date | null;
  accepted_by_portal_user_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Pending past its expiry reads as expired even before the workflow's timer records it. */
export const EFFECTIVE_STATUS_SQL = `case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end`;

export function effectiveStatus(row: Pick<InvitationRow, 'status' | 'expires_at'>, now = new Date()): InvitationRowStatus {
  return row.status === 'pending' && new Date(row.expires_at).getTime() <= now.getTime() ? 'expired' : row.status;
}

/** The address an invitation goes to: the account's primary contact first, then the oldest. */
export async function contactEmailFor(db: Knex | Knex.Transaction, customerAccountId: string): Promise<string | null> {
  const contact = await db('contacts')
    .where({ customer_account_id: customerAccountId })
    .whereNull('deleted_at')
    .whereNotNull('email')
    .whereRaw("trim(email) <> ''")
    .orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }])
    .first('email');
  return contact?.email ?? null;
}

/** Marks an invitation answered if it is still pending and unexpired; false otherwise. */
export async function respondToInvitation(
  trx: Knex.Transaction,
  invitationId: string,
  answer: { status: 'accepted'; portalUserId: string } | { status: 'declined' },
): Promise<boolean> {
  const updated = await trx('invitations')
    .where({ id: invitationId, status: 'pending' })
    .where('expires_at', '>', trx.fn.now())
    .update({
      status: answer.status,
      responded_at: trx.fn.now(),
      updated_at: trx.fn.now(),
      accepted_by_portal_user_id: answer.status === 'accepted' ? answer.portalUserId : null,
    });
  return updated === 1;
}

/** Records expiry if nothing else was recorded first; returns the status the row ends with. */
export async function expireInvitation(db: Knex, invitationId: string): Promise<InvitationRowStatus | 'missing'> {
  return db.transaction(async (trx) => {
    const expired = await trx('invitations')
      .where({ id: invitationId, status: 'pending' })
      .update({ status: 'expired', updated_at: trx.fn.now() })
      .returning(['dealer_id', 'customer_account_id']);
    if (expired.length === 1) {
      await recordAudit(trx, {
        dealerId: expired[0].dealer_id, actorKind: 'system', action: 'invitation.expired',
        entityType: 'invitation', entityId: invitationId, data: { customer_account_id: expired[0].customer_account_id },
      });
      return 'expired';
    }
    const row = await trx('invitations').where({ id: invitationId }).first('status');
    return row?.status ?? 'missing';
  });
}
