import { Router } from 'express';
import { activePortalLogin, issuePasswordResetToken, resetPortalPassword } from '../../db/portal-users';
import { queueEmail } from '../../db/email-outbox';
import { escapeHtml } from '../../integrations/mailer';
import { deliverNow } from '../../services/email-relay';
import { logger } from '../../runtime/logger';
import { portalLink } from '../../domain/portal-links';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, HttpError } from '../errors';
import { body } from '../validate';
import { forgotPasswordBody, resetPasswordBody } from '../../contracts/portal/auth';

export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

const forgotBody = forgotPasswordBody;
const resetBody = resetPasswordBody;

/**
 * Forgotten password for customer users. The request always gets the same answer, whether
 * or not the email has a login, and the email is sent after answering so timing does not
 * tell either. A reset link works once, for an hour, and only the newest one works.
 */
export function passwordResetRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.post('/auth/forgot-password', async (req, res) => {
    const { email } = body(req, forgotBody);
    res.status(202).json({ message: 'If a login exists for that email, a reset link is on its way. It works once, within an hour.' });
    void (async () => {
      const user = await activePortalLogin(db, email);
      if (!user) return;
      const { token, hash } = newToken();
      await issuePasswordResetToken(db, user.id, hash, new Date(Date.now() + PASSWORD_RESET_TTL_MS));
      const link = portalLink(config.PUBLIC_URL, 'reset-password', token);
      // Through the outbox like every email: an SMTP outage delays the link, it does not lose it.
      const emailId = await queueEmail(db, {
        dealerId: null,
        kind: 'portal_password_reset',
        to: user.email,
        subject: 'Reset your Payments portal password',
        text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Payments portal login. To choose a new password, open this link within an hour (it works once):\n${link}\n\nIf it was not you, ignore this email; your password stays as it is.`,
        html: `<p>Hello ${escapeHtml(user.name)},</p><p>Someone asked to reset the password of your Payments portal login.</p><p><a href="${escapeHtml(link)}">Choose a new password</a> (works once, within an hour).</p><p>If it was not you, ignore this email; your password stays as it is.</p>`,
        dedupeKey: `portal-password-reset:${hash}`,
      });
      await deliverNow(db, config, [emailId]);
    })().catch((error) => logger.error({ err: error }, 'password reset email failed'));
  });

  router.post('/auth/reset-password', async (req, res) => {
    const input = body(req, resetBody);
    const invalid = () => new HttpError(410, 'reset_link_invalid', 'This reset link has expired or was already used. Ask for a new one.');
    const outcome = await resetPortalPassword(db, hashToken(input.token), async (user) => {
      const problem = passwordProblem(input.password, user.email);
      if (problem) throw badRequest('weak_password', problem, [{ field: 'password', message: problem }]);
      return hashPassword(input.password);
    });
    if (outcome === 'invalid') throw invalid();
    res.status(204).end();
  });

  return router;
}
