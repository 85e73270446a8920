import { Router } from 'express';
import { paymentByIdempotencyKey, paymentWorkflowStarted } from '../../db/payments';
import { previewPayment, submitPayment } from '../../services/payment-submission';
import { startPaymentWorkflow } from '../../workflows/payment-client';
import { idempotencyKey, paymentRequest as paymentRequestSchema } from '../../contracts/portal/payments';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, HttpError } from '../errors';
import { body } from '../validate';
import { paymentDetail } from './payment-view';
import { portalScope } from '../../db/portal-scope';
import { findApproval } from '../../db/payment-approvals';
import { approvalViews } from './approval-view';

/**
 * `POST /payments/preview` quotes a selection; `POST /payments` charges exactly that quote.
 * Submitting needs an `Idempotency-Key` header: the portal makes one per press of Pay, so a
 * double click or a retried request returns the same payment instead of paying twice.
 * `GET /payment-attempts/:key` answers which payment a key created.
 */
export function paymentSubmissionRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  router.post('/payments/preview', async (req, res) => {
    const customer = customerOf(req);
    res.json(await previewPayment(db, customer, body(req, paymentRequestSchema)));
  });

  router.post('/payments', async (req, res) => {
    const customer = customerOf(req);
    const parsedKey = idempotencyKey.safeParse(req.get('idempotency-key'));
    if (!parsedKey.success) throw badRequest('idempotency_key_required', `Send an Idempotency-Key header (${parsedKey.error.issues[0]?.message ?? 'missing'}) so a retried submit cannot pay twice.`);
    const request = body(req, paymentRequestSchema);
    const outcome = await submitPayment({ db, temporal, config }, customer, parsedKey.data, request);
    // Above the company's approval threshold nothing is charged yet: 202, waiting for an owner.
    if (outcome.approvalId !== undefined) {
      const approval = await findApproval(db, await portalScope(db, customer), outcome.approvalId);
      res.status(202).json({ approval: (await approvalViews(db, [approval!], customer))[0]! });
      return;
    }
    const { paymentId, created } = outcome;
    // A retry after a crash between commit and start finishes the start now.
    if (!created) {
      if (!(await paymentWorkflowStarted(db, customer.companyId, paymentId))) await startPaymentWorkflow(db, temporal, config, paymentId);
    }
    const payment = await paymentDetail(db, await portalScope(db, customer), paymentId);
    res.status(created ? 201 : 200).json({ payment });
  });

  /**
   * The payment a submit attempt created, by its Idempotency-Key: a portal reloaded while its
   * submit was in flight asks this to find out whether the payment went through. 404 (code
   * `attempt_not_found`) means no payment carries the key — yet, if the submit is still running.
   */
  // `:id` is the attempt's key; named so the tenant-isolation matrix tries it with another company's key.
  router.get('/payment-attempts/:id', async (req, res) => {
    const customer = customerOf(req);
    const parsedKey = idempotencyKey.safeParse(req.params.id);
    if (!parsedKey.success) throw badRequest('invalid_attempt_key', `The attempt key ${parsedKey.error.issues[0]?.message ?? 'is not valid'}.`, [{ field: 'key', message: parsedKey.error.issues[0]?.message ?? 'invalid' }]);
    const row = await paymentByIdempotencyKey(db, customer.companyId, parsedKey.data);
    if (!row) throw new HttpError(404, 'attempt_not_found', 'No payment was created for this attempt.');
    res.json({ payment: await paymentDetail(db, await portalScope(db, customer), row.id) });
  });

  return router;
}
