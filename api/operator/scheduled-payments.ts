import { Router } from 'express';
import { cancelScheduleBody } from '../../contracts/operator/scheduled-payments';
import { dealerAtSignIn } from '../../db/dealers';
import { dealerCustomerSchedules, findScheduledPayment } from '../../db/scheduled-payments';
import { cancelScheduledPaymentForDealer } from '../../services/scheduled-payments';
import { signalScheduleCanceled } from '../../workflows/scheduled-payment-client';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { scheduledPaymentViews } from '../scheduled-payment-view';
import { body } from '../validate';
import { routeId } from './list-helpers';

/**
 * A customer's payments scheduled from the portal (docs/scheduled-payments.md), as the dealer's
 * AR team sees them on the customer's page, and cancelling one that has not run: the customer
 * called to stop it, or the account went into dispute.
 */
export function operatorScheduledPaymentRoutes({ db, temporal }: AppDeps): Router {
  const router = Router();

  router.get('/customers/:id/scheduled-payments', async (req, res) => {
    const rows = await dealerCustomerSchedules(db, operatorOf(req).dealerId, routeId(req.params.id, 'Customer'));
    if (!rows) throw notFound('Customer');
    res.json({ scheduledPayments: await scheduledPaymentViews(db, rows) });
  });

  // Both roles: stopping a payment the customer asked to stop is everyday AR work.
  router.post('/scheduled-payments/:id/cancel', requireRole('admin', 'ar_operator'), async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Scheduled payment');
    if (!(await findScheduledPayment(db, { dealerId: operator.dealerId }, id))) throw notFound('Scheduled payment');
    const { reason } = body(req, cancelScheduleBody);
    const dealer = await dealerAtSignIn(db, operator.dealerId);
    await cancelScheduledPaymentForDealer(db, id, { id: operator.id, dealerId: operator.dealerId, dealerName: dealer?.name ?? 'Your supplier' }, reason);
    await signalScheduleCanceled(temporal, id);
    const row = await findScheduledPayment(db, { dealerId: operator.dealerId }, id);
    res.json((await scheduledPaymentViews(db, [row!]))[0]);
  });

  return router;
}
