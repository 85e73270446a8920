import { Router } from 'express';
import { invitationById, invitationToResend, listInvitations } from '../../db/invitations';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { HttpError } from '../errors';
import { inviteAccount, type InviteOutcome } from '../invitations/send';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';
import { invitationFilter, inviteBody } from '../../contracts/operator/invitations';


/**
 * Invitations to the Payments portal, for the dashboard's Invite / Resend actions and its
 * badge. POST answers per customer (invited, resent or error with the reason) so a bulk
 * invite never skips a customer silently.
 */
export function invitationRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

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
    const invitation = await invitationToResend(db, operator.dealerId, id);
    const result = await inviteAccount(deps, operator, invitation.customer_account_id);
    if (result.outcome === 'error') {
      throw new HttpError(result.error.code === 'invitation_failed' ? 503 : 422, result.error.code, result.error.message);
    }
    const row = await invitationById(db, operator.dealerId, result.invitationId);
    res.status(201).json({ ...row, outcome: result.outcome });
  });

  router.get('/invitations', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parseFilter(invitationFilter, params.filter);
    const { rows, total } = await listInvitations(db, dealerId, {
      q: filter.q,
      status: filter.status ? asArray(filter.status) : undefined,
      customer_account_id: filter.customer_account_id,
      id: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'invitations', rows, params.range, total);
  });

  router.get('/invitations/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    res.json(await invitationById(db, dealerId, routeId(req.params.id, 'Invitation')));
  });

  return router;
}
