import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { acceptWithExistingLogin, declineInvitation, invitationByToken, registerFromInvitation, type InvitationWithNames } from '../../db/invitation-acceptance';
import { effectiveStatus } from '../../db/invitations';
import { portalLoginExists } from '../../db/portal-users';
import { logger } from '../../runtime/logger';
import { invitationAcceptedSignal, invitationDeclinedSignal, invitationWorkflowId } from '../../workflows/invitation-definitions';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { startSession } from '../auth/sessions';
import { checkCredentials } from '../auth/sign-in';
import { hashToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, conflict, HttpError } from '../errors';
import { body } from '../validate';
import { invitationLookupBody, registerBody, registerExistingBody } from '../../contracts/portal/registration';

/** The terms a customer accepts when registering; bump when their text changes. */
export const TERMS_VERSION = '2026-01';

const lookupBody = invitationLookupBody;
const linkBody = registerExistingBody;

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

/** Used, declined, superseded or expired: the link's answer, in the words above. */
const noLongerUsable = (invitation: InvitationWithNames): HttpError =>
  refusal(invitation) ?? new HttpError(410, 'invitation_expired', `This invitation has expired. Ask ${invitation.dealer_name} to send a new one.`);

async function usableInvitation(db: Db, rawToken: string): Promise<InvitationWithNames> {
  const invitation = await invitationByToken(db, hashToken(rawToken));
  const refused = refusal(invitation);
  if (refused) throw refused;
  return invitation;
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
    const existingLogin = await portalLoginExists(db, invitation.email);
    res.json({
      dealerName: invitation.dealer_name,
      accountName: invitation.account_name,
      erpAccountId: invitation.erp_account_id,
      email: invitation.email,
      expiresAt: invitation.expires_at,
      existingLogin,
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

    const answered = await registerFromInvitation(db, hashToken(input.token), { email, name: input.name, passwordHash, companyName: input.companyName, termsVersion: TERMS_VERSION });
    if (!answered.usable) throw noLongerUsable(answered.invitation);
    const user = answered.value;
    await tellWorkflow(temporal, invitation.id, (handle) => handle.signal(invitationAcceptedSignal, { portalUserId: user.id }));
    const { csrfToken } = await startSession(db, res, 'customer', user.id, secureCookies);
    res.status(201).json({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, csrfToken });
  });

  // An existing login invited by another dealer proves its password; the account joins its company.
  router.post('/register/existing', async (req, res) => {
    const input = body(req, linkBody);
    const invitation = await usableInvitation(db, input.token);
    const user = await checkCredentials(db, 'portal_users', input.email, input.password);
    const answered = await acceptWithExistingLogin(db, hashToken(input.token), { id: user.id as string, company_id: user.company_id as string });
    if (!answered.usable) throw noLongerUsable(answered.invitation);
    await tellWorkflow(temporal, invitation.id, (handle) => handle.signal(invitationAcceptedSignal, { portalUserId: user.id }));
    const { csrfToken } = await startSession(db, res, 'customer', user.id, secureCookies);
    res.status(201).json({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, csrfToken });
  });

  router.post('/invitations/decline', async (req, res) => {
    const rawToken = body(req, lookupBody).token;
    const found = await invitationByToken(db, hashToken(rawToken));
    // A second click on the same link is not an error.
    if (found.status === 'declined') return void res.json({ dealerName: found.dealer_name, alreadyDeclined: true });
    const answered = await declineInvitation(db, hashToken(rawToken));
    if (!answered.usable) throw noLongerUsable(answered.invitation);
    await tellWorkflow(temporal, found.id, (handle) => handle.signal(invitationDeclinedSignal));
    res.json({ dealerName: found.dealer_name, alreadyDeclined: false });
  });

  return router;
}
