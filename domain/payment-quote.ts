/**
 * quotePayment: the single source of truth for what a payment pays and what it costs. The
 * portal preview and the charge call it with the same input and get the same output, line
 * for line; the API stores the lines as payment_applications and the totals on the payment.
 *
 * What it takes (all balances in integer cents, already scoped to the customer by the API):
 *  - items: invoices, debit adjustments and credit adjustments with their open balance and
 *    what other payments in flight reserve of it. Available = open − reserved.
 *      · invoice / debit: paid in full (available) unless `partialCents` is set — a partial
 *        payment, allowed only when the dealer allows partial payments, 0 < partial ≤ available.
 *      · credit: used in full (available) unless `partialCents` says to use less of it.
 *  - sourceView 'amount' with payAmountCents: the invoices and debits given are candidates;
 *    payAmountCents plus the selected credits is spread over them oldest-first (due date,
 *    then number). Unpayable candidates are skipped. Ending on a partly paid item needs the
 *    dealer to allow partial payments.
 *  - the statement (for the discount, domain/statement-discount.ts), each invoice's cash-discount
 *    terms and the dealer's grace days (domain/terms-discount.ts), the method and card details
 *    and the dealer's fee schedule (domain/fees.ts), and today's dealer-local date.
 *  - expectedAmountCents (optional): the total the customer saw; a different total now is an
 *    `amount_changed` error, so a charge never differs from its preview.
 *
 * What it gives: application lines — charges oldest-first, then credits (each applied to the
 * selected invoices oldest-first, then debits, split where needed, so GL posting applies it to
 * that document), then the statement discount, then each invoice's terms discount — and the totals
 *     amountCents = itemsCents − creditsCents − discountCents + onAccountCents + feeCents   (> 0)
 * where itemsCents / creditsCents are exactly the sums of the lines of each kind,
 * discountCents the sum of the discount and terms-discount lines and onAccountCents the one
 * `unapplied` line (an excess paid on account, when the dealer allows it). Or typed errors (code for machines, message for people), every one found, in
 * oldest-first item order.
 *
 * Item data that breaks the schema's own invariants (negative balance, reserved above open,
 * bad dates) is a programming error and throws QuoteInputError; everything a customer can get
 * wrong is returned as an error. Pure and deterministic: the result does not depend on the
 * order the items arrive in. Workflow-safe.
 */
import { z } from 'zod';
import { applyCreditsOldestFirst, allocateOldestFirst, compareOldestFirst } from './allocation';
import { isIsoDate, type IsoDate } from './dates';
import { computeFees, type CardFunding, type FeeResult, type FeeSchedule, type PaymentMethodKind } from './fees';
import { formatCents, type Cents } from './money';
import { earnedTermsDiscount, termsDiscountReason, type InvoiceTerms } from './terms-discount';
import { evaluateStatementDiscount, type SourceView, type StatementDiscountResult, type StatementForDiscount } from './statement-discount';

export type QuoteItemType = 'invoice' | 'debit' | 'credit';
/** Invoice statuses and adjustment statuses, as stored. */
export type QuoteItemStatus = 'open' | 'partially_paid' | 'paid' | 'partially_applied' | 'applied' | 'void';

export interface QuoteItem {
  itemType: QuoteItemType;
  id: string;
  /** Document number (invoice or adjustment number), for ordering and messages. */
  number: string;
  /** Due date; for an adjustment without one, its transaction date; null sorts last. */
  dueDate: IsoDate | null;
  status: QuoteItemStatus;
  /** Open balance (a magnitude for adjustments). */
  openCents: Cents;
  /** Part of the open balance held by other payments in flight. */
  reservedCents: Cents;
  /** Invoice/debit: a partial payment; credit: how much of the credit to use. Omitted: all available. */
  partialCents?: Cents | null;
  /** The customer says why they pay only part (domain/short-pay.ts): only an invoice or debit paid in part takes one. */
  shortPay?: boolean;
  /** Invoices: the ERP's cash-discount terms (domain/terms-discount.ts). */
  terms?: InvoiceTerms | null;
}

