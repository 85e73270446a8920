import type { Db } from '../db/connection';
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
  const company = await db('customer_companies').where({ id: companyId }).first();
  if (company.moov_account_id) return company.moov_account_id;
  const accountId = await moov.ensureCustomerAccount({ id: company.id, name: company.name });
  await db('customer_companies').where({ id: companyId }).update({ moov_account_id: accountId, updated_at: db.fn.now() });
  return accountId;
}

/** The dealer's receiving account at Moov. */
export async function dealerProcessorAccount(db: Db, moov: MoovClient, dealerId: string): Promise<string> {
  const dealer = await db('dealers').where({ id: dealerId }).first();
  if (dealer.moov_account_id) return dealer.moov_account_id;
  const accountId = await moov.ensureDealerAccount({ id: dealer.id, name: dealer.name });
  await db('dealers').where({ id: dealerId }).update({ moov_account_id: accountId, updated_at: db.fn.now() });
  return accountId;
}

export async function savePaymentMethod(db: Db, companyId: string, method: MoovPaymentMethod): Promise<string> {
  if (method.kind === 'wallet') throw new Error('a wallet is not a customer payment method');
  const [row] = await db('payment_methods')
    .insert({
      company_id: companyId,
      kind: method.kind,
      moov_payment_method_id: method.paymentMethodId,
      moov_source_id: method.sourceId,
      label: method.label,
      last4: method.last4 ?? '????',
      bank_name: method.bankName,
      card_brand: method.cardBrand,
      card_funding: method.kind === 'card' ? method.cardFunding ?? 'unknown' : null,
      billing_state: method.billingState,
      status: 'active',
    })
    .onConflict(['company_id', 'moov_payment_method_id'])
    .merge({ status: 'active', disabled_reason: null, label: method.label, updated_at: db.fn.now() })
    .returning('id');
  return row.id;
}

export async function linkBankFromPlaid(db: Db, clients: ProcessorClients, companyId: string, publicToken: string, plaidAccountId: string): Promise<string> {
  const { accessToken } = await clients.plaid.exchangePublicToken(publicToken);
  const processorToken = await clients.plaid.createMoovProcessorToken(accessToken, plaidAccountId);
  const moovAccountId = await companyProcessorAccount(db, clients.moov, companyId);
  const method = await clients.moov.linkBankAccountFromPlaid(moovAccountId, processorToken);
  return savePaymentMethod(db, companyId, method);
}

/** After the browser created a card at Moov, records its pay-in payment method. */
export async function saveLinkedCard(db: Db, moov: MoovClient, companyId: string, cardId: string): Promise<string | null> {
  const moovAccountId = await companyProcessorAccount(db, moov, companyId);
  const [method] = await moov.listPaymentMethods(moovAccountId, { types: ['card-payment'], sourceId: cardId });
  return method ? savePaymentMethod(db, companyId, method) : null;
}
