import { Router } from 'express';
import { EFFECTIVE_STATUS_SQL } from '../../db/invitations';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { HttpError, notFound } from '../errors';
import { inviteAccount, type InviteOutcome } from '../invitations/send';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';
import { invitationFilter, inviteBody } from '../../contracts/operator/invitations';
import { containsPattern, pageOf } from '../../db/list-query';


const COLUMNS = [
  'i.id', 'i.customer_account_id', 'ca.name as account_name', 'ca.erp_account_id', 'i.email',
  'i.sent_at', 'i.expires_at', 'i.responded_at', 'i.created_at', 'i.invited_by', 'ou.name as invited_by_name',
  'i.accepted_by_portal_user_id',
];

const SORTABLE = { created_at: 'i.created_at', sent_at: 'i.sent_at', expires_at: 'i.expires_at', status: EFFECTIVE_STATUS_SQL, email: 'i.email', account_name: 'lower(ca.name)' };

/**
 * Invitations to the Payments portal, for the dashboard's Invite / Resend actions and its
 * badge. POST answers per customer (invited, resent or error with the reason) so a bulk
 * invite never skips a customer silently.
 */
export function invitationRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  const scoped = (dealerId: string) =>
    db('invitations as i')
      .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
      .leftJoin('operator_users as ou', 'ou.id', 'i.invited_by')
      .where('i.dealer_id', dealerId);
  const columns = [...COLUMNS, db.raw(`${EFFECTIVE_STATUS_SQL} as status`)];

  router.post('/invitations', async (req, res) => {
    const operator = operatorOf(req);
    const { customerAccountIds } = body(req, inviteBody);
    const results: InviteOutcome[] = [];
    // One at a time: each invitation is its own transaction and workflow, and the order of
    // the answer follows the operator's selection.
    for (const id of [...new Set(customerAccountIds)]) results.push(await inviteAccount(deps, operator, id));
    const counts = { invited: 0, resent: 0, error: 0 };
    for (const result of results) counts[result.outcome] += 1;
    res.json({ results, counts });
  });

  router.post('/invitations/:id/resend', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Invitation');
    const invitation = await db('invitations').where({ id, dealer_id: operator.dealerId }).first('customer_account_id', 'status');
    if (!invitation) throw notFound('Invitation');
    if (invitation.status === 'accepted') throw new HttpError(409, 'already_accepted', 'This invitation was accepted; the customer is registered and can sign in.');
    const result = await inviteAccount(deps, operator, invitation.customer_account_id);
    if (result.outcome === 'error') {
      throw new HttpError(result.error.code === 'invitation_failed' ? 503 : 422, result.error.code, result.error.message);
    }
    const row = await scoped(operator.dealerId).where('i.id', result.invitationId).first(columns);
    res.status(201).json({ ...row, outcome: result.outcome });
  });

  router.get('/invitations', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parseFilter(invitationFilter, params.filter);
    const base = scoped(dealerId);
    if (filter.status) base.whereRaw(`${EFFECTIVE_STATUS_SQL} = any(?)`, [asArray(filter.status)]);
    if (filter.customer_account_id) base.where('i.customer_account_id', filter.customer_account_id);
    if (filter.id) base.whereIn('i.id', asArray(filter.id));
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      base.where((where) => where.whereRaw('lower(ca.name) like ?', [pattern]).orWhereRaw('lower(ca.erp_account_id) like ?', [pattern]).orWhereRaw('lower(i.email) like ?', [pattern]));
    }
    const { rows, total } = await pageOf(base, columns, params, SORTABLE, 'i.id');
    sendList(res, 'invitations', rows, params.range, total);
  });

  router.get('/invitations/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const row = await scoped(dealerId).where('i.id', routeId(req.params.id, 'Invitation')).first(columns);
    if (!row) throw notFound('Invitation');
    res.json(row);
  });

  return router;
}
