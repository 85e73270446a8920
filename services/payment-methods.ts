import type { Db } from '../db/connection';
import { upsertPaymentMethod } from '../db/payment-methods';
import { companyProcessorParty, dealerProcessorParty, recordCompanyProcessorAccount, recordDealerProcessorAccount } from '../db/processor-accounts';
import { sealCredential } from '../domain/credential-seal';
import { refuseNotFound } from '../domain/refusal';
import { createMoovClient, type MoovClient, type MoovPaymentMethod } from '../integrations/moov';
import { createPlaidClient, type PlaidClient } from '../integrations/plaid';
import type { Config } from '../runtime/config';

/**
 * Saving a way to pay: a bank account linked once through Plaid (credentials never reach
 * us; Plaid hands Moov a processor token) or a card the browser gave Moov directly. We keep
 * only Moov's ids and what a person needs to recognise the method.
 */
export interface ProcessorClients {
  moov: MoovClient;
  plaid: PlaidClient;
}

export const processorClients = (config: Config): ProcessorClients => ({ moov: createMoovClient(config), plaid: createPlaidClient(config) });

/** The company's account at Moov, created the first time it saves a payment method. */
export async function companyProcessorAccount(db: Db, moov: MoovClient, companyId: string): Promise<string> {
  const company = await companyProcessorParty(db, companyId);
  if (!company) throw refuseNotFound('Company');
  if (company.moov_account_id) return company.moov_account_id;
  const accountId = await moov.ensureCustomerAccount({ id: company.id, name: company.name });
  return recordCompanyProcessorAccount(db, companyId, accountId);
}

/** The dealer's receiving account at Moov. */
export async function dealerProcessorAccount(db: Db, moov: MoovClient, dealerId: string): Promise<string> {
  const dealer = await dealerProcessorParty(db, dealerId);
  if (!dealer) throw refuseNotFound('Dealer');
  if (dealer.moov_account_id) return dealer.moov_account_id;
  const accountId = await moov.ensureDealerAccount({ id: dealer.id, name: dealer.name });
  return recordDealerProcessorAccount(db, dealerId, accountId);
}

export async function savePaymentMethod(db: Db, companyId: string, method: MoovPaymentMethod, plaidItem?: { itemId: string; accessTokenSealed: string }): Promise<string> {
  if (method.kind === 'wallet') throw new Error('a wallet is not a customer payment method');
  return upsertPaymentMethod(db, companyId, {
    kind: method.kind,
    moovPaymentMethodId: method.paymentMethodId,
    moovSourceId: method.sourceId,
    label: method.label,
    last4: method.last4 ?? '????',
    bankName: method.bankName,
    cardBrand: method.cardBrand,
    cardFunding: method.kind === 'card' ? method.cardFunding ?? 'unknown' : null,
    billingState: method.billingState,
    plaidItemId: plaidItem?.itemId ?? null,
    plaidAccessTokenSealed: plaidItem?.accessTokenSealed ?? null,
  });
}

/**
 * The item's access token is kept, sealed: Plaid's webhooks name the item, and reconnecting an
 * expired login (Link's update mode) needs the token.
 */
export async function linkBankFromPlaid(db: Db, clients: ProcessorClients, dataKey: Buffer, companyId: string, publicToken: string, plaidAccountId: string): Promise<string> {
  const { accessToken, itemId } = await clients.plaid.exchangePublicToken(publicToken);
  const processorToken = await clients.plaid.createMoovProcessorToken(accessToken, plaidAccountId);
  const moovAccountId = await companyProcessorAccount(db, clients.moov, companyId);
  const method = await clients.moov.linkBankAccountFromPlaid(moovAccountId, processorToken);
  return savePaymentMethod(db, companyId, method, { itemId, accessTokenSealed: sealCredential(accessToken, dataKey) });
}

/** After the browser created a card at Moov, records its pay-in payment method. */
export async function saveLinkedCard(db: Db, moov: MoovClient, companyId: string, cardId: string): Promise<string | null> {
  const moovAccountId = await companyProcessorAccount(db, moov, companyId);
  const [method] = await moov.listPaymentMethods(moovAccountId, { types: ['card-payment'], sourceId: cardId });
  return method ? savePaymentMethod(db, companyId, method) : null;
}
