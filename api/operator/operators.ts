import { Router } from 'express';
import { inviteOperator, listOperators, operatorById, resendOperatorInvite, updateOperator, type OperatorInviteDelivery } from '../../db/operators';
import type { Config } from '../../runtime/config';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import { newToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';
import { inviteOperatorBody as inviteBody, operatorFilter, updateOperatorBody as updateBody } from '../../contracts/operator/operators';

/** An invitation link is good for three days and only once. */
export const OPERATOR_INVITE_TTL_MS = 72 * 60 * 60 * 1000;


/** Team management: every operator sees the team; only admins invite, change roles or disable. */
export function operatorUserRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  const delivery = inviteDelivery(config);

  router.get('/operators', async (req, res) => {
    const params = listParams(req, { sort: { field: 'name', order: 'ASC' } });
    const filter = parseFilter(operatorFilter, params.filter);
    const { rows, total } = await listOperators(db, operatorOf(req).dealerId, {
      q: filter.q,
      role: filter.role ? asArray(filter.role) : undefined,
      status: filter.status ? asArray(filter.status) : undefined,
      id: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'operators', rows, params.range, total);
  });

  router.get('/operators/:id', async (req, res) => {
    res.json(await operatorById(db, operatorOf(req).dealerId, routeId(req.params.id, 'Operator')));
  });

  router.post('/operators', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const invite = body(req, inviteBody);
    const id = await inviteOperator(db, admin, invite, delivery(admin));
    res.status(201).json(await operatorById(db, admin.dealerId, id));
  });

  router.post('/operators/:id/resend-invitation', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const id = routeId(req.params.id, 'Operator');
    await resendOperatorInvite(db, admin, id, delivery(admin));
    res.json(await operatorById(db, admin.dealerId, id));
  });

  router.put('/operators/:id', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const id = routeId(req.params.id, 'Operator');
    await updateOperator(db, admin, id, body(req, updateBody));
    res.json(await operatorById(db, admin.dealerId, id));
  });

  return router;
}

/** A single-use link, good for three days, in an email signed by the inviting admin. */
function inviteDelivery(config: Config) {
  return (admin: { name: string }): OperatorInviteDelivery => ({
    token: newToken,
    ttlMs: OPERATOR_INVITE_TTL_MS,
    compose: (user, token, dealerName) => ({
      subject: `${admin.name} invited you to the ${dealerName ?? 'Drypowder'} operator console`,
      text: [
        `Hello ${user.name},`,
        '',
        `${admin.name} has invited you to manage receivables for ${dealerName ?? 'your company'} in Drypowder.`,
        'Choose your password with this link (it works once and expires in 72 hours):',
        '',
        `${config.PUBLIC_URL.replace(/\/$/, '')}/admin/#/set-password?token=${encodeURIComponent(token)}`,
        '',
        'If you did not expect this email you can ignore it.',
      ].join('\n'),
    }),
  });
}
