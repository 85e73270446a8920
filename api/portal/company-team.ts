import { Router } from 'express';
import { addTeamMember, approvalThreshold, companyJobs, setApprovalThreshold, teamMembers, updateTeamMember, type TeamMemberRow } from '../../db/company-team';
import { queueEmail } from '../../db/email-outbox';
import { issuePasswordResetToken } from '../../db/portal-users';
import { COMPANY_ROLE_LABELS } from '../../domain/company-roles';
import { portalLink } from '../../domain/portal-links';
import { isGuid } from '../../contracts/fields';
import { addTeamMemberBody, approvalThresholdBody, updateTeamMemberBody } from '../../contracts/portal/company-roles';
import { escapeHtml } from '../../integrations/mailer';
import { deliverNow } from '../../services/email-relay';
import { customerOf } from '../auth/context';
import { requireCompanyRole } from '../auth/middleware';
import { hashPassword } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { TERMS_VERSION } from './registration';

/** How long a new team member's set-password link works. */
export const TEAM_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const memberView = (row: TeamMemberRow) => ({
  id: row.id, email: row.email, name: row.name, role: row.role, roleLabel: COMPANY_ROLE_LABELS[row.role], status: row.status,
  lastLoginAt: row.last_login_at ? new Date(row.last_login_at).toISOString() : null, jobIds: row.job_ids,
});

/**
 * The company's Team page (docs/company-roles.md), owners only: who has a login and in which
 * role, the jobs a project manager is assigned, and the approval threshold. A new member gets
 * an email with a single-use link to choose their password (the password-reset page).
 */
export function companyTeamRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const owner = requireCompanyRole('owner');

  const teamOf = async (companyId: string) => {
    const [members, jobs, threshold] = await Promise.all([teamMembers(db, companyId), companyJobs(db, companyId), approvalThreshold(db, companyId)]);
    return {
      members: members.map(memberView),
      jobs: jobs.map((job) => ({ id: job.id, erpJobId: job.erp_job_id, name: job.name, dealerName: job.dealer_name, accountName: job.account_name })),
      approvalThresholdCents: threshold,
    };
  };

  router.get('/team', owner, async (req, res) => {
    res.json(await teamOf(customerOf(req).companyId));
  });

  router.post('/team/members', owner, async (req, res) => {
    const customer = customerOf(req);
    const input = body(req, addTeamMemberBody);
    // Nobody knows this password: the member chooses theirs through the emailed link.
    const placeholder = await hashPassword(newToken().token);
    const created = await addTeamMember(db, { companyId: customer.companyId, portalUserId: customer.id }, { ...input, passwordHash: placeholder, termsVersion: TERMS_VERSION });
    const { token, hash } = newToken();
    await issuePasswordResetToken(db, created.id, hash, new Date(Date.now() + TEAM_INVITE_TTL_MS));
    const link = portalLink(config.PUBLIC_URL, 'reset-password', token);
    const roleLabel = COMPANY_ROLE_LABELS[input.role].toLowerCase();
    const emailId = await queueEmail(db, {
      dealerId: null, kind: 'portal_team_invitation', to: created.email, dedupeKey: `portal-team-invitation:${hashToken(token)}`,
      subject: `${customer.name} added you to the Payments portal`,
      text: `Hello ${created.name},\n\n${customer.name} added you to your company's Payments portal login as ${roleLabel}. Choose your password within 7 days (the link works once):\n${link}`,
      html: `<p>Hello ${escapeHtml(created.name)},</p><p>${escapeHtml(customer.name)} added you to your company's Payments portal login as ${escapeHtml(roleLabel)}.</p><p><a href="${escapeHtml(link)}">Choose your password</a> (within 7 days; the link works once).</p>`,
    });
    await deliverNow(db, config, [emailId]);
    const member = (await teamMembers(db, customer.companyId)).find((row) => row.id === created.id)!;
    res.status(201).json(memberView(member));
  });

  router.put('/team/members/:id', owner, async (req, res) => {
    const customer = customerOf(req);
    const id = String(req.params.id);
    // Another company's login is "not found" whatever the body says.
    if (!isGuid(id) || !(await teamMembers(db, customer.companyId)).some((row) => row.id === id)) throw notFound('Team member');
    await updateTeamMember(db, { companyId: customer.companyId, portalUserId: customer.id }, id, body(req, updateTeamMemberBody));
    const member = (await teamMembers(db, customer.companyId)).find((row) => row.id === id);
    if (!member) throw notFound('Team member');
    res.json(memberView(member));
  });

  router.put('/team/approval-threshold', owner, async (req, res) => {
    const customer = customerOf(req);
    const { approvalThresholdCents } = body(req, approvalThresholdBody);
    await setApprovalThreshold(db, { companyId: customer.companyId, portalUserId: customer.id }, approvalThresholdCents);
    res.json(await teamOf(customer.companyId));
  });

  return router;
}