export interface QuoteInput {
  items: readonly QuoteItem[];
  sourceView: SourceView;
  /** Required with sourceView 'amount', refused otherwise: the cash to spread oldest-first. */
  payAmountCents?: Cents | null;
  statement?: StatementForDiscount | null;
  method: PaymentMethodKind;
  cardFunding?: CardFunding | null;
  billingState?: string | null;
  feeSchedule: FeeSchedule;
  allowPartialPayments: boolean;
  /** Dealer-local date of the payment (domain/dates.ts localDate). */
  today: IsoDate;
  /** The total shown in the preview; when given, the quote must still come to exactly this. */
  expectedAmountCents?: Cents | null;
  /** Days after an invoice's discount date that the dealer still grants its terms discount. */
  termsDiscountGraceDays?: number;
  /**
   * Cash paid on account beyond the items (domain/account-credit.ts): only when the dealer
   * allows overpayment. With 'amount', an amount above what is open also goes on account.
   */
  onAccountCents?: Cents | null;
  allowOverpayment?: boolean;
}

/** What a payment's lines pay or take off: items, then the statement discount and invoices' terms discounts. */
export const APPLICATION_ITEM_TYPES = ['invoice', 'debit', 'credit', 'discount', 'terms_discount', 'unapplied'] as const;
/** The itemId of an `unapplied` line: it pays no document, the excess is the account's credit. */
export const ON_ACCOUNT_ITEM_ID = 'on-account';
export type ApplicationItemType = (typeof APPLICATION_ITEM_TYPES)[number];

/** One row of payment_applications. For a discount, itemId is the statement id; for a terms discount, the invoice id. */
export interface ApplicationLine {
  itemType: ApplicationItemType;
  itemId: string;
  number: string;
  amountCents: Cents;
  /** Credit lines only: the invoice the credit is applied to. */
  appliedToInvoiceId: string | null;
  /** Credit lines only: the debit adjustment it is applied to, when no invoice could take it. */
  appliedToDebitId: string | null;
}

export interface PaymentQuote {
  sourceView: SourceView;
  method: PaymentMethodKind;
  /** Card funding used for the fee ('unknown' when not reported); null for ACH. */
  cardFunding: CardFunding | null;
  statementId: string | null;
  lines: ApplicationLine[];
  itemsCents: Cents;
  creditsCents: Cents;
  discountCents: Cents;
  /** Paid beyond the items, to become the account's unapplied credit once the payment settles. */
  onAccountCents: Cents;
  feeCents: Cents;
  processingCostCents: Cents;
  amountCents: Cents;
  /** True when some invoice or debit is paid only in part. */
  partial: boolean;
  fee: FeeResult;
  discount: StatementDiscountResult;
  /** Per-invoice terms discounts earned (their total is part of discountCents). */
  termsDiscount: { cents: Cents; reason: string | null };
}

/** What a quote holds on each document it pays: the amount per invoice, debit and credit, its lines summed. */
export function itemHolds(quote: PaymentQuote): Array<{ itemType: 'invoice' | 'debit' | 'credit'; itemId: string; amountCents: Cents }> {
  const holds = new Map<string, { itemType: 'invoice' | 'debit' | 'credit'; itemId: string; amountCents: Cents }>();
  for (const line of quote.lines) {
    if (line.itemType !== 'invoice' && line.itemType !== 'debit' && line.itemType !== 'credit') continue;
    const hold = holds.get(line.itemId) ?? { itemType: line.itemType, itemId: line.itemId, amountCents: 0 };
    hold.amountCents += line.amountCents;
    holds.set(line.itemId, hold);
  }
  return [...holds.values()];
}

export type QuoteErrorCode =
  | 'nothing_selected'
  | 'duplicate_item'
  | 'item_not_payable'
  | 'item_in_other_payment'
  | 'partial_not_allowed'
  | 'short_pay_not_partial'
  | 'invalid_amount'
  | 'amount_above_balance'
  | 'pay_amount_required'
  | 'pay_amount_not_expected'
  | 'credits_exceed_items'
  | 'total_not_positive'
  | 'amount_changed'
  | 'overpayment_not_allowed';

