import { Router } from 'express';
import { companyPaymentMethod, companyPaymentMethods, disableCompanyPaymentMethod, type PaymentMethodRow } from '../../db/payment-methods';
import { companyProcessorAccount, linkBankFromPlaid, processorClients, saveLinkedCard } from '../../services/payment-methods';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound, HttpError } from '../errors';
import { routeId } from '../operator/list-helpers';
import { body } from '../validate';
import { plaidWebhookUrl, providerBrowserSetup } from '../provider-browser';
import { confirmRelinked, relinkLinkToken } from '../../services/plaid-items';
import { parseDataKey } from '../../domain/credential-seal';
import { plaidExchangeBody as exchangeBody, saveCardBody as cardBody } from '../../contracts/portal/payment-methods';

export function present(row: PaymentMethodRow) {
  return {
    id: row.id, kind: row.kind, label: row.label, last4: row.last4, bankName: row.bank_name, cardBrand: row.card_brand,
    cardFunding: row.card_funding, status: row.status, disabledReason: row.disabled_reason,
    needsRelink: row.relink_reason !== null, relinkReason: row.relink_reason, createdAt: row.created_at,
  };
}

/** What Link shows the customer ("Connect a bank account to …"). */
export const LINK_CLIENT_NAME = 'Drypowder Payments';

/** Saved payment methods of the customer's company; card and bank numbers never pass here. */
export function paymentMethodRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const clients = processorClients(config);
  const scripts = providerBrowserSetup(config);
  const dataKey = parseDataKey(config.DATA_ENCRYPTION_KEY);
  const webhook = plaidWebhookUrl(config);

  router.get('/payment-methods', async (req, res) => {
    const rows = await companyPaymentMethods(db, customerOf(req).companyId);
    res.json(rows.map(present));
  });

  router.post('/payment-methods/plaid/link-token', async (req, res) => {
    const customer = customerOf(req);
    const token = await clients.plaid.createLinkToken({ clientUserId: customer.id, clientName: LINK_CLIENT_NAME, webhook });
    res.json({ linkToken: token.linkToken, expiration: token.expiration, scriptUrl: scripts.plaidLinkScriptUrl });
  });

  router.post('/payment-methods/plaid/exchange', async (req, res) => {
    const customer = customerOf(req);
    const { publicToken, accountId } = body(req, exchangeBody);
    const id = await linkBankFromPlaid(db, clients, dataKey, customer.companyId, publicToken, accountId).catch((error: Error & { code?: string }) => {
      throw new HttpError(422, 'bank_link_failed', `The bank account could not be linked: ${error.message}`);
    });
    res.status(201).json(present((await companyPaymentMethod(db, customer.companyId, id))!));
  });

  // Update mode: the customer signs in to the bank again for the same item; nothing new is linked.
  router.post('/payment-methods/:id/plaid/relink-token', async (req, res) => {
    const customer = customerOf(req);
    const paymentMethodId = routeId(req.params.id, 'Payment method');
    const token = await relinkLinkToken(db, clients.plaid, dataKey, { companyId: customer.companyId, paymentMethodId, clientUserId: customer.id, clientName: LINK_CLIENT_NAME, webhook });
    res.json({ linkToken: token.linkToken, expiration: token.expiration, scriptUrl: scripts.plaidLinkScriptUrl });
  });

  router.post('/payment-methods/:id/plaid/relinked', async (req, res) => {
    const customer = customerOf(req);
    const paymentMethodId = routeId(req.params.id, 'Payment method');
    await confirmRelinked(db, clients.plaid, dataKey, { companyId: customer.companyId, paymentMethodId, customerId: customer.id });
    res.json(present((await companyPaymentMethod(db, customer.companyId, paymentMethodId))!));
  });

  // Moov's card-link Drop posts the card to Moov with this short-lived token, scoped to the company's account.
  router.post('/payment-methods/card-session', async (req, res) => {
    const customer = customerOf(req);
    const accountId = await companyProcessorAccount(db, clients.moov, customer.companyId);
    const token = await clients.moov.createCardLinkToken(accountId);
    res.json({ accountId, accessToken: token.accessToken, expiresInSeconds: token.expiresInSeconds, scriptUrl: scripts.moovDropsScriptUrl });
  });

  router.post('/payment-methods/cards', async (req, res) => {
    const customer = customerOf(req);
    const { cardId } = body(req, cardBody);
    const id = await saveLinkedCard(db, clients.moov, customer.companyId, cardId);
    if (!id) throw notFound('Card');
    res.status(201).json(present((await companyPaymentMethod(db, customer.companyId, id))!));
  });

  router.delete('/payment-methods/:id', async (req, res) => {
    // Not an id at all names no payment method; PostgreSQL would refuse it as a uuid instead.
    const id = routeId(req.params.id, 'Payment method');
    if (!(await disableCompanyPaymentMethod(db, customerOf(req).companyId, id, 'Removed by you'))) throw notFound('Payment method');
    res.status(204).end();
  });

  return router;
}
