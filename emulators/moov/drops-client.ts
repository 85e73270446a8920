/**
 * What Moov's card-link Drop sends from its frame: the card, to the account's cards endpoint,
 * with the scoped token the portal got from our API. For tests and load runs that link cards
 * without a browser; the portal itself only ever uses the Drop.
 */
export interface DropCard {
  number: string;
  cvv?: string;
  expiration?: { month: string; year: string };
  postalCode?: string;
  /** The Drop sends only the ZIP; a state is added here to exercise processors that return one. */
  state?: string;
}

export function submitCardAsDrop(moovBrowserUrl: string, session: { accountId: string; accessToken: string }, card: DropCard): Promise<Response> {
  return fetch(`${moovBrowserUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(session.accountId)}/cards`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.accessToken}` },
    body: JSON.stringify({
      cardNumber: card.number,
      cardCvv: card.cvv ?? '123',
      expiration: card.expiration ?? { month: '12', year: '39' },
      billingAddress: { postalCode: card.postalCode ?? '62701', ...(card.state ? { stateOrProvince: card.state } : {}) },
    }),
  });
}
