import { Router } from 'express';
import { isGuid } from '../../contracts/fields';
import { declineApprovalBody } from '../../contracts/portal/company-roles';
import { approvalsOf, findApproval } from '../../db/payment-approvals';
import { portalScope } from '../../db/portal-scope';
import { approvePayment, declinePayment } from '../../services/payment-approvals';
import { customerOf, type CustomerContext } from '../auth/context';
import { requireCompanyRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { approvalViews } from './approval-view';

/**
 * Payments waiting for an owner (docs/company-roles.md): everyone sees those within their
 * scope (a project manager: their jobs'); only an owner approves or declines.
 */
export function paymentApprovalRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const owner = requireCompanyRole('owner');

  const approvalOf = async (customer: CustomerContext, id: string) => {
    if (!isGuid(id)) throw notFound('Payment approval');
    const row = await findApproval(db, await portalScope(db, customer), id);
    if (!row) throw notFound('Payment approval');
    return row;
  };

  router.get('/payment-approvals', async (req, res) => {
    const customer = customerOf(req);
    res.json({ approvals: await approvalViews(db, await approvalsOf(db, await portalScope(db, customer)), customer) });
  });

  router.post('/payment-approvals/:id/approve', owner, async (req, res) => {
    const customer = customerOf(req);
    const decided = await approvePayment({ db, temporal, config }, customer, await approvalOf(customer, String(req.params.id)));
    res.json({ approval: (await approvalViews(db, [decided], customer))[0]! });
  });

  router.post('/payment-approvals/:id/decline', owner, async (req, res) => {
    const customer = customerOf(req);
    const { reason } = body(req, declineApprovalBody);
    const decided = await declinePayment({ db, temporal, config }, customer, await approvalOf(customer, String(req.params.id)), reason ?? null);
    res.json({ approval: (await approvalViews(db, [decided], customer))[0]! });
  });

  return router;
}
