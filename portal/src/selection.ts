import type { ShortPay } from '../../contracts/portal/payments';
import type { ItemType, OutstandingItem, PaymentRequest, SourceView } from './types';

/**
 * What the customer chose to pay, carried from Outstanding to the Pay page. One payment pays
 * one account, so choosing an item of another account starts a new selection.
 */
export interface SelectedItem {
  type: ItemType;
  id: string;
  number: string;
  /** What this payment puts toward the item; below `payableCents` only for a partial payment. */
  amountCents: number;
  payableCents: number;
  /** Why the customer pays less than `payableCents`; only sent while they do. */
  shortPay?: ShortPay;
}

export interface Selection {
  dealerId: string;
  accountId: string;
  sourceView: SourceView;
  statementId?: string;
  items: SelectedItem[];
  /** "Pay an amount": applied oldest first by the server. */
  payAmountCents?: number;
}

export const emptySelection = (dealerId: string, accountId: string, sourceView: SourceView = 'all'): Selection => ({ dealerId, accountId, sourceView, items: [] });

export const isSelected = (selection: Selection | null, item: Pick<OutstandingItem, 'id'>) => Boolean(selection?.items.some((chosen) => chosen.id === item.id));

export function toggleItem(selection: Selection | null, dealerId: string, accountId: string, sourceView: SourceView, item: OutstandingItem): Selection {
  const base = selection && selection.dealerId === dealerId && selection.accountId === accountId && selection.sourceView !== 'amount'
    ? { ...selection, sourceView: sourceView === 'current_statement' ? 'all' : sourceView, statementId: undefined }
    : emptySelection(dealerId, accountId, sourceView === 'current_statement' ? 'all' : sourceView);
  // Picking items one by one is not "paying the full statement", even from the statement view.
  if (isSelected(base, item)) return { ...base, items: base.items.filter((chosen) => chosen.id !== item.id) };
  return { ...base, items: [...base.items, { type: item.type, id: item.id, number: item.number, amountCents: item.payableCents, payableCents: item.payableCents }] };
}

/** "Select everything" in a job: every payable item chosen in full, or all of them taken out again. */
export function setItemsSelected(selection: Selection | null, dealerId: string, accountId: string, sourceView: SourceView, items: readonly OutstandingItem[], selected: boolean): Selection {
  let next = selection;
  for (const item of items) {
    if (item.payableCents > 0 && isSelected(next, item) !== selected) next = toggleItem(next, dealerId, accountId, sourceView, item);
  }
  return next ?? emptySelection(dealerId, accountId, sourceView === 'current_statement' ? 'all' : sourceView);
}

/** `shortPay` undefined keeps the reason given; null takes it away. */
export function setItemAmount(selection: Selection, itemId: string, amountCents: number, shortPay?: ShortPay | null): Selection {
  return {
    ...selection,
    items: selection.items.map((item) => {
      if (item.id !== itemId) return item;
      const { shortPay: kept, ...rest } = item;
      const reason = shortPay === undefined ? kept : shortPay ?? undefined;
      return reason ? { ...rest, amountCents, shortPay: reason } : { ...rest, amountCents };
    }),
  };
}

/** A short-pay reason only goes with an item paid in part. */
export const shortPayOf = (item: SelectedItem): ShortPay | undefined => (item.amountCents < item.payableCents ? item.shortPay : undefined);

/** "Other" means nothing to the dealer without the customer's words; the server refuses it too. */
export const missingShortPayNote = (selection: Selection): SelectedItem | undefined =>
  selection.items.find((item) => shortPayOf(item)?.reason === 'other' && !shortPayOf(item)?.note?.trim());

/** Every open item of the statement, in full: the one way to earn the statement discount. */
export function fullStatement(dealerId: string, accountId: string, statementId: string, items: OutstandingItem[]): Selection {
  return {
    dealerId,
    accountId,
    sourceView: 'current_statement',
    statementId,
    items: items.filter((item) => item.payableCents > 0).map((item) => ({ type: item.type, id: item.id, number: item.number, amountCents: item.payableCents, payableCents: item.payableCents })),
  };
}

export function payAnAmount(dealerId: string, accountId: string, payAmountCents: number): Selection {
  return { dealerId, accountId, sourceView: 'amount', items: [], payAmountCents };
}

/** Invoices and debits add up, credits take off. */
export function selectionTotal(selection: Selection): number {
  if (selection.sourceView === 'amount') return selection.payAmountCents ?? 0;
  return selection.items.reduce((sum, item) => sum + (item.type === 'credit' ? -item.amountCents : item.amountCents), 0);
}

export function paymentRequest(selection: Selection, paymentMethodId: string): PaymentRequest {
  return {
    dealerId: selection.dealerId,
    customerAccountId: selection.accountId,
    sourceView: selection.sourceView,
    items: selection.items.map((item) => {
      const shortPay = shortPayOf(item);
      const note = shortPay?.note?.trim();
      return { type: item.type, id: item.id, amountCents: item.amountCents, ...(shortPay ? { shortPay: { reason: shortPay.reason, ...(note ? { note } : {}) } } : {}) };
    }),
    ...(selection.payAmountCents !== undefined ? { payAmountCents: selection.payAmountCents } : {}),
    ...(selection.statementId ? { statementId: selection.statementId } : {}),
    paymentMethodId,
  };
}