export interface QuoteError {
  code: QuoteErrorCode;
  message: string;
  itemType?: QuoteItemType;
  itemId?: string;
}

export type QuoteResult = { ok: true; quote: PaymentQuote; errors: [] } | { ok: false; errors: QuoteError[] };

export class QuoteInputError extends Error {}

/** What the portal sends; the API loads the items' balances and builds a QuoteInput from it. */
export const paymentSelectionSchema = z.object({
  sourceView: z.enum(['all', 'current_statement', 'new_charges', 'amount']),
  items: z.array(z.object({
    itemType: z.enum(['invoice', 'debit', 'credit']),
    id: z.string().min(1),
    partialCents: z.number().int().positive().optional(),
  })).max(500),
  payAmountCents: z.number().int().positive().optional(),
  onAccountCents: z.number().int().positive().optional(),
  method: z.enum(['ach', 'card']),
  expectedAmountCents: z.number().int().positive().optional(),
});
export type PaymentSelection = z.infer<typeof paymentSelectionSchema>;

export function quotePayment(input: QuoteInput): QuoteResult {
  assertWellFormed(input);
  const items = [...input.items].sort(compareItems);
  const amountMode = input.sourceView === 'amount';

  // A duplicate makes the selection ambiguous (which copy's amount?): report it alone.
  const copies = new Map<string, number>();
  for (const item of items) copies.set(`${item.itemType}:${item.id}`, (copies.get(`${item.itemType}:${item.id}`) ?? 0) + 1);
  const duplicates: QuoteError[] = [];
  for (const item of items) {
    const key = `${item.itemType}:${item.id}`;
    if ((copies.get(key) ?? 0) > 1) {
      duplicates.push(itemError('duplicate_item', item, `${describe(item)} is selected more than once.`));
      copies.delete(key);
    }
  }
  if (duplicates.length > 0) return { ok: false, errors: duplicates };

  const errors: QuoteError[] = [];
  const charges: Array<{ item: QuoteItem; amountCents: Cents }> = [];
  const credits: Array<{ item: QuoteItem; amountCents: Cents }> = [];
  const candidates: Array<QuoteItem & { capacityCents: Cents }> = [];

  for (const item of items) {
    const available = item.openCents - item.reservedCents;
    const isCredit = item.itemType === 'credit';
    if (item.shortPay && (amountMode || isCredit || item.partialCents == null || item.partialCents >= available)) {
      errors.push(itemError('short_pay_not_partial', item, isCredit
        ? `${describe(item)} is a credit; a short-pay reason belongs on an invoice or debit paid in part.`
        : `A short-pay reason goes with paying part of ${describe(item)}: enter an amount below ${formatCents(Math.max(available, 0))} for it, or remove the reason.`));
      continue;
    }
    if (amountMode && !isCredit) {
      if (item.partialCents != null) {
        errors.push(itemError('invalid_amount', item, `When paying an amount it is spread over the oldest items first; ${describe(item)} cannot take an amount of its own.`));
      }
      if (isPayableStatus(item) && available > 0) {
        candidates.push({ ...item, capacityCents: available });
      }
      continue;
    }
    const unpayable = payabilityError(item, available);
    if (unpayable) {
      errors.push(unpayable);
      continue;
    }
    const chosen = item.partialCents;
    if (chosen == null) {
      (isCredit ? credits : charges).push({ item, amountCents: available });
      continue;
    }
    if (!Number.isSafeInteger(chosen) || chosen <= 0) {
      errors.push(itemError('invalid_amount', item, `The amount for ${describe(item)} must be a positive number of cents.`));
      continue;
    }
    if (chosen > available) {
      errors.push(itemError('amount_above_balance', item, aboveBalanceMessage(item, chosen, available)));
      continue;
    }
    if (!isCredit && chosen < available && !input.allowPartialPayments) {
      errors.push(itemError('partial_not_allowed', item, `Your supplier does not accept partial payments; ${describe(item)} must be paid in full (${formatCents(available)}).`));
      continue;
    }
    (isCredit ? credits : charges).push({ item, amountCents: chosen });
  }

  const creditsTotal = credits.reduce((total, credit) => total + credit.amountCents, 0);
  let excessCents = 0;

  if (amountMode) {
    const pay = input.payAmountCents;
    if (pay == null) {
      errors.push({ code: 'pay_amount_required', message: 'Enter the amount you want to pay.' });
    } else if (!Number.isSafeInteger(pay) || pay <= 0) {
      errors.push({ code: 'invalid_amount', message: 'The amount to pay must be more than $0.00, in whole cents.' });
    } else if (candidates.length === 0 && input.allowOverpayment && creditsTotal === 0) {
      excessCents = pay;
    } else if (candidates.length === 0) {
      errors.push({ code: 'nothing_selected', message: 'There is nothing open to pay.' });
    } else {
      const { allocations, unallocatedCents } = allocateOldestFirst(candidates, pay + creditsTotal);
      if (unallocatedCents > 0 && input.allowOverpayment && unallocatedCents <= pay) {
        // Everything open is paid; what is left over goes on account.
        for (const allocation of allocations) charges.push({ item: allocation.item, amountCents: allocation.amountCents });
        excessCents = unallocatedCents;
      } else if (unallocatedCents > 0) {
        const open = candidates.reduce((total, item) => total + item.capacityCents, 0) - creditsTotal;
        errors.push({ code: 'amount_above_balance', message: `${formatCents(pay)} is more than the ${formatCents(Math.max(0, open))} that can be paid now.` });
      } else {
        const last = allocations[allocations.length - 1]!;
        if (last.amountCents < last.item.capacityCents && !input.allowPartialPayments) {
          errors.push({ code: 'partial_not_allowed', message: wholeAmountsMessage(allocations, creditsTotal) });
        } else {
          for (const allocation of allocations) charges.push({ item: allocation.item, amountCents: allocation.amountCents });
        }
      }
    }
  } else if (input.payAmountCents != null) {
    errors.push({ code: 'pay_amount_not_expected', message: 'An amount to pay is only used with the "pay an amount" option.' });
  }
  const onAccount = input.onAccountCents;
  if (onAccount != null) {
    if (!Number.isSafeInteger(onAccount) || onAccount <= 0) {
      errors.push({ code: 'invalid_amount', message: 'The amount to pay on account must be more than $0.00, in whole cents.' });
    } else if (!input.allowOverpayment) {
      errors.push({ code: 'overpayment_not_allowed', message: 'Your supplier does not accept payments on account; pay the items selected only.' });
    } else {
      excessCents += onAccount;
    }
  }

  if (errors.length > 0) return { ok: false, errors };

  if (charges.length === 0 && credits.length === 0 && excessCents === 0) {
    return { ok: false, errors: [{ code: 'nothing_selected', message: 'Select at least one invoice or debit to pay.' }] };
  }
  const itemsCents = charges.reduce((total, charge) => total + charge.amountCents, 0);
  if (creditsTotal > itemsCents) {
    const message = itemsCents === 0
      ? `Credits can only be applied to invoices or debits; select what the ${formatCents(creditsTotal)} of credit should pay.`
      : `The credits selected (${formatCents(creditsTotal)}) are more than the invoices and debits selected (${formatCents(itemsCents)}); use less credit or select more to pay.`;
    return { ok: false, errors: [{ code: 'credits_exceed_items', message }] };
  }

  const discount = evaluateStatementDiscount({
    statement: input.statement ?? null,
    sourceView: input.sourceView,
    selection: [...charges, ...credits].map(({ item, amountCents }) => ({ itemType: item.itemType, itemId: item.id, payingCents: amountCents })),
    today: input.today,
  });
  const amountModeOrStatement = { today: input.today, graceDays: input.termsDiscountGraceDays ?? 0, amountMode, statementDiscountEarned: discount.discountCents > 0 };
  const termsEarned = charges
    .filter(({ item }) => item.itemType === 'invoice' && item.terms)
    .map(({ item, amountCents: paying }) => ({
      item,
      cents: earnedTermsDiscount({ terms: item.terms ?? null, openCents: item.openCents, reservedCents: item.reservedCents, payingCents: paying }, amountModeOrStatement),
    }))
    .filter(({ cents }) => cents > 0)
    .sort((a, b) => compareOldestFirst(a.item, b.item));
  const termsDiscountCents = termsEarned.reduce((total, { cents }) => total + cents, 0);
  const discountCents = discount.discountCents + termsDiscountCents;
  const baseCents = itemsCents - creditsTotal - discountCents + excessCents;
  if (baseCents <= 0) {
    return {
      ok: false,
      errors: [{
        code: 'total_not_positive',
        message: discountCents > 0
          ? 'Credits and discounts cover everything selected, so there is nothing to charge.'
          : 'The credits selected cover everything selected, so there is nothing to charge; a payment must be more than $0.00.',
      }],
    };
  }

  const fee = computeFees({ method: input.method, cardFunding: input.cardFunding, billingState: input.billingState, baseCents, schedule: input.feeSchedule });
  const amountCents = baseCents + fee.customerFeeCents;
  if (input.expectedAmountCents != null && input.expectedAmountCents !== amountCents) {
    return {
      ok: false,
      errors: [{ code: 'amount_changed', message: `The total is now ${formatCents(amountCents)}, not the ${formatCents(input.expectedAmountCents)} shown before; please review the payment again.` }],
    };
  }

  const chargeLines: ApplicationLine[] = charges
    .sort((a, b) => compareOldestFirst(a.item, b.item))
    .map(({ item, amountCents: amount }) => line(item.itemType, item.id, item.number, amount));
  const creditNumbers = new Map(credits.map(({ item }) => [item.id, item.number]));
  const creditLines: ApplicationLine[] = applyCreditsOldestFirst(
    charges.map(({ item, amountCents: amount }) => ({ itemType: item.itemType as 'invoice' | 'debit', id: item.id, number: item.number, dueDate: item.dueDate, amountCents: amount })),
    credits.map(({ item, amountCents: amount }) => ({ id: item.id, number: item.number, dueDate: item.dueDate, amountCents: amount })),
  ).map((application) => ({
    ...line('credit', application.creditId, creditNumbers.get(application.creditId)!, application.amountCents),
    appliedToInvoiceId: application.chargeType === 'invoice' ? application.chargeId : null,
    appliedToDebitId: application.chargeType === 'debit' ? application.chargeId : null,
  }));
  const discountLines: ApplicationLine[] = discount.discountCents > 0 && input.statement
    ? [line('discount', input.statement.id, input.statement.number, discount.discountCents)]
    : [];
  const termsLines = termsEarned.map(({ item, cents }) => line('terms_discount', item.id, item.number, cents));
  const onAccountLines = excessCents > 0 ? [line('unapplied', ON_ACCOUNT_ITEM_ID, '', excessCents)] : [];

  return {
    ok: true,
    errors: [],
    quote: {
      sourceView: input.sourceView,
      method: input.method,
      cardFunding: input.method === 'card' ? input.cardFunding ?? 'unknown' : null,
      statementId: input.statement?.id ?? null,
      lines: [...chargeLines, ...creditLines, ...discountLines, ...termsLines, ...onAccountLines],
      itemsCents,
      creditsCents: creditsTotal,
      discountCents,
      onAccountCents: excessCents,
      feeCents: fee.customerFeeCents,
      processingCostCents: fee.processingCostCents,
      amountCents,
      partial: charges.some(({ item, amountCents: amount }) => amount < item.openCents - item.reservedCents),
      fee,
      discount,
      termsDiscount: {
        cents: termsDiscountCents,
        reason: termsDiscountReason(termsEarned.map(({ item, cents }) => ({ number: item.number, cents, terms: item.terms! }))),
      },
    },
  };
}

