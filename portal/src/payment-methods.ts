import { get, post } from './api';
import { CardRefused, processorCardErrors } from './card-check';
import type { SavedMethod } from './types';

/**
 * Saved payment methods and the two ways to add one. Bank accounts are linked in the Plaid
 * Link page (in a frame); bank credentials never touch this page or our server. Card details go
 * from this page straight to the processor (Moov) with a short-lived token scoped to the
 * company's processor account; our server only learns the card's id and display data.
 */

type Raw = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function normalise(raw: Raw): SavedMethod {
  const kind = raw.kind === 'card' ? 'card' : 'ach';
  const last4 = str(raw.last4) ?? '';
  const name = kind === 'ach'
    ? str(raw.bankName) ?? str(raw.label) ?? 'Bank account'
    : [str(raw.cardBrand) ?? 'Card', str(raw.cardFunding)].filter((part) => part && part !== 'unknown').join(' ');
  return { id: String(raw.id), kind, label: `${name}${last4 ? ` ····${last4}` : ''}` };
}

export async function listMethods(): Promise<SavedMethod[]> {
  const rows = await get<Raw[]>('/payment-methods');
  return rows.filter((row) => (str(row.status) ?? 'active') === 'active').map(normalise);
}

interface PlaidSuccess {
  public_token: string;
  metadata?: { accounts?: Array<{ id?: string }>; institution?: { institution_id?: string; name?: string }; link_session_id?: string };
}

/**
 * Shows the Plaid Link page in a frame over the portal, as Plaid's own Link does, and
 * resolves with its answer (a message from that frame), or rejects when the person cancels.
 */
function openLink(linkUrl: string): Promise<PlaidSuccess> {
  const origin = new URL(linkUrl, window.location.href).origin;
  const overlay = document.createElement('div');
  overlay.className = 'link-overlay';
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', 'Link a bank account');
  const panel = document.createElement('div');
  panel.className = 'link-panel';
  const frame = document.createElement('iframe');
  frame.src = linkUrl;
  frame.title = 'Link a bank account';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'ghost link-cancel';
  cancel.textContent = 'Cancel';
  panel.append(cancel, frame);
  overlay.append(panel);
  document.body.append(overlay);

  return new Promise((resolve, reject) => {
    const finish = (then: () => void) => {
      window.removeEventListener('message', onMessage);
      overlay.remove();
      then();
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      const data = event.data as { source?: string; event?: string } & Partial<PlaidSuccess>;
      if (data?.source !== 'plaid-link-emulator') return;
      if (data.event === 'SUCCESS' && data.public_token) finish(() => resolve(data as PlaidSuccess));
      else if (data.event === 'EXIT') finish(() => reject(new Error('Bank linking was cancelled.')));
    };
    cancel.addEventListener('click', () => finish(() => reject(new Error('Bank linking was cancelled.'))));
    window.addEventListener('message', onMessage);
  });
}

/** The one-time bank link: link token from our server, Link page, public token back to our server. */
export async function linkBankAccount(): Promise<SavedMethod> {
  const token = await post<Raw>('/payment-methods/plaid/link-token');
  const linkToken = str(token.linkToken);
  const linkUrl = str(token.linkUrl);
  if (!linkToken || !linkUrl) throw new Error('The bank-link service did not answer as expected; try again later.');
  const result = await openLink(linkUrl);
  const saved = await post<Raw>('/payment-methods/plaid/exchange', { publicToken: result.public_token, accountId: result.metadata?.accounts?.[0]?.id });
  return normalise(saved);
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
export async function addCard(card: CardInput): Promise<SavedMethod> {
  const session = await post<Raw>('/payment-methods/card-session');
  const accountId = str(session.accountId);
  const accessToken = str(session.accessToken);
  const cardsUrl = str(session.cardsUrl);
  if (!cardsUrl || !accountId || !accessToken) throw new Error('The card service did not answer as expected; try again later.');
  const response = await fetch(cardsUrl, {
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
    const fields = processorCardErrors(body);
    if (Object.keys(fields).length > 0) throw new CardRefused('Some card details were not accepted; see the messages below each field.', fields);
    if (response.status === 409) throw new Error('This card is already saved. Choose it from your payment methods above.');
    throw new Error('The card could not be added. Check the details, or try another card.');
  }
  const saved = await post<Raw>('/payment-methods/cards', { cardId: str(body.cardID) });
  return normalise(saved);
}
