import type { Selection } from './selection';
import type { OutstandingItem, OutstandingItemRow } from './types';

/**
 * An emailed link to pay chosen items (`#/pay/<dealerId>?items=a,b`, written by
 * domain/portal-links.ts) turned into the Pay page's selection: the items still open are
 * chosen in full; those paid meanwhile (or no longer this customer's) are counted so the page
 * can say so. One payment pays one account, so the account holding most of them wins.
 */
export interface LinkedSelection {
  selection: Selection | null;
  /** Linked items that are no longer open: paid since the email was written, or gone. */
  notOpen: number;
  /** Open, but on another account than the one chosen: they need a payment of their own. */
  otherAccount: number;
}

export const linkedItemIds = (raw: string | null): string[] =>
  [...new Set((raw ?? '').split(',').map((part) => part.trim()).filter(Boolean))].slice(0, 200);

/** `found` is what the Outstanding items API answers for the linked ids now, on any of the customer's accounts. */
export function selectionFromLink(dealerId: string, found: readonly OutstandingItemRow[], itemIds: readonly string[]): LinkedSelection {
  const wanted = new Set(itemIds);
  const byAccount = [...new Set(found.map((item) => item.accountId))].map((accountId) => ({
    accountId,
    items: found.filter((item) => item.accountId === accountId && wanted.has(item.id) && item.payableCents > 0),
  }));
  const open = byAccount.reduce((sum, account) => sum + account.items.length, 0);
  const chosen = byAccount.reduce<{ accountId: string; items: OutstandingItem[] } | null>((best, account) => (account.items.length > (best?.items.length ?? 0) ? account : best), null);
  if (!chosen) return { selection: null, notOpen: wanted.size, otherAccount: 0 };
  // Emailed order first, so the page lists them as the email did.
  const order = new Map(itemIds.map((id, index) => [id, index]));
  const items = [...chosen.items].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return {
    selection: {
      dealerId,
      accountId: chosen.accountId,
      sourceView: 'all',
      items: items.map((item) => ({ type: item.type, id: item.id, number: item.number, amountCents: item.payableCents, payableCents: item.payableCents })),
    },
    notOpen: wanted.size - open,
    otherAccount: open - chosen.items.length,
  };
}

/** What the Pay page says about a link whose items are not all still there to pay. */
export function linkNote(result: LinkedSelection): string | null {
  if (!result.selection) return 'Everything in the email has been paid in the meantime, or is no longer open: there is nothing left to pay from it.';
  const parts: string[] = [];
  if (result.notOpen > 0) {
    parts.push(result.notOpen === 1 ? '1 item from the email was paid in the meantime (or is no longer open), so it is not included.' : `${result.notOpen} items from the email were paid in the meantime (or are no longer open), so they are not included.`);
  }
  if (result.otherAccount > 0) {
    parts.push(`${result.otherAccount} item${result.otherAccount === 1 ? ' belongs' : 's belong'} to another account and can be paid separately from What you owe.`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
