import { Router } from 'express';
import { suspendBody } from '../../contracts/operator/autopay';
import { enrolmentsOf, findEnrolment, isDealerAccount } from '../../db/autopay';
import { changeEnrolment } from '../../services/autopay';
import { autopayAuthorizationResponse } from '../autopay-authorization-response';
import { enrolmentViews } from '../autopay-view';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { conflict, notFound } from '../errors';
import { body } from '../validate';
import { routeId } from './list-helpers';

/** Autopay on the console's customer page (docs/autopay.md): the account's enrolments, Suspend, the authorization PDF. */
export function operatorAutopayRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const rowOf = async (dealerId: string, id: unknown) => {
    const row = await findEnrolment(db, { dealerId }, routeId(id, 'Autopay enrolment'));
    if (!row) throw notFound('Autopay enrolment');
    return row;
  };

  router.get('/customers/:id/autopay', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const customerAccountId = routeId(req.params.id, 'Customer');
    if (!(await isDealerAccount(db, dealerId, customerAccountId))) throw notFound('Customer');
    res.json({ enrolments: await enrolmentViews(db, await enrolmentsOf(db, { dealerId, customerAccountId })) });
  });

  // Both roles: stopping debits a customer disputes must not wait for an admin.
  router.post('/autopay/:id/suspend', requireRole('admin', 'ar_operator'), async (req, res) => {
    const operator = operatorOf(req);
    const row = await rowOf(operator.dealerId, req.params.id);
    const { reason } = body(req, suspendBody);
    await changeEnrolment({ db, temporal, config }, row, 'suspend', { kind: 'operator', id: operator.id }, {}, reason);
    res.json((await enrolmentViews(db, [(await findEnrolment(db, { dealerId: operator.dealerId }, row.id))!]))[0]);
  });

  router.post('/autopay/:id/resume', requireRole('admin', 'ar_operator'), async (req, res) => {
    const operator = operatorOf(req);
    const row = await rowOf(operator.dealerId, req.params.id);
    if (row.status !== 'suspended') throw conflict('autopay_not_suspended', 'Only a suspended autopay is turned back on here; one that needs attention waits for the customer.');
    await changeEnrolment({ db, temporal, config }, row, 'resume', { kind: 'operator', id: operator.id });
    res.json((await enrolmentViews(db, [(await findEnrolment(db, { dealerId: operator.dealerId }, row.id))!]))[0]);
  });

  router.get('/autopay/:id/authorization.pdf', async (req, res) => {
    await autopayAuthorizationResponse(db, await rowOf(operatorOf(req).dealerId, req.params.id), res);
  });

  return router;
}
