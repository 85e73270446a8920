import { get, post } from './api';
import { openPlaidLink } from './plaid-link';
import type { SavedMethod } from './types';
import type { CardSession, PlaidLinkToken } from '../../contracts/portal/payment-methods';

/**
 * Saved payment methods and the two ways to add one. Bank accounts are linked in Plaid Link
 * (Plaid's script and frame); cards are typed into Moov's card-link Drop (components/CardLink).
 * Neither bank credentials nor card numbers touch this page's code or our server: we learn a
 * Plaid public token or Moov's card id, and keep only what a person needs to recognise the method.
 */

type Raw = Record<string, unknown>;

/**
 * Where a payer's methods are linked: the signed-in company's (`/payment-methods/...`) or a
 * job pay link's own payer (`/job-links/<token>/...`, docs/company-roles.md).
 */
export interface MethodEndpoints {
  cardSession: string;
  cards: string;
  plaidLinkToken: string;
  plaidExchange: string;
}

export const COMPANY_METHODS: MethodEndpoints = {
  cardSession: '/payment-methods/card-session', cards: '/payment-methods/cards', plaidLinkToken: '/payment-methods/plaid/link-token', plaidExchange: '/payment-methods/plaid/exchange',
};

export const jobLinkMethods = (token: string): MethodEndpoints => {
  const base = `/job-links/${encodeURIComponent(token)}`;
  return { cardSession: `${base}/card-session`, cards: `${base}/cards`, plaidLinkToken: `${base}/plaid/link-token`, plaidExchange: `${base}/plaid/exchange` };
};
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function normalise(raw: Raw): SavedMethod {
  const kind = raw.kind === 'card' ? 'card' : 'ach';
  const last4 = str(raw.last4) ?? '';
  const name = kind === 'ach'
    ? str(raw.bankName) ?? str(raw.label) ?? 'Bank account'
    : [str(raw.cardBrand) ?? 'Card', str(raw.cardFunding)].filter((part) => part && part !== 'unknown').join(' ');
  return { id: String(raw.id), kind, label: `${name}${last4 ? ` ····${last4}` : ''}`, needsRelink: raw.needsRelink === true, relinkReason: str(raw.relinkReason) ?? null };
}

export async function listMethods(): Promise<SavedMethod[]> {
  const rows = await get<Raw[]>('/payment-methods');
  return rows.filter((row) => (str(row.status) ?? 'active') === 'active').map(normalise);
}

/** The one-time bank link: link token from our server, Plaid Link, public token back to our server. */
export async function linkBankAccount(endpoints: MethodEndpoints = COMPANY_METHODS): Promise<SavedMethod> {
  const token = await post<PlaidLinkToken>(endpoints.plaidLinkToken);
  const result = await openPlaidLink(token.scriptUrl, token.linkToken);
  if (!result.accountId) throw new Error('Your bank did not say which account to use; link it again and pick one account.');
  const saved = await post<Raw>(endpoints.plaidExchange, { publicToken: result.publicToken, accountId: result.accountId });
  return normalise(saved);
}

/**
 * Reconnecting a bank account whose login at the bank expired: Link in update mode for the
 * same item (the customer signs in again; nothing new is linked), then our server asks Plaid
 * whether the item is healthy again.
 */
export async function relinkBankAccount(methodId: string): Promise<SavedMethod> {
  const token = await post<PlaidLinkToken>(`/payment-methods/${encodeURIComponent(methodId)}/plaid/relink-token`);
  await openPlaidLink(token.scriptUrl, token.linkToken);
  return normalise(await post<Raw>(`/payment-methods/${encodeURIComponent(methodId)}/plaid/relinked`));
}

/** What Moov's card-link Drop needs: its script, a token that may only link cards, and the account. */
export function startCardSession(endpoints: MethodEndpoints = COMPANY_METHODS): Promise<CardSession> {
  return post<CardSession>(endpoints.cardSession);
}

/** After the Drop linked a card at Moov, our server records it by Moov's card id. */
export async function saveLinkedCard(cardId: string, endpoints: MethodEndpoints = COMPANY_METHODS): Promise<SavedMethod> {
  return normalise(await post<Raw>(endpoints.cards, { cardId }));
}
