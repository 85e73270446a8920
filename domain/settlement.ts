/**
 * The settlement's vocabulary and its two pure rules: where each kind of payment application
 * posts, and what status a closed settlement has given the state of its three categories.
 */
import type { ApplicationItemType } from './payment-quote';

export const SETTLEMENT_CATEGORIES = ['invoices', 'credit_adjustments', 'debit_adjustments'] as const;
export type SettlementCategory = (typeof SETTLEMENT_CATEGORIES)[number];

export type SettlementStatus = 'open' | 'ready' | 'partially_posted' | 'posted' | 'resolved';
export type CategoryStatus = 'empty' | 'unposted' | 'posting' | 'posted';

export type ApplicationKind = ApplicationItemType;
/** What a GL line does in the ERP, in the order a payment's lines are read. */
/**
 * unapplied_cash: a payment's excess, held on the customer's account (domain/account-credit.ts);
 * unapplied_cash_application: some of it later applied to an invoice, under the same payment.
 */
export const LINE_TYPES = ['invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'terms_discount', 'unapplied_cash', 'unapplied_cash_application', 'reversal'] as const;
export type LineType = (typeof LINE_TYPES)[number];
export type DocumentType = 'invoice' | 'debit' | 'credit_memo' | 'discount' | 'unapplied_cash' | 'reversal';

/**
 * Statement and terms discounts travel with the invoices they were earned on, so they post
 * (and are marked posted) with the invoices category.
 */
export const LINE_SHAPE: Record<ApplicationKind, { category: SettlementCategory; lineType: LineType; documentType: DocumentType }> = {
  invoice: { category: 'invoices', lineType: 'invoice_payment', documentType: 'invoice' },
  discount: { category: 'invoices', lineType: 'statement_discount', documentType: 'discount' },
  terms_discount: { category: 'invoices', lineType: 'terms_discount', documentType: 'discount' },
  credit: { category: 'credit_adjustments', lineType: 'credit_application', documentType: 'credit_memo' },
  debit: { category: 'debit_adjustments', lineType: 'debit_payment', documentType: 'debit' },
  // Cash the customer sent: posts with the invoice payments it came with.
  unapplied: { category: 'invoices', lineType: 'unapplied_cash', documentType: 'unapplied_cash' },
};

/** A later application of unapplied cash to an invoice: with the invoices, under the payment whose cash it was. */
export const CREDIT_APPLICATION_SHAPE = { category: 'invoices', lineType: 'unapplied_cash_application', documentType: 'invoice' } as const;
/** Its idempotency key names the ledger entry, so however often it is placed the ERP sees one line. */
export const glCreditApplicationKey = (paymentId: string, entryId: string) => `gl:${paymentId}:credit:${entryId}`;

/**
 * Which pending lines of a category one posting call takes: ordinary lines spread over
 * `lanes` parallel callers (by a hash of the line id), then the reversals alone, after every
 * ordinary line, so each reversal finds the ERP posting id of the line it reverses.
 */
export interface LineSlice {
  kind: 'ordinary' | 'reversal';
  lane: number;
  lanes: number;
}

export const CATEGORY_LABEL: Record<SettlementCategory, string> = {
  invoices: 'Invoices',
  credit_adjustments: 'Credit adjustments',
  debit_adjustments: 'Debit adjustments',
};

/**
 * Status of a settlement from its categories. Open and resolved are set by explicit events
 * (the cutoff, the operator); in between, empty categories do not count: a closed batch with
 * nothing left to post (every payment frozen out) is Posted, so it can be resolved.
 */
export function settlementStatusFor(current: SettlementStatus, categories: ReadonlyArray<{ status: CategoryStatus }>): SettlementStatus {
  if (current === 'open' || current === 'resolved') return current;
  const relevant = categories.filter((category) => category.status !== 'empty');
  const posted = relevant.filter((category) => category.status === 'posted').length;
  if (posted === relevant.length) return 'posted';
  return posted > 0 ? 'partially_posted' : 'ready';
}

/** Idempotency keys sent to the ERP: derived from business ids, so every retry names the same line. */
export const glLineKey = (paymentId: string, applicationId: number | string) => `gl:${paymentId}:${applicationId}`;
/**
 * A reversal line's key. A payment returned in full (the original return path) reverses each
 * line once, so payment and application name it; an amount taken back later (a refund, a
 * chargeback) may reverse the same application again, so it also names its reversal.
 */
export const glReversalKey = (paymentId: string, applicationId: number | string, reversalId?: string) =>
  reversalId ? `gl:reversal:${paymentId}:${applicationId}:${reversalId}` : `gl:reversal:${paymentId}:${applicationId}`;

/** The reversal a reversal line's key names (null for a whole-payment return), whatever retry it is on. */
export function reversalIdOfKey(key: string): string | null {
  const parts = key.replace(/:retry-\d+$/, '').split(':');
  return parts[0] === 'gl' && parts[1] === 'reversal' && parts.length === 5 ? parts[4]! : null;
}

/**
 * A line Spruce refused can be sent again once the operator fixed the cause, but the ERP
 * remembers the refusal under the old key: each retry gets the next numbered key. Safe,
 * because a refused line posted nothing.
 */
export function nextAttemptKey(key: string): string {
  const match = /^(.*):retry-(\d+)$/.exec(key);
  return match ? `${match[1]}:retry-${Number(match[2]) + 1}` : `${key}:retry-1`;
}