/** Oldest-first, then by type, so an invoice and an adjustment sharing an id still sort the same whatever the input order. */
function compareItems(a: QuoteItem, b: QuoteItem): number {
  return compareOldestFirst(a, b) || (a.itemType < b.itemType ? -1 : a.itemType > b.itemType ? 1 : 0);
}

function line(itemType: ApplicationItemType, itemId: string, number: string, amountCents: Cents): ApplicationLine {
  return { itemType, itemId, number, amountCents, appliedToInvoiceId: null, appliedToDebitId: null };
}

const PAYABLE_STATUSES: Record<QuoteItemType, readonly QuoteItemStatus[]> = {
  invoice: ['open', 'partially_paid'],
  debit: ['open', 'partially_applied'],
  credit: ['open', 'partially_applied'],
};

function isPayableStatus(item: QuoteItem): boolean {
  return PAYABLE_STATUSES[item.itemType].includes(item.status);
}

function payabilityError(item: QuoteItem, available: Cents): QuoteError | null {
  if (item.status === 'void') return itemError('item_not_payable', item, `${describe(item)} has been voided.`);
  if (!isPayableStatus(item) || item.openCents === 0) {
    return itemError('item_not_payable', item, item.itemType === 'credit' ? `${describe(item)} has already been used in full.` : `${describe(item)} is already paid.`);
  }
  if (available === 0) {
    return itemError('item_in_other_payment', item, `${describe(item)} is already covered by a payment being processed.`);
  }
  return null;
}

