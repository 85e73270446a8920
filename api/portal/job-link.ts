import { Router, type Request } from 'express';
import { isGuid } from '../../contracts/fields';
import { jobLinkPayBody } from '../../contracts/portal/company-roles';
import { idempotencyKey } from '../../contracts/portal/payments';
import { plaidExchangeBody, saveCardBody } from '../../contracts/portal/payment-methods';
import { jobLinkPayment } from '../../db/job-pay-links';
import { companyPaymentMethod, companyPaymentMethods } from '../../db/payment-methods';
import { parseDataKey } from '../../domain/credential-seal';
import { hashToken } from '../../domain/secret-tokens';
import { jobLinkItems, openJobPayLink, payJobLink, previewJobLinkPayment } from '../../services/job-pay-links';
import { companyProcessorAccount, linkBankFromPlaid, processorClients, saveLinkedCard } from '../../services/payment-methods';
import type { AppDeps } from '../deps';
import { badRequest, HttpError, notFound } from '../errors';
import { plaidWebhookUrl, providerBrowserSetup } from '../provider-browser';
import { body } from '../validate';
import { LINK_CLIENT_NAME, present } from './payment-methods';

/**
 * What a job pay link's holder reaches without a login (docs/company-roles.md): the supplier's
 * name and the job's open items, linking a card or bank account under the link's own payer
 * company, and paying exactly those items. Every route opens the link from its token first;
 * an expired, revoked or unknown link is one and the same "not found".
 */
export function jobLinkRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const clients = processorClients(config);
  const scripts = providerBrowserSetup(config);
  const dataKey = parseDataKey(config.DATA_ENCRYPTION_KEY);
  const webhook = plaidWebhookUrl(config);
  const linkOf = (req: Request) => openJobPayLink(db, hashToken(String(req.params.token)));

  router.get('/job-links/:token', async (req, res) => {
    const link = await linkOf(req);
    const [items, methods] = await Promise.all([jobLinkItems(db, link), companyPaymentMethods(db, link.payer_company_id)]);
    res.json({
      dealerName: link.dealer_name, jobName: link.job_name, payerLabel: link.payer_label, expiresAt: new Date(link.expires_at).toISOString(),
      items: items.map((item) => ({ type: item.type, id: item.id, number: item.number, dueDate: item.due_date, openCents: item.openCents })),
      totalCents: items.reduce((sum, item) => sum + (item.type === 'credit' ? -item.openCents : item.openCents), 0),
      paymentMethods: methods.filter((method) => method.status === 'active').map(present),
    });
  });

  router.post('/job-links/:token/card-session', async (req, res) => {
    const link = await linkOf(req);
    const accountId = await companyProcessorAccount(db, clients.moov, link.payer_company_id);
    const token = await clients.moov.createCardLinkToken(accountId);
    res.json({ accountId, accessToken: token.accessToken, expiresInSeconds: token.expiresInSeconds, scriptUrl: scripts.moovDropsScriptUrl });
  });

  router.post('/job-links/:token/cards', async (req, res) => {
    const link = await linkOf(req);
    const { cardId } = body(req, saveCardBody);
    const id = await saveLinkedCard(db, clients.moov, link.payer_company_id, cardId);
    if (!id) throw notFound('Card');
    res.status(201).json(present((await companyPaymentMethod(db, link.payer_company_id, id))!));
  });

  router.post('/job-links/:token/plaid/link-token', async (req, res) => {
    const link = await linkOf(req);
    const token = await clients.plaid.createLinkToken({ clientUserId: link.payer_company_id, clientName: LINK_CLIENT_NAME, webhook });
    res.json({ linkToken: token.linkToken, expiration: token.expiration, scriptUrl: scripts.plaidLinkScriptUrl });
  });

  router.post('/job-links/:token/plaid/exchange', async (req, res) => {
    const link = await linkOf(req);
    const { publicToken, accountId } = body(req, plaidExchangeBody);
    const id = await linkBankFromPlaid(db, clients, dataKey, link.payer_company_id, publicToken, accountId).catch((error: Error & { code?: string }) => {
      throw new HttpError(422, 'bank_link_failed', `The bank account could not be linked: ${error.message}`);
    });
    res.status(201).json(present((await companyPaymentMethod(db, link.payer_company_id, id))!));
  });

  router.post('/job-links/:token/preview', async (req, res) => {
    const link = await linkOf(req);
    res.json(await previewJobLinkPayment(db, link, body(req, jobLinkPayBody)));
  });

  router.post('/job-links/:token/payments', async (req, res) => {
    const link = await linkOf(req);
    const parsedKey = idempotencyKey.safeParse(req.get('idempotency-key'));
    if (!parsedKey.success) throw badRequest('idempotency_key_required', `Send an Idempotency-Key header (${parsedKey.error.issues[0]?.message ?? 'missing'}) so a retried submit cannot pay twice.`);
    const outcome = await payJobLink({ db, temporal, config }, link, parsedKey.data, body(req, jobLinkPayBody));
    const payment = await jobLinkPayment(db, link, outcome.paymentId!);
    res.status(outcome.created ? 201 : 200).json({ payment: { id: payment!.id, number: payment!.number, status: payment!.status, amountCents: Number(payment!.amount_cents) } });
  });

  router.get('/job-links/:token/payments/:paymentId', async (req, res) => {
    const link = await linkOf(req);
    const paymentId = String(req.params.paymentId);
    const payment = isGuid(paymentId) ? await jobLinkPayment(db, link, paymentId) : undefined;
    if (!payment) throw notFound('Payment');
    res.json({ payment: { id: payment.id, number: payment.number, status: payment.status, amountCents: Number(payment.amount_cents) } });
  });

  return router;
}
