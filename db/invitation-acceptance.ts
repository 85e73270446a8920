import type { Knex } from 'knex';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import type { Db } from './connection';
import { effectiveStatus, respondToInvitation, type InvitationRow } from './invitations';
import { createCompanyLogin } from './portal-users';

/**
 * A customer answering an invitation from its link: registering a new login, adding the
 * account to an existing login's company, or declining. Each answer is one transaction that
 * locks the invitation, checks it is still usable, records the answer and its audit entry.
 * An invitation that can no longer be used comes back as `{ usable: false, invitation }`:
 * why (used, declined, superseded, expired) is the caller's to put into words.
 */
type Executor = Db | Knex.Transaction;

export interface InvitationWithNames extends InvitationRow {
  dealer_name: string;
  account_name: string;
  erp_account_id: string;
}

export type Answered<T> = { usable: true; value: T } | { usable: false; invitation: InvitationWithNames };

/** The invitation a link's token names, with the names its pages show; a not-found refusal otherwise. */
export async function invitationByToken(db: Executor, tokenHash: string, lock = false): Promise<InvitationWithNames> {
  const query = db('invitations as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .join('dealers as d', 'd.id', 'i.dealer_id')
    .where('i.token_hash', tokenHash)
    .first('i.*', 'd.name as dealer_name', 'ca.name as account_name', 'ca.erp_account_id');
  if (lock) query.forUpdate('i');
  const invitation = (await query) as InvitationWithNames | undefined;
  if (!invitation) throw refuseNotFound('Invitation');
  return invitation;
}

class NoLongerUsable extends Error {
  constructor(readonly invitation: InvitationWithNames) {
    super('invitation no longer usable');
  }
}

/**
 * Locks the invitation and runs `answer` in one transaction if the invitation can still be
 * used. `answer` returns false when respondToInvitation found it expired in the meantime;
 * the transaction then rolls back, so no login or link outlives the refused answer.
 */
async function answerInvitation<T>(db: Db, tokenHash: string, answer: (trx: Knex.Transaction, invitation: InvitationWithNames) => Promise<T | false>): Promise<Answered<T>> {
  try {
    const value = await db.transaction(async (trx) => {
      const invitation = await invitationByToken(trx, tokenHash, true);
      if (effectiveStatus(invitation) !== 'pending') throw new NoLongerUsable(invitation);
      const answered = await answer(trx, invitation);
      if (answered === false) throw new NoLongerUsable(invitation);
      return answered;
    });
    return { usable: true, value };
  } catch (error) {
    if (error instanceof NoLongerUsable) return { usable: false, invitation: error.invitation };
    throw error;
  }
}

/** The account joins the company; refuses if another company already holds it. */
async function linkAccount(trx: Knex.Transaction, invitation: InvitationWithNames, companyId: string): Promise<void> {
  const existing = await trx('company_account_links').where({ customer_account_id: invitation.customer_account_id }).first('company_id', 'status');
  if (existing && existing.company_id !== companyId) {
    throw refuseConflict('account_already_linked', `Account ${invitation.erp_account_id} is already registered by another company. Contact ${invitation.dealer_name}.`);
  }
  if (existing) {
    await trx('company_account_links').where({ customer_account_id: invitation.customer_account_id }).update({ status: 'active', linked_at: trx.fn.now() });
  } else {
    await trx('company_account_links').insert({ company_id: companyId, dealer_id: invitation.dealer_id, customer_account_id: invitation.customer_account_id });
  }
}

async function accept(trx: Knex.Transaction, invitation: InvitationWithNames, portalUserId: string, companyId: string, action: string): Promise<boolean> {
  await linkAccount(trx, invitation, companyId);
  if (!(await respondToInvitation(trx, invitation.id, { status: 'accepted', portalUserId }))) return false;
  await recordAudit(trx, {
    dealerId: invitation.dealer_id, actorKind: 'customer', actorId: portalUserId, action,
    entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: invitation.customer_account_id, company_id: companyId },
  });
  return true;
}

/**
 * A new company and login from the invitation, the invited account linked to it. The company
 * takes `companyName`, or the account's name when none is given.
 */
export async function registerFromInvitation(
  db: Db,
  tokenHash: string,
  login: { email: string; name: string; passwordHash: string; companyName?: string; termsVersion: string },
): Promise<Answered<Awaited<ReturnType<typeof createCompanyLogin>>>> {
  return answerInvitation(db, tokenHash, async (trx, invitation) => {
    const created = await createCompanyLogin(trx, { ...login, companyName: login.companyName ?? invitation.account_name });
    return (await accept(trx, invitation, created.id, created.company_id, 'invitation.accepted')) && created;
  });
}

/** An existing login (its password already checked) adds the invited account to its company. */
export async function acceptWithExistingLogin(db: Db, tokenHash: string, user: { id: string; company_id: string }): Promise<Answered<true>> {
  return answerInvitation(db, tokenHash, async (trx, invitation) => accept(trx, invitation, user.id, user.company_id, 'invitation.accepted_by_existing_login') as Promise<true | false>);
}

export async function declineInvitation(db: Db, tokenHash: string): Promise<Answered<true>> {
  return answerInvitation(db, tokenHash, async (trx, invitation) => {
    if (!(await respondToInvitation(trx, invitation.id, { status: 'declined' }))) return false;
    await recordAudit(trx, {
      dealerId: invitation.dealer_id, actorKind: 'customer', action: 'invitation.declined',
      entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: invitation.customer_account_id, email: invitation.email },
    });
    return true as const;
  });
}
