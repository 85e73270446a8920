import { Router } from 'express';
import { z } from 'zod';
import { paymentRequestSchema, previewPayment, submitPayment } from '../../services/payment-submission';
import { startPaymentWorkflow } from '../../services/payment-start';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest } from '../errors';
import { body } from '../validate';
import { paymentDetail } from './payment-view';
import { linkedAccountIds } from './scope';

const idempotencyKey = z.string().trim().min(8, 'must be at least 8 characters').max(200).regex(/^[\w.:-]+$/, 'may use letters, digits and . _ : - only');

/**
 * `POST /payments/preview` quotes a selection; `POST /payments` charges exactly that quote.
 * Submitting needs an `Idempotency-Key` header: the portal makes one per preview, so a
 * double click or a retried request returns the same payment instead of paying twice.
 */
export function paymentSubmissionRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  router.post('/payments/preview', async (req, res) => {
    const customer = customerOf(req);
    res.json(await previewPayment(db, customer.companyId, body(req, paymentRequestSchema)));
  });

  router.post('/payments', async (req, res) => {
    const customer = customerOf(req);
    const parsedKey = idempotencyKey.safeParse(req.get('idempotency-key'));
    if (!parsedKey.success) throw badRequest('idempotency_key_required', `Send an Idempotency-Key header (${parsedKey.error.issues[0]?.message ?? 'missing'}) so a retried submit cannot pay twice.`);
    const request = body(req, paymentRequestSchema);
    const { paymentId, created } = await submitPayment({ db, temporal, config }, customer, parsedKey.data, request);
    // A retry after a crash between commit and start finishes the start now.
    if (!created) {
      const row = await db('payments').where({ id: paymentId }).first('workflow_started_at');
      if (!row?.workflow_started_at) await startPaymentWorkflow(db, temporal, config, paymentId);
    }
    const payment = await paymentDetail(db, customer.companyId, await linkedAccountIds(db, customer.companyId), paymentId);
    res.status(created ? 201 : 200).json({ payment });
  });

  return router;
}