function aboveBalanceMessage(item: QuoteItem, chosen: Cents, available: Cents): string {
  const what = item.itemType === 'credit' ? `use ${formatCents(chosen)} of ${describe(item)}` : `pay ${formatCents(chosen)} on ${describe(item)}`;
  const held = item.reservedCents > 0 ? ` (${formatCents(item.reservedCents)} of its ${formatCents(item.openCents)} is in a payment being processed)` : '';
  return `You cannot ${what}: at most ${formatCents(available)} is available${held}.`;
}

function wholeAmountsMessage(allocations: ReadonlyArray<{ item: QuoteItem & { capacityCents: Cents }; amountCents: Cents }>, creditsCents: Cents): string {
  const last = allocations[allocations.length - 1]!;
  const fullBefore = allocations.slice(0, -1).reduce((total, allocation) => total + allocation.amountCents, 0);
  const lower = fullBefore - creditsCents;
  const upper = fullBefore + last.item.capacityCents - creditsCents;
  const options = lower > 0 ? `${formatCents(lower)} or ${formatCents(upper)}` : formatCents(upper);
  return `Your supplier does not accept partial payments, and this amount would pay ${describe(last.item)} only in part. Pay ${options} instead.`;
}

function describe(item: QuoteItem): string {
  const kind = item.itemType === 'invoice' ? 'Invoice' : item.itemType === 'debit' ? 'Debit adjustment' : 'Credit';
  return `${kind} ${item.number}`;
}

