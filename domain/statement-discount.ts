/**
 * The statement discount: an early-payment discount the dealer prints on a monthly statement.
 *
 * It is earned only when ALL of these hold (checked in this order; the first that fails is
 * the reason given, so the customer hears the most definitive one):
 *   1. there is a statement and it carries a discount (amount > 0 and a discount date);
 *   2. the statement is still open;
 *   3. today, in the dealer's local time zone, is on or before the discount date;
 *   4. the payment was made from the Current Statement view — the same items paid from All,
 *      New Charges or "pay an amount" do not earn it;
 *   5. nothing on the statement is already in another payment (reserved) ...
 *   6. ... or already paid in part since the statement was issued;
 *   7. the payment holds only the statement's items ...
 *   8. ... and every one of them, each for its whole open balance (credits included).
 * The discount is the statement's discount amount, never more than the net being paid.
 *
 * The caller passes `today` as the dealer-local date (domain/dates.ts localDate); no clock is
 * read here. Pure, deterministic, workflow-safe.
 */
import type { IsoDate } from './dates';
import { formatCents, type Cents } from './money';

export type SourceView = 'all' | 'current_statement' | 'new_charges' | 'amount';
export type StatementItemType = 'invoice' | 'debit' | 'credit';

export interface StatementItemState {
  itemType: StatementItemType;
  itemId: string;
  /** Document number, for messages. */
  number: string;
  /** The amount the statement showed for the item. */
  statementAmountCents: Cents;
  /** The item's open balance now. */
  openCents: Cents;
  /** Of the open balance, what other payments in flight hold. */
  reservedCents: Cents;
}

export interface StatementForDiscount {
  id: string;
  number: string;
  status: 'open' | 'paid' | 'closed';
  discountCents: Cents;
  discountDate: IsoDate | null;
  items: readonly StatementItemState[];
}

/** What this payment pays of each item (for a credit: how much of it is used). */
export interface DiscountSelectionItem {
  itemType: StatementItemType;
  itemId: string;
  payingCents: Cents;
}

export type StatementDiscountCode =
  | 'eligible'
  | 'no_statement'
  | 'no_discount'
  | 'statement_not_open'
  | 'past_discount_date'
  | 'wrong_view'
  | 'payment_in_progress'
  | 'statement_partly_paid'
  | 'items_outside_statement'
  | 'not_full_statement';

export interface StatementDiscountResult {
  eligible: boolean;
  /** 0 unless eligible. */
  discountCents: Cents;
  code: StatementDiscountCode;
  /** One sentence for the preview: why the discount applies, or why not. */
  reason: string;
}

export interface StatementDiscountInput {
  statement: StatementForDiscount | null;
  sourceView: SourceView;
  selection: readonly DiscountSelectionItem[];
  /** The dealer-local date of the payment. */
  today: IsoDate;
}

export function evaluateStatementDiscount(input: StatementDiscountInput): StatementDiscountResult {
  const { statement, sourceView, selection, today } = input;
  if (!statement) return refused('no_statement', 'No statement discount applies to this payment.');
  const label = `statement ${statement.number}`;
  if (statement.discountCents <= 0 || statement.discountDate === null) {
    return refused('no_discount', `${capitalise(label)} offers no early-payment discount.`);
  }
  if (statement.status !== 'open') {
    return refused('statement_not_open', `${capitalise(label)} is ${statement.status === 'paid' ? 'already paid' : 'closed'}, so its discount no longer applies.`);
  }
  if (today > statement.discountDate) {
    return refused('past_discount_date', `The discount on ${label} was available for payments made by ${formatLongDate(statement.discountDate)}.`);
  }
  if (sourceView !== 'current_statement') {
    return refused('wrong_view', `The discount on ${label} applies only when the whole statement is paid from the Current Statement view, not from ${VIEW_NAMES[sourceView]}.`);
  }

  const onStatement = statement.items.filter((item) => item.statementAmountCents > 0 || item.openCents > 0);
  const held = onStatement.find((item) => item.reservedCents > 0);
  if (held) {
    return refused('payment_in_progress', `Another payment already covers part of ${label} (${held.number}), so the discount for paying it in full no longer applies.`);
  }
  const paidSince = onStatement.find((item) => item.openCents < item.statementAmountCents);
  if (paidSince) {
    return refused('statement_partly_paid', `Part of ${label} has already been paid (${paidSince.number}), so the discount for paying it in full no longer applies.`);
  }

  const statementKeys = new Set(statement.items.map((item) => keyOf(item)));
  const outside = selection.filter((item) => item.payingCents > 0 && !statementKeys.has(keyOf(item)));
  if (outside.length > 0) {
    return refused('items_outside_statement', `The discount applies to a payment of ${label} alone; this payment also includes items that are not on it.`);
  }
  const paying = new Map<string, Cents>();
  for (const item of selection) paying.set(keyOf(item), (paying.get(keyOf(item)) ?? 0) + item.payingCents);
  const short = onStatement.find((item) => (paying.get(keyOf(item)) ?? 0) < item.openCents);
  if (short) {
    const missing = (paying.get(keyOf(short)) ?? 0) === 0;
    return refused('not_full_statement', `The discount needs the whole of ${label} paid in one payment; ${short.number} is ${missing ? 'not included' : 'paid only in part'}.`);
  }

  let net = 0;
  for (const item of selection) net += item.itemType === 'credit' ? -item.payingCents : item.payingCents;
  const discountCents = Math.max(0, Math.min(statement.discountCents, net));
  return {
    eligible: true,
    discountCents,
    code: 'eligible',
    reason: `Paying ${label} in full by ${formatLongDate(statement.discountDate)} earns a ${formatCents(discountCents)} discount.`,
  };
}

const VIEW_NAMES: Record<SourceView, string> = {
  all: 'All',
  current_statement: 'Current Statement',
  new_charges: 'New Charges',
  amount: '"pay an amount"',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-11-10' → 'November 10, 2026', without locale data (same text on every machine). */
export function formatLongDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${day}, ${year}`;
}

function keyOf(item: { itemType: StatementItemType; itemId: string }): string {
  return `${item.itemType}:${item.itemId}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function refused(code: Exclude<StatementDiscountCode, 'eligible'>, reason: string): StatementDiscountResult {
  return { eligible: false, discountCents: 0, code, reason };
}
