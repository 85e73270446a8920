import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { queueEmail } from '../../db/email-outbox';
import { deliverNow } from '../../services/email-relay';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { query } from '../validate';
import { listPayments, paymentDetail } from './payment-view';
import { receiptEmail, renderReceiptPdf } from './receipt';
import { portalScope } from '../../db/portal-scope';
import { GUID } from '../../contracts/fields';
import { historyQuery } from '../../contracts/portal/payments';


const paymentId = (value: unknown) => {
  if (typeof value !== 'string' || !GUID.test(value)) throw notFound('Payment');
  return value;
};

/** Payments history, one payment's detail, its PDF receipt and re-sending that receipt by email. */
export function paymentHistoryRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.get('/payments', async (req, res) => {
    const options = query(req, historyQuery);
    res.json(await listPayments(db, await portalScope(db, customerOf(req), options.dealerId), options));
  });

  router.get('/payments/:id', async (req, res) => {
    res.json(await paymentDetail(db, await portalScope(db, customerOf(req)), paymentId(req.params.id)));
  });

  router.get('/payments/:id/receipt.pdf', async (req, res) => {
    const payment = await paymentDetail(db, await portalScope(db, customerOf(req)), paymentId(req.params.id));
    const pdf = await renderReceiptPdf(payment);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="receipt-${payment.number}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  router.post('/payments/:id/receipt/email', async (req, res) => {
    const customer = customerOf(req);
    const payment = await paymentDetail(db, await portalScope(db, customer), paymentId(req.params.id));
    const pdf = await renderReceiptPdf(payment);
    const email = receiptEmail(payment, customer.email, pdf);
    // Each press is its own email. Queued, it survives an SMTP outage: the relay delivers it
    // when the server is back, so the answer is "on its way" either way.
    const emailId = await queueEmail(db, {
      dealerId: payment.dealerId, kind: 'payment_receipt', to: email.to, subject: email.subject, text: email.text, html: email.html ?? null,
      dedupeKey: `receipt:${payment.id}:${randomUUID()}`, customerAccountId: payment.customerAccountId, paymentId: payment.id,
      attachments: email.attachments,
    });
    await deliverNow(db, config, [emailId]);
    res.status(202).json({ sentTo: customer.email });
  });

  return router;
}
