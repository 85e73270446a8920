import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Knex } from 'knex';
import { recordAudit } from '../../db/audit';
import type { Db } from '../../db/connection';
import { effectiveStatus, respondToInvitation, type InvitationRow } from '../../db/invitations';
import { logger } from '../../runtime/logger';
import { invitationAcceptedSignal, invitationDeclinedSignal, invitationWorkflowId } from '../../workflows/invitation-definitions';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { startSession } from '../auth/sessions';
import { checkCredentials } from '../auth/sign-in';
import { hashToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, conflict, HttpError, notFound } from '../errors';
import { body } from '../validate';
import { invitationLookupBody, registerBody, registerExistingBody } from '../../contracts/portal/registration';

/** The terms a customer accepts when registering; bump when their text changes. */
export const TERMS_VERSION = '2026-01';

const lookupBody = invitationLookupBody;
const linkBody = registerExistingBody;

interface InvitationWithNames extends InvitationRow {
  dealer_name: string;
  account_name: string;
  erp_account_id: string;
}

/** Why a link no longer works, in words the customer can act on. */
function refusal(invitation: InvitationWithNames): HttpError | null {
  switch (effectiveStatus(invitation)) {
    case 'pending':
      return null;
    case 'accepted':
      return new HttpError(410, 'invitation_used', 'This invitation has already been used. Sign in with the login created from it.');
    case 'declined':
      return new HttpError(410, 'invitation_declined', `This invitation was declined. Ask ${invitation.dealer_name} to send a new one if you changed your mind.`);
    case 'superseded':
      return new HttpError(410, 'invitation_superseded', `${invitation.dealer_name} sent a newer invitation; use the link in the most recent email.`);
    case 'expired':
      return new HttpError(410, 'invitation_expired', `This invitation has expired. Ask ${invitation.dealer_name} to send a new one.`);
  }
}

async function findInvitation(db: Db | Knex.Transaction, rawToken: string, lock = false): Promise<InvitationWithNames> {
  const query = db('invitations as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .join('dealers as d', 'd.id', 'i.dealer_id')
    .where('i.token_hash', hashToken(rawToken))
    .first('i.*', 'd.name as dealer_name', 'ca.name as account_name', 'ca.erp_account_id');
  if (lock) query.forUpdate('i');
  const invitation = (await query) as InvitationWithNames | undefined;
  if (!invitation) throw notFound('Invitation');
  return invitation;
}

async function usableInvitation(db: Db | Knex.Transaction, rawToken: string, lock = false): Promise<InvitationWithNames> {
  const invitation = await findInvitation(db, rawToken, lock);
  const refused = refusal(invitation);
  if (refused) throw refused;
  return invitation;
}

/** The account joins the company; refuses if another login already holds it. */
async function linkAccount(trx: Knex.Transaction, invitation: InvitationWithNames, companyId: string): Promise<void> {
  const existing = await trx('company_account_links').where({ customer_account_id: invitation.customer_account_id }).first('company_id', 'status');
  if (existing && existing.company_id !== companyId) {
    throw conflict('account_already_linked', `Account ${invitation.erp_account_id} is already registered by another company. Contact ${invitation.dealer_name}.`);
  }
  if (existing) {
    await trx('company_account_links').where({ customer_account_id: invitation.customer_account_id }).update({ status: 'active', linked_at: trx.fn.now() });
  } else {
    await trx('company_account_links').insert({ company_id: companyId, dealer_id: invitation.dealer_id, customer_account_id: invitation.customer_account_id });
  }
}

async function accept(trx: Knex.Transaction, invitation: InvitationWithNames, portalUserId: string, companyId: string, action: string): Promise<void> {
  await linkAccount(trx, invitation, companyId);
  if (!(await respondToInvitation(trx, invitation.id, { status: 'accepted', portalUserId }))) {
    throw new HttpError(410, 'invitation_expired', `This invitation has expired. Ask ${invitation.dealer_name} to send a new one.`);
  }
  await recordAudit(trx, {
    dealerId: invitation.dealer_id, actorKind: 'customer', actorId: portalUserId, action,
    entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: invitation.customer_account_id, company_id: companyId },
  });
}

/** PostgreSQL already holds the answer; the workflow only needs to stop waiting. */
async function tellWorkflow(temporal: Client, invitationId: string, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
  try {
    await send(temporal.workflow.getHandle(invitationWorkflowId(invitationId)));
  } catch (error) {
    logger.warn({ err: error, invitationId }, 'could not signal the invitation workflow; its timer will find the recorded answer');
  }
}

