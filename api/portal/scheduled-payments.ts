import { Router } from 'express';
import { isGuid } from '../../contracts/fields';
import { idempotencyKey } from '../../contracts/portal/payments';
import { scheduleRequest } from '../../contracts/portal/scheduled-payments';
import { portalScope, type PortalSubject } from '../../db/portal-scope';
import { findApproval } from '../../db/payment-approvals';
import { cancelScheduledPayment, findScheduledPayment, scheduledPaymentsOf } from '../../db/scheduled-payments';
import { previewScheduledPayment, schedulePayment } from '../../services/scheduled-payments';
import { signalScheduleCanceled } from '../../workflows/scheduled-payment-client';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { scheduledPaymentViews } from '../scheduled-payment-view';
import { approvalViews } from './approval-view';
import { body } from '../validate';

/**
 * Paying on a later date (docs/scheduled-payments.md): preview as of that date, schedule (with
 * an Idempotency-Key, like paying now), list the company's schedules, cancel one not yet run.
 */
export function scheduledPaymentRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  const viewOf = async (customer: PortalSubject, id: string) => {
    if (!isGuid(id)) throw notFound('Scheduled payment');
    const row = await findScheduledPayment(db, await portalScope(db, customer), id);
    if (!row) throw notFound('Scheduled payment');
    return (await scheduledPaymentViews(db, [row]))[0]!;
  };

  router.post('/scheduled-payments/preview', async (req, res) => {
    res.json(await previewScheduledPayment(db, customerOf(req), body(req, scheduleRequest)));
  });

  router.post('/scheduled-payments', async (req, res) => {
    const customer = customerOf(req);
    const parsedKey = idempotencyKey.safeParse(req.get('idempotency-key'));
    if (!parsedKey.success) throw badRequest('idempotency_key_required', `Send an Idempotency-Key header (${parsedKey.error.issues[0]?.message ?? 'missing'}) so a retried request cannot schedule twice.`);
    const outcome = await schedulePayment({ db, temporal, config }, customer, parsedKey.data, body(req, scheduleRequest));
    // Above the company's approval threshold nothing is scheduled yet: 202, waiting for an owner.
    if (outcome.approvalId !== undefined) {
      const approval = await findApproval(db, await portalScope(db, customer), outcome.approvalId);
      res.status(202).json({ approval: (await approvalViews(db, [approval!], customer))[0]! });
      return;
    }
    res.status(outcome.created ? 201 : 200).json(await viewOf(customer, outcome.scheduledPaymentId));
  });

  router.get('/scheduled-payments', async (req, res) => {
    const rows = await scheduledPaymentsOf(db, await portalScope(db, customerOf(req)));
    res.json({ scheduledPayments: await scheduledPaymentViews(db, rows) });
  });

  router.post('/scheduled-payments/:id/cancel', async (req, res) => {
    const customer = customerOf(req);
    const id = String(req.params.id);
    const scheduled = await viewOf(customer, id);
    await cancelScheduledPayment(db, id, { kind: 'customer', id: customer.id, dealerId: scheduled.dealerId });
    await signalScheduleCanceled(temporal, id);
    res.json(await viewOf(customer, id));
  });

  return router;
}
