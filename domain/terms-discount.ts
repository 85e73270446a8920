/**
 * Per-invoice cash-discount terms ("2% 10th Prox", "1% 10 Net 30"): the ERP prints on each
 * invoice the discount it earns and the last day to earn it; Drypowder takes both as given, to
 * the cent, and never turns a percentage into money itself.
 *
 * An invoice earns its discount in a payment when ALL of these hold:
 *   1. it carries terms with a discount;
 *   2. today, in the dealer's time zone, is no later than the discount date plus the dealer's
 *      grace days;
 *   3. the payment pays the invoice's whole open balance, and no other payment holds part of it
 *      (a discount is for settling the invoice, not a share of it);
 *   4. the payment is not "pay an amount" (which spreads cash oldest first and chooses nothing);
 *   5. the payment does not earn a statement discount: the statement's own early-payment
 *      discount already prices in paying early, and both together would discount twice.
 * The discount is never more than the open balance. Pure and deterministic: the caller passes
 * the dealer-local date.
 */
import { addDays, type IsoDate } from './dates';
import { formatCents, type Cents } from './money';

export interface InvoiceTerms {
  /** The ERP's name for the terms, for display; may be absent when only the numbers came. */
  terms: string | null;
  discountCents: Cents;
  discountDate: IsoDate;
}

export const MAX_TERMS_GRACE_DAYS = 10;

/** The last dealer-local day the discount can still be earned. */
export const lastDiscountDay = (terms: InvoiceTerms, graceDays: number): IsoDate => addDays(terms.discountDate, graceDays);

/** What the invoice would earn if paid in full today: 0 once the last day has passed. */
export function availableTermsDiscount(terms: InvoiceTerms | null, openCents: Cents, today: IsoDate, graceDays: number): Cents {
  if (!terms || terms.discountCents <= 0 || openCents <= 0) return 0;
  if (today > lastDiscountDay(terms, graceDays)) return 0;
  return Math.min(terms.discountCents, openCents);
}

export interface TermsDiscountCandidate {
  terms: InvoiceTerms | null;
  openCents: Cents;
  reservedCents: Cents;
  payingCents: Cents;
}

/** The discount a payment earns on one invoice under the rules above (0 when it earns none). */
export function earnedTermsDiscount(candidate: TermsDiscountCandidate, context: { today: IsoDate; graceDays: number; amountMode: boolean; statementDiscountEarned: boolean }): Cents {
  if (context.amountMode || context.statementDiscountEarned) return 0;
  if (candidate.reservedCents > 0 || candidate.payingCents !== candidate.openCents) return 0;
  return availableTermsDiscount(candidate.terms, candidate.openCents, context.today, context.graceDays);
}

/** One sentence for the preview, naming each invoice's discount. */
export function termsDiscountReason(earned: Array<{ number: string; cents: Cents; terms: InvoiceTerms }>): string | null {
  if (earned.length === 0) return null;
  const parts = earned.map(({ number, cents, terms }) => `${formatCents(cents)} on ${number}${terms.terms ? ` (${terms.terms})` : ''}`);
  return `Early-payment discount for paying by the discount date: ${parts.join(', ')}.`;
}
