import { Router } from 'express';
import { recordAudit } from '../../db/audit';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { conflict, notFound } from '../errors';
import { body } from '../validate';
import { customerDetail } from './customers';
import { routeId } from './list-helpers';
import { portalAccessDisableBody as disableBody, portalAccessRestoreBody as restoreBody } from '../../contracts/operator/customers';

/**
 * Turning a customer's Payments portal access off and on again. The flag lives on the
 * account; the portal reads it on every request (api/portal/scope.ts), so a disabled
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
      await db.transaction(async (trx) => {
        const account = await trx('customer_accounts')
          .where({ id, dealer_id: operator.dealerId })
          .whereNull('deleted_at')
          .forUpdate()
          .first('id', 'erp_account_id', 'portal_access_disabled');
        if (!account) throw notFound('Customer');
        if (account.portal_access_disabled === disabled) {
          throw disabled
            ? conflict('already_disabled', `Portal access for account ${account.erp_account_id} is already turned off.`)
            : conflict('not_disabled', `Portal access for account ${account.erp_account_id} is not turned off; there is nothing to restore.`);
        }
        await trx('customer_accounts').where({ id }).update({ portal_access_disabled: disabled, updated_at: trx.fn.now() });
        await recordAudit(trx, {
          dealerId: operator.dealerId,
          actorKind: 'operator',
          actorId: operator.id,
          action: disabled ? 'customer.portal_access_disabled' : 'customer.portal_access_restored',
          entityType: 'customer_account',
          entityId: id,
          data: { erp_account_id: account.erp_account_id, ...(reason ? { reason } : {}) },
        });
      });
      res.json(await customerDetail(db, operator.dealerId, id));
    });
  };
  change('disable', true, disableBody);
  change('restore', false, restoreBody);

  return router;
}
