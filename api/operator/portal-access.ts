import { Router } from 'express';
import { setPortalAccess } from '../../db/portal-users';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { body } from '../validate';
import { customerDetail } from './customers';
import { routeId } from './list-helpers';
import { portalAccessDisableBody as disableBody, portalAccessRestoreBody as restoreBody } from '../../contracts/operator/customers';

/**
 * Turning a customer's Payments portal access off and on again. The flag lives on the
 * account; the portal reads it on every request (db/portal-scope.ts), so a disabled
 * account disappears from signed-in users at once and a restore brings it back without
 * anyone registering again. Both operator roles may do either: an AR operator may already
 * invite, which grants access, and cutting access off must not wait for an admin.
 */
export function portalAccessRoutes({ db }: AppDeps): Router {
  const router = Router();

  const change = (path: 'disable' | 'restore', disabled: boolean, schema: typeof disableBody | typeof restoreBody) => {
    router.post(`/customers/:id/portal-access/${path}`, requireRole('admin', 'ar_operator'), async (req, res) => {
      const operator = operatorOf(req);
      const id = routeId(req.params.id, 'Customer');
      const { reason } = body(req, schema);
      await setPortalAccess(db, operator.dealerId, { customerAccountId: id, disabled, operatorId: operator.id, reason });
      res.json(await customerDetail(db, operator.dealerId, id));
    });
  };
  change('disable', true, disableBody);
  change('restore', false, restoreBody);

  return router;
}