function itemError(code: QuoteErrorCode, item: QuoteItem, message: string): QuoteError {
  return { code, message, itemType: item.itemType, itemId: item.id };
}

function assertWellFormed(input: QuoteInput): void {
  if (!isIsoDate(input.today)) throw new QuoteInputError(`today must be a YYYY-MM-DD date, got ${input.today}`);
  if (!['all', 'current_statement', 'new_charges', 'amount'].includes(input.sourceView)) throw new QuoteInputError(`unknown source view ${input.sourceView}`);
  if (input.method !== 'ach' && input.method !== 'card') throw new QuoteInputError(`unknown payment method ${String(input.method)}`);
  for (const item of input.items) {
    const where = `${item.itemType} ${item.id}`;
    if (!(item.itemType in PAYABLE_STATUSES)) throw new QuoteInputError(`unknown item type ${item.itemType}`);
    if (!Number.isSafeInteger(item.openCents) || item.openCents < 0) throw new QuoteInputError(`${where}: open balance must be whole cents ≥ 0, got ${item.openCents}`);
    if (!Number.isSafeInteger(item.reservedCents) || item.reservedCents < 0 || item.reservedCents > item.openCents) {
      throw new QuoteInputError(`${where}: reserved must be whole cents between 0 and the open balance, got ${item.reservedCents}`);
    }
    if (item.dueDate !== null && !isIsoDate(item.dueDate)) throw new QuoteInputError(`${where}: due date must be YYYY-MM-DD or null, got ${item.dueDate}`);
  }
}

export type { CardFunding, FeeResult, FeeSchedule, PaymentMethodKind, SourceView, StatementDiscountResult, StatementForDiscount };
