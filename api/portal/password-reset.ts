import { Router } from 'express';
import { escapeHtml, sharedMailer } from '../../integrations/mailer';
import { logger } from '../../runtime/logger';
import { portalLink } from '../../domain/portal-links';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { endAllSessions } from '../auth/sessions';
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
      const user = await db('portal_users').where({ email, status: 'active' }).first('id', 'email', 'name');
      if (!user) return;
      const { token, hash } = newToken();
      await db.transaction(async (trx) => {
        await trx('auth_tokens').where({ subject_id: user.id, purpose: 'portal_password_reset' }).whereNull('used_at').update({ used_at: trx.fn.now() });
        await trx('auth_tokens').insert({ token_hash: hash, purpose: 'portal_password_reset', subject_id: user.id, expires_at: new Date(Date.now() + PASSWORD_RESET_TTL_MS) });
      });
      const link = portalLink(config.PUBLIC_URL, 'reset-password', token);
      await sharedMailer(config).send({
        to: user.email,
        subject: 'Reset your Payments portal password',
        text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Payments portal login. To choose a new password, open this link within an hour (it works once):\n${link}\n\nIf it was not you, ignore this email; your password stays as it is.`,
        html: `<p>Hello ${escapeHtml(user.name)},</p><p>Someone asked to reset the password of your Payments portal login.</p><p><a href="${escapeHtml(link)}">Choose a new password</a> (works once, within an hour).</p><p>If it was not you, ignore this email; your password stays as it is.</p>`,
      });
    })().catch((error) => logger.error({ err: error }, 'password reset email failed'));
  });

  router.post('/auth/reset-password', async (req, res) => {
    const input = body(req, resetBody);
    const invalid = () => new HttpError(410, 'reset_link_invalid', 'This reset link has expired or was already used. Ask for a new one.');
    await db.transaction(async (trx) => {
      const row = await trx('auth_tokens')
        .where({ token_hash: hashToken(input.token), purpose: 'portal_password_reset' })
        .whereNull('used_at')
        .where('expires_at', '>', trx.fn.now())
        .forUpdate()
        .first();
      if (!row) throw invalid();
      const user = await trx('portal_users').where({ id: row.subject_id, status: 'active' }).first('id', 'email');
      if (!user) throw invalid();
      const problem = passwordProblem(input.password, user.email);
      if (problem) throw badRequest('weak_password', problem, [{ field: 'password', message: problem }]);
      await trx('portal_users').where({ id: user.id }).update({
        password_hash: await hashPassword(input.password), failed_logins: 0, locked_until: null, updated_at: trx.fn.now(),
      });
      await trx('auth_tokens').where({ token_hash: row.token_hash }).update({ used_at: trx.fn.now() });
      await endAllSessions(trx, 'customer', user.id);
    });
    res.status(204).end();
  });

  return router;
}