/** Invitation look-up, registration (new login or an existing one), and one-click decline. */
export function registrationRoutes({ db, temporal }: AppDeps, secureCookies: boolean): Router {
  const router = Router();

  router.post('/invitations/lookup', async (req, res) => {
    const invitation = await usableInvitation(db, body(req, lookupBody).token);
    const existing = await db('portal_users').where({ email: invitation.email }).first('id');
    res.json({
      dealerName: invitation.dealer_name,
      accountName: invitation.account_name,
      erpAccountId: invitation.erp_account_id,
      email: invitation.email,
      expiresAt: invitation.expires_at,
      existingLogin: Boolean(existing),
      termsVersion: TERMS_VERSION,
    });
  });

  router.post('/register', async (req, res) => {
    const input = body(req, registerBody);
    const invitation = await usableInvitation(db, input.token);
    const email = input.email ?? invitation.email;
    if (input.termsVersion !== TERMS_VERSION) throw conflict('terms_changed', 'The terms changed while you were reading them; reload the page and accept the current version.');
    const problem = passwordProblem(input.password, email);
    if (problem) throw badRequest('weak_password', problem, [{ field: 'password', message: problem }]);
    const passwordHash = await hashPassword(input.password);

    const user = await db.transaction(async (trx) => {
      const locked = await usableInvitation(trx, input.token, true);
      if (await trx('portal_users').where({ email }).first('id')) {
        throw conflict('email_registered', `A portal login already exists for ${email}. Sign in with it to add this account.`);
      }
      const [company] = await trx('customer_companies').insert({ name: input.companyName ?? locked.account_name }).returning('id');
      const [created] = await trx('portal_users')
        .insert({ company_id: company.id, email, name: input.name, password_hash: passwordHash, terms_version: TERMS_VERSION, terms_accepted_at: trx.fn.now() })
        .returning(['id', 'email', 'name', 'company_id']);
      await accept(trx, locked, created.id, company.id, 'invitation.accepted');
      return created;
    });
    await tellWorkflow(temporal, invitation.id, (handle) => handle.signal(invitationAcceptedSignal, { portalUserId: user.id }));
    const { csrfToken } = await startSession(db, res, 'customer', user.id, secureCookies);
    res.status(201).json({ user: { id: user.id, email: user.email, name: user.name }, csrfToken });
  });

  // An existing login invited by another dealer proves its password; the account joins its company.
  router.post('/register/existing', async (req, res) => {
    const input = body(req, linkBody);
    const invitation = await usableInvitation(db, input.token);
    const user = await checkCredentials(db, 'portal_users', input.email, input.password);
    await db.transaction(async (trx) => {
      const locked = await usableInvitation(trx, input.token, true);
      await accept(trx, locked, user.id, user.company_id, 'invitation.accepted_by_existing_login');
    });
    await tellWorkflow(temporal, invitation.id, (handle) => handle.signal(invitationAcceptedSignal, { portalUserId: user.id }));
    const { csrfToken } = await startSession(db, res, 'customer', user.id, secureCookies);
    res.status(201).json({ user: { id: user.id, email: user.email, name: user.name }, csrfToken });
  });

  router.post('/invitations/decline', async (req, res) => {
    const rawToken = body(req, lookupBody).token;
    const found = await findInvitation(db, rawToken);
    // A second click on the same link is not an error.
    if (found.status === 'declined') return void res.json({ dealerName: found.dealer_name, alreadyDeclined: true });
    await db.transaction(async (trx) => {
      const invitation = await usableInvitation(trx, rawToken, true);
      if (!(await respondToInvitation(trx, invitation.id, { status: 'declined' }))) {
        throw new HttpError(410, 'invitation_expired', `This invitation has expired. Ask ${invitation.dealer_name} to send a new one.`);
      }
      await recordAudit(trx, {
        dealerId: invitation.dealer_id, actorKind: 'customer', action: 'invitation.declined',
        entityType: 'invitation', entityId: invitation.id, data: { customer_account_id: invitation.customer_account_id, email: invitation.email },
      });
    });
    await tellWorkflow(temporal, found.id, (handle) => handle.signal(invitationDeclinedSignal));
    res.json({ dealerName: found.dealer_name, alreadyDeclined: false });
  });

  return router;
}
