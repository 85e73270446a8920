import { ApiError, get, post } from './api';
import type { SavedMethod } from './types';

/**
 * Saved payment methods and the two ways to add one. Bank accounts are linked in the Plaid
 * Link page (a popup); bank credentials never touch this page or our server. Card details go
 * from this page straight to the processor (Moov) with a short-lived token scoped to the
 * company's processor account; our server only learns the card's id and display data.
 */

type Raw = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function normalise(raw: Raw): SavedMethod {
  const kind = (str(raw.kind) ?? str(raw.type) ?? 'ach') === 'card' ? 'card' : 'ach';
  const last4 = str(raw.last4) ?? str(raw.lastFourDigits) ?? '';
  const name = kind === 'ach'
    ? str(raw.bankName) ?? str(raw.bank_name) ?? str(raw.label) ?? 'Bank account'
    : [str(raw.cardBrand) ?? str(raw.card_brand) ?? str(raw.brand) ?? 'Card', str(raw.cardFunding) ?? str(raw.card_funding)].filter((part) => part && part !== 'unknown').join(' ');
  return { id: String(raw.id), kind, label: str(raw.displayLabel) ?? `${name}${last4 ? ` ····${last4}` : ''}` };
}

export async function listMethods(): Promise<SavedMethod[]> {
  const payload = await get<Raw[] | { paymentMethods?: Raw[]; methods?: Raw[] }>('/payment-methods');
  const rows = Array.isArray(payload) ? payload : payload.paymentMethods ?? payload.methods ?? [];
  return rows.filter((row) => (str(row.status) ?? 'active') === 'active').map(normalise);
}

interface PlaidSuccess {
  public_token: string;
  metadata?: { accounts?: Array<{ id?: string }>; institution?: { institution_id?: string; name?: string }; link_session_id?: string };
}

/** Opens the Plaid Link page and resolves with its answer, or rejects when the person cancels. */
function openLink(linkUrl: string): Promise<PlaidSuccess> {
  const origin = new URL(linkUrl, window.location.href).origin;
  const popup = window.open(linkUrl, 'plaid-link', 'popup,width=480,height=720');
  if (!popup) return Promise.reject(new Error('Your browser blocked the bank-link window. Allow pop-ups for this site and try again.'));
  return new Promise((resolve, reject) => {
    const closedCheck = window.setInterval(() => {
      if (popup.closed) finish(() => reject(new Error('The bank-link window was closed before an account was chosen.')));
    }, 500);
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin) return;
      const data = event.data as { source?: string; event?: string } & Partial<PlaidSuccess>;
      if (data?.source !== 'plaid-link-emulator' && data?.source !== 'plaid-link') return;
      if (data.event === 'SUCCESS' && data.public_token) finish(() => resolve(data as PlaidSuccess));
      else if (data.event === 'EXIT') finish(() => reject(new Error('Bank linking was cancelled.')));
    };
    const finish = (then: () => void) => {
      window.clearInterval(closedCheck);
      window.removeEventListener('message', onMessage);
      then();
    };
    window.addEventListener('message', onMessage);
  });
}

/** The one-time bank link: link token from our server, Link page, public token back to our server. */
export async function linkBankAccount(customerAccountId: string): Promise<SavedMethod | null> {
  const token = await post<Raw>('/payment-methods/plaid/link-token', { customerAccountId });
  const linkToken = str(token.linkToken) ?? str(token.link_token);
  const linkUrl = str(token.linkUrl) ?? str(token.link_url) ?? str(token.hostedLinkUrl) ?? str(token.hosted_link_url);
  if (!linkToken || !linkUrl) throw new Error('The bank-link service did not answer as expected; try again later.');
  const result = await openLink(linkUrl);
  const saved = await post<Raw>('/payment-methods/plaid/exchange', {
    customerAccountId,
    publicToken: result.public_token,
    accountId: result.metadata?.accounts?.[0]?.id,
    institutionId: result.metadata?.institution?.institution_id,
    linkSessionId: result.metadata?.link_session_id,
  });
  const method = (saved.paymentMethod as Raw | undefined) ?? saved;
  return method && method.id ? normalise(method) : null;
}

export interface CardInput {
  holderName: string;
  cardNumber: string;
  expMonth: string;
  expYear: string;
  cvv: string;
  postalCode: string;
  state?: string;
}

/** Card details go to the processor directly; our server is told only the processor's card id. */
export async function addCard(customerAccountId: string, card: CardInput): Promise<SavedMethod | null> {
  const session = await post<Raw>('/payment-methods/card-session', { customerAccountId });
  const moovUrl = str(session.moovUrl) ?? str(session.url) ?? str(session.baseUrl);
  const accountId = str(session.accountId) ?? str(session.moovAccountId);
  const accessToken = str(session.accessToken) ?? str(session.token) ?? str(session.access_token);
  if (!moovUrl || !accountId || !accessToken) throw new Error('The card service did not answer as expected; try again later.');
  const response = await fetch(`${moovUrl.replace(/\/+$/, '')}/accounts/${encodeURIComponent(accountId)}/cards`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      cardNumber: card.cardNumber.replace(/[\s-]/g, ''),
      cardCvv: card.cvv,
      expiration: { month: card.expMonth.padStart(2, '0'), year: card.expYear.slice(-2) },
      holderName: card.holderName,
      billingAddress: { postalCode: card.postalCode, ...(card.state ? { stateOrProvince: card.state.toUpperCase() } : {}), country: 'US' },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Raw;
  if (!response.ok) {
    const fields = Object.entries(body).filter(([key]) => key !== 'error').map(([key, value]) => `${key}: ${String(value)}`);
    throw new Error(fields.length ? `The card was refused — ${fields.join('; ')}` : str(body.error) ?? 'The card was refused.');
  }
  const cardId = str(body.cardID) ?? str(body.cardId);
  try {
    const saved = await post<Raw>('/payment-methods/cards', { customerAccountId, cardId });
    const method = (saved.paymentMethod as Raw | undefined) ?? saved;
    return method && method.id ? normalise(method) : null;
  } catch (error) {
    // Servers that pick new cards up from the processor when listing need no separate call.
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
