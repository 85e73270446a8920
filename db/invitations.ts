import type { Knex } from 'knex';
import { Refusal, refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import { containsPattern, pageOf, type PageRequest } from './list-query';

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

/** An invitation with what its email names: the account and the dealer (and the dealer's time zone, for the expiry date). */
export type InvitationToSend = InvitationRow & { account_name: string; erp_account_id: string; dealer_name: string; time_zone: string };

export async function invitationToSend(db: Knex | Knex.Transaction, invitationId: string): Promise<InvitationToSend | undefined> {
  return db('invitations as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .join('dealers as d', 'd.id', 'i.dealer_id')
    .where('i.id', invitationId)
    .first('i.*', 'ca.name as account_name', 'ca.erp_account_id', 'd.name as dealer_name', 'd.time_zone');
}

/** Locks the invitation for sending its email; undefined when there is no such invitation. */
export async function lockInvitationStatus(trx: Knex.Transaction, invitationId: string): Promise<InvitationRowStatus | undefined> {
  const current = await trx('invitations').where({ id: invitationId }).forUpdate().first('status');
  return current?.status;
}

/** The registration link the email being queued carries: only its hash is kept, and any earlier link stops working. */
export async function recordInvitationSent(trx: Knex.Transaction, invitationId: string, tokenHash: string): Promise<void> {
  await trx('invitations').where({ id: invitationId }).update({ token_hash: tokenHash, sent_at: trx.fn.now(), updated_at: trx.fn.now() });
}

const INVITATION_COLUMNS = [
  'i.id', 'i.customer_account_id', 'ca.name as account_name', 'ca.erp_account_id', 'i.email',
  'i.sent_at', 'i.expires_at', 'i.responded_at', 'i.created_at', 'i.invited_by', 'ou.name as invited_by_name',
  'i.accepted_by_portal_user_id',
];

const INVITATION_SORTABLE = { created_at: 'i.created_at', sent_at: 'i.sent_at', expires_at: 'i.expires_at', status: EFFECTIVE_STATUS_SQL, email: 'i.email', account_name: 'lower(ca.name)' };

/** An invitation as the console lists it: the account it is for, who sent it, its shown status. */
export interface InvitationListRow {
  id: string;
  customer_account_id: string;
  account_name: string;
  erp_account_id: string;
  email: string;
  status: InvitationRowStatus;
  sent_at: Date | null;
  expires_at: Date;
  responded_at: Date | null;
  created_at: Date;
  invited_by: string | null;
  invited_by_name: string | null;
  accepted_by_portal_user_id: string | null;
}

export interface InvitationFilter {
  q?: string;
  status?: InvitationRowStatus[];
  customer_account_id?: string;
  id?: string[];
}

function scopedInvitations(db: Knex | Knex.Transaction, dealerId: string): Knex.QueryBuilder {
  return db('invitations as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .leftJoin('operator_users as ou', 'ou.id', 'i.invited_by')
    .where('i.dealer_id', dealerId);
}

const invitationColumns = (db: Knex | Knex.Transaction) => [...INVITATION_COLUMNS, db.raw(`${EFFECTIVE_STATUS_SQL} as status`)];

export async function listInvitations(db: Knex | Knex.Transaction, dealerId: string, filter: InvitationFilter, page: PageRequest): Promise<{ rows: InvitationListRow[]; total: number }> {
  const base = scopedInvitations(db, dealerId);
  if (filter.status) base.whereRaw(`${EFFECTIVE_STATUS_SQL} = any(?)`, [filter.status]);
  if (filter.customer_account_id) base.where('i.customer_account_id', filter.customer_account_id);
  if (filter.id) base.whereIn('i.id', filter.id);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    base.where((where) => where.whereRaw('lower(ca.name) like ?', [pattern]).orWhereRaw('lower(ca.erp_account_id) like ?', [pattern]).orWhereRaw('lower(i.email) like ?', [pattern]));
  }
  return pageOf<InvitationListRow>(base, invitationColumns(db), page, INVITATION_SORTABLE, 'i.id');
}

export async function invitationById(db: Knex | Knex.Transaction, dealerId: string, id: string): Promise<InvitationListRow> {
  const row = await scopedInvitations(db, dealerId).where('i.id', id).first(invitationColumns(db));
  if (!row) throw refuseNotFound('Invitation');
  return row;
}

/** The account a resend goes to; an accepted invitation has nothing left to resend. */
export async function invitationToResend(db: Knex | Knex.Transaction, dealerId: string, id: string): Promise<{ customer_account_id: string }> {
  const invitation = await db('invitations').where({ id, dealer_id: dealerId }).first('customer_account_id', 'status');
  if (!invitation) throw refuseNotFound('Invitation');
  if (invitation.status === 'accepted') throw refuseConflict('already_accepted', 'This invitation was accepted; the customer is registered and can sign in.');
  return { customer_account_id: invitation.customer_account_id };
}

/** The account an invitation was refused for, when it got that far. */
export interface InvitedAccount {
  id: string;
  erp_account_id: string;
  name: string;
}

/** Why an account cannot be invited; `details` carries the account when it was found. */
const refuseInvite = (kind: 'not_found' | 'conflict' | 'unprocessable', code: string, message: string, account: InvitedAccount | null) =>
  new Refusal(kind, code, message, { account });

export interface CreatedInvitation {
  outcome: 'invited' | 'resent';
  account: InvitedAccount;
  invitationId: string;
  email: string;
  expiresAt: Date;
  /** The pending invitation this one replaced, whose workflow should stop waiting. */
  superseded: string | null;
}

/**
 * Records a new pending invitation for one account of the dealer: locks the account, refuses
 * when portal access is off, the account is already registered or has no contact email,
 * supersedes a pending invitation (a resend) and audits, all in one transaction.
 * `beforeCommit` runs last inside it, so a failure there (starting the workflow) rolls the
 * invitation back. Refusals carry `{ account }` in their details.
 */
export async function createInvitation(
  db: Knex,
  dealerId: string,
  inviterId: string,
  customerAccountId: string,
  options: { tokenHash: string; ttlMs: number; beforeCommit: (invitationId: string) => Promise<void> },
): Promise<CreatedInvitation> {
  return db.transaction(async (trx) => {
    // Locking the account serialises two operators inviting the same customer at once.
    const account = await trx('customer_accounts')
      .where({ id: customerAccountId, dealer_id: dealerId })
      .whereNull('deleted_at')
      .forUpdate()
      .first('id', 'erp_account_id', 'name', 'portal_access_disabled');
    if (!account) throw refuseInvite('not_found', 'not_found', `No customer account ${customerAccountId} at this dealer.`, null);
    if (account.portal_access_disabled) {
      throw refuseInvite('conflict', 'portal_access_disabled', `Portal access is turned off for account ${account.erp_account_id}; turn it on before inviting.`, account);
    }
    const link = await trx('company_account_links as l')
      .join('customer_companies as c', 'c.id', 'l.company_id')
      .where({ 'l.customer_account_id': account.id, 'l.status': 'active' })
      .first('c.name');
    if (link) throw refuseInvite('conflict', 'already_registered', `Account ${account.erp_account_id} is already registered in the Payments portal (${link.name}).`, account);
    const email = await contactEmailFor(trx, account.id);
    if (!email) throw refuseInvite('unprocessable', 'no_email', `No email on file for account ${account.erp_account_id}; add a contact email in the ERP and try again.`, account);

    let superseded: string | null = null;
    const previous = await trx('invitations').where({ customer_account_id: account.id }).whereNot('status', 'superseded').orderBy('created_at', 'desc').first('id', 'status');
    if (previous?.status === 'pending') {
      await trx('invitations').where({ id: previous.id, status: 'pending' }).update({ status: 'superseded', updated_at: trx.fn.now() });
      superseded = previous.id;
    }
    const [invitation] = await trx('invitations')
      .insert({
        dealer_id: dealerId,
        customer_account_id: account.id,
        email,
        token_hash: options.tokenHash,
        status: 'pending',
        invited_by: inviterId,
        expires_at: new Date(Date.now() + options.ttlMs),
      })
      .returning(['id', 'expires_at']);
    const outcome = previous ? 'resent' : 'invited';
    await recordAudit(trx, {
      dealerId, actorKind: 'operator', actorId: inviterId, action: `invitation.${outcome}`,
      entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: account.id, email, supersedes: superseded ?? undefined },
    });
    await options.beforeCommit(invitation.id);
    return {
      outcome, account: { id: account.id, erp_account_id: account.erp_account_id, name: account.name },
      invitationId: invitation.id as string, email, expiresAt: new Date(invitation.expires_at), superseded,
    };
  });
}
