import { Router } from 'express';
import type { Knex } from 'knex';
import { recordAudit } from '../../db/audit';
import type { Config } from '../../runtime/config';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import { endAllSessions } from '../auth/sessions';
import { newToken } from '../auth/tokens';
import type { AppDeps } from '../deps';
import { badRequest, conflict, notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';
import { inviteOperatorBody as inviteBody, operatorFilter, updateOperatorBody as updateBody } from '../../contracts/operator/operators';
import { containsPattern, pageOf } from '../../db/list-query';

/** An invitation link is good for three days and only once. */
export const OPERATOR_INVITE_TTL_MS = 72 * 60 * 60 * 1000;


const COLUMNS = [
  'u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'u.last_login_at', 'u.created_at',
  // Whether a usable invitation link is outstanding, so the console can offer a resend.
  'tok.invite_expires_at',
];

const SORTABLE = { name: 'lower(u.name)', email: 'u.email', role: 'u.role', status: 'u.status', created_at: 'u.created_at', last_login_at: 'u.last_login_at' };

/** Team management: every operator sees the team; only admins invite, change roles or disable. */
export function operatorUserRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  const scoped = (dealerId: string) =>
    db('operator_users as u')
      .joinRaw(`left join lateral (
          select max(t.expires_at) as invite_expires_at from auth_tokens t
          where t.subject_id = u.id and t.purpose = 'operator_invite' and t.used_at is null and t.expires_at > now()
        ) as tok on true`)
      .where('u.dealer_id', dealerId);

  async function findOperator(dealerId: string, id: string) {
    const row = await scoped(dealerId).where('u.id', id).first(COLUMNS);
    if (!row) throw notFound('Operator');
    return row;
  }

  router.get('/operators', async (req, res) => {
    const params = listParams(req, { sort: { field: 'name', order: 'ASC' } });
    const filter = parseFilter(operatorFilter, params.filter);
    const base = scoped(operatorOf(req).dealerId);
    if (filter.role) base.whereIn('u.role', asArray(filter.role));
    if (filter.status) base.whereIn('u.status', asArray(filter.status));
    if (filter.id) base.whereIn('u.id', asArray(filter.id));
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      base.where((where) => where.whereRaw('lower(u.name) like ?', [pattern]).orWhereRaw('lower(u.email::text) like ?', [pattern]));
    }
    const { rows, total } = await pageOf(base, COLUMNS, params, SORTABLE, 'u.id');
    sendList(res, 'operators', rows, params.range, total);
  });

  router.get('/operators/:id', async (req, res) => {
    res.json(await findOperator(operatorOf(req).dealerId, routeId(req.params.id, 'Operator')));
  });

  router.post('/operators', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const invite = body(req, inviteBody);
    const id = await db.transaction(async (trx) => {
      // Emails are unique across dealers: one person, one console login.
      const existing = await trx('operator_users').where({ email: invite.email }).first('id');
      if (existing) throw conflict('email_taken', 'An operator with this email already exists.');
      const [user] = await trx('operator_users')
        .insert({ dealer_id: admin.dealerId, email: invite.email, name: invite.name, role: invite.role, status: 'invited' })
        .returning('id');
      await issueInvitation(trx, config, admin, { id: user.id, email: invite.email, name: invite.name });
      await recordAudit(trx, {
        dealerId: admin.dealerId, actorKind: 'operator', actorId: admin.id, action: 'operator.invited',
        entityType: 'operator_user', entityId: user.id, data: { email: invite.email, role: invite.role },
      });
      return user.id as string;
    });
    res.status(201).json(await findOperator(admin.dealerId, id));
  });

  router.post('/operators/:id/resend-invitation', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const id = routeId(req.params.id, 'Operator');
    await db.transaction(async (trx) => {
      const user = await trx('operator_users').where({ id, dealer_id: admin.dealerId }).forUpdate().first();
      if (!user) throw notFound('Operator');
      if (user.status !== 'invited') throw conflict('not_invited', 'This operator has already set a password.');
      // A fresh link replaces the old one, so only the latest email works.
      await trx('auth_tokens').where({ subject_id: id, purpose: 'operator_invite' }).whereNull('used_at').update({ expires_at: trx.fn.now() });
      await issueInvitation(trx, config, admin, user);
      await recordAudit(trx, {
        dealerId: admin.dealerId, actorKind: 'operator', actorId: admin.id, action: 'operator.invitation_resent',
        entityType: 'operator_user', entityId: id, data: { email: user.email },
      });
    });
    res.json(await findOperator(admin.dealerId, id));
  });

  router.put('/operators/:id', requireRole('admin'), async (req, res) => {
    const admin = operatorOf(req);
    const id = routeId(req.params.id, 'Operator');
    const change = body(req, updateBody);
    await db.transaction(async (trx) => {
      const user = await trx('operator_users').where({ id, dealer_id: admin.dealerId }).forUpdate().first();
      if (!user) throw notFound('Operator');
      const patch: Record<string, unknown> = {};
      if (change.name !== undefined && change.name !== user.name) patch.name = change.name;
      if (change.role !== undefined && change.role !== user.role) patch.role = change.role;
      if (change.status !== undefined && change.status !== user.status) {
        if (user.status === 'invited') throw badRequest('invitation_pending', 'An invited operator becomes active by setting a password.');
        patch.status = change.status;
      }
      if (id === admin.id && (patch.role || patch.status)) throw badRequest('cannot_change_self', 'You cannot change your own role or disable yourself; ask another admin.');
      if (Object.keys(patch).length === 0) return;
      await trx('operator_users').where({ id }).update({ ...patch, updated_at: trx.fn.now() });
      if (patch.status === 'disabled') await endAllSessions(trx, 'operator', id);
      await recordAudit(trx, {
        dealerId: admin.dealerId, actorKind: 'operator', actorId: admin.id, action: 'operator.updated',
        entityType: 'operator_user', entityId: id,
        data: { changes: Object.fromEntries(Object.entries(patch).map(([key, to]) => [key, { from: user[key], to }])) },
      });
    });
    res.json(await findOperator(admin.dealerId, id));
  });

  return router;
}

/** Stores the hash of a single-use token and queues the email carrying the link. */
async function issueInvitation(trx: Knex.Transaction, config: Config, admin: { dealerId: string; name: string }, user: { id: string; email: string; name: string }) {
  const { token, hash } = newToken();
  await trx('auth_tokens').insert({ token_hash: hash, purpose: 'operator_invite', subject_id: user.id, expires_at: new Date(Date.now() + OPERATOR_INVITE_TTL_MS) });
  const dealer = await trx('dealers').where({ id: admin.dealerId }).first('name');
  const link = `${config.PUBLIC_URL.replace(/\/$/, '')}/admin/#/set-password?token=${encodeURIComponent(token)}`;
  await trx('email_outbox').insert({
    dealer_id: admin.dealerId,
    kind: 'operator_invite',
    to_address: user.email,
    subject: `${admin.name} invited you to the ${dealer?.name ?? 'Drypowder'} operator console`,
    text_body: [
      `Hello ${user.name},`,
      '',
      `${admin.name} has invited you to manage receivables for ${dealer?.name ?? 'your company'} in Drypowder.`,
      'Choose your password with this link (it works once and expires in 72 hours):',
      '',
      link,
      '',
      'If you did not expect this email you can ignore it.',
    ].join('\n'),
    dedupe_key: `operator-invite-${hash}`,
  });
}
