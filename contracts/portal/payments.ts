import { z } from 'zod';
import { APPLICATION_ITEM_TYPES } from '../../domain/payment-quote';
import { PAYMENT_STATUSES } from '../../domain/payment-status';
import { SHORT_PAY_NOTE_MAX, SHORT_PAY_REASONS } from '../../domain/short-pay';
import { cents, GUID, id, timestamp } from '../fields';
import { itemType } from './outstanding';

/**
 * Payments as their payer sees them: history, one payment's detail, preview and submit (the
 * preview is exactly the charge), the submit-attempt look-up and the receipt.
 */

export const paymentStatus = z.enum(PAYMENT_STATUSES);
export const paymentMethodKind = z.enum(['ach', 'card']);

export const historyQuery = z.object({
  dealerId: z.string().regex(GUID, 'must be an id').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The Idempotency-Key header of a submit, and the key `GET /payment-attempts/:id` looks up. */
export const idempotencyKey = z.string().trim().min(8, 'must be at least 8 characters').max(200).regex(/^[\w.:-]+$/, 'may use letters, digits and . _ : - only');

/**
 * Each item once: the quote reads one amount per item, so a second line for the same invoice
 * (4,738 then 6,318) used to replace the first without a word and charge 6,318. Which amount
 * was meant is the customer's to say, so the request is refused, naming the repeated line.
 */
function refuseDuplicateItems(items: Array<{ type: string; id: string }>, ctx: z.RefinementCtx): void {
  const firstAt = new Map<string, number>();
  items.forEach((item, index) => {
    const key = item.id.toLowerCase();
    const first = firstAt.get(key);
    if (first === undefined) {
      firstAt.set(key, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: [index],
      message: `lists the same ${item.type} as items.${first}; list each item once, with the whole amount to pay on it`,
      params: { code: 'duplicate_item' },
    });
  });
}

export const shortPay = z.object({
  reason: z.enum(SHORT_PAY_REASONS),
  note: z.string().trim().max(SHORT_PAY_NOTE_MAX).optional(),
}).superRefine((value, ctx) => {
  // "Other" says nothing by itself: the operator reading the worklist needs the customer's words.
  if (value.reason === 'other' && !value.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required when the reason is "other": say what is wrong', params: { code: 'short_pay_note_required' } });
});
export type ShortPay = z.infer<typeof shortPay>;

export const SOURCE_VIEWS = ['all', 'current_statement', 'new_charges', 'amount'] as const;
export type SourceView = (typeof SOURCE_VIEWS)[number];

/** What the customer selected to pay: the body of both preview and submit. */
export const paymentRequest = z.object({
  dealerId: z.string().uuid(),
  customerAccountId: z.string().uuid(),
  paymentMethodId: z.string().uuid(),
  sourceView: z.enum(SOURCE_VIEWS),
  items: z.array(z.object({
    type: itemType,
    id: z.string().uuid(),
    amountCents: z.number().int().positive().optional(),
    /** Why an invoice or debit is paid only in part (domain/short-pay.ts). */
    shortPay: shortPay.optional(),
  })).max(500).superRefine(refuseDuplicateItems).default([]),
  payAmountCents: z.number().int().positive().optional(),
  /** Cash to pay on account beyond the items, when the dealer allows it (docs/unapplied-credit.md). */
  onAccountCents: z.number().int().positive().optional(),
  statementId: z.string().uuid().optional(),
  /** The total the customer saw in the preview; submit refuses if it changed since. */
  expectedAmountCents: z.number().int().positive().optional(),
  /** ACH: the version of the debit authorization wording shown beside the Pay button. */
  achAuthorizationVersion: z.string().trim().min(1).max(100).optional(),
});
export type PaymentRequest = z.infer<typeof paymentRequest>;
/** What a client sends (defaults not applied yet). */
export type PaymentRequestInput = z.input<typeof paymentRequest>;

export const preview = z.strictObject({
  lines: z.array(z.strictObject({
    type: z.enum(APPLICATION_ITEM_TYPES),
    id,
    number: z.string(),
    amountCents: cents,
    appliedToInvoiceNumber: z.string().nullable(),
    appliedToDebitNumber: z.string().nullable(),
  })),
  itemsCents: cents,
  creditsCents: cents,
  discountCents: cents,
  discountReason: z.string().nullable(),
  /** Paid beyond the items: becomes the account's unapplied credit when the payment settles. */
  onAccountCents: cents,
  feeCents: cents,
  feeExplanation: z.string().nullable(),
  amountCents: cents,
  method: paymentMethodKind,
  /** ACH only: the debit authorization pressing Pay gives, and its version to send back. */
  achAuthorization: z.strictObject({ version: z.string(), text: z.string() }).nullable(),
  errors: z.array(z.strictObject({ code: z.string(), message: z.string(), itemType: z.string().optional(), itemId: z.string().optional() })),
});
export type Preview = z.infer<typeof preview>;

export const paymentSummary = z.strictObject({
  id,
  number: z.string(),
  status: paymentStatus,
  statusLabel: z.string(),
  method: paymentMethodKind,
  methodLabel: z.string(),
  itemsCents: cents,
  creditsCents: cents,
  discountCents: cents,
  feeCents: cents,
  amountCents: cents,
  submittedAt: timestamp,
  settledAt: timestamp.nullable(),
  dealerId: id,
  dealerName: z.string(),
  dealerTimeZone: z.string(),
  customerAccountId: id,
  accountName: z.string(),
  erpAccountId: z.string(),
  companyName: z.string(),
});
export type PaymentSummary = z.infer<typeof paymentSummary>;

export const paymentHistory = z.strictObject({ payments: z.array(paymentSummary), total: z.number().int() });
export type PaymentHistory = z.infer<typeof paymentHistory>;

/**
 * What happened to the money once a payment ended: `not_charged` — cancelled before any money
 * moved; `refunded` — taken, then given back; `failed` — the charge or debit did not go
 * through; `returned` — the bank sent a debit back; `charged_back` — the card issuer took the
 * charge back after a dispute. Null while moving or when paid.
 */
export const moneyOutcome = z.enum(['not_charged', 'refunded', 'failed', 'returned', 'charged_back']);

export const paymentDetail = paymentSummary.extend({
  moneyOutcome: moneyOutcome.nullable(),
  /** The processor's reason for a failure or the ACH return code, as received. */
  failureReason: z.string().nullable(),
  lines: z.array(z.strictObject({
    type: z.enum(APPLICATION_ITEM_TYPES), number: z.string(), amountCents: cents, appliedToInvoiceNumber: z.string().nullable(),
    /** The invoice an invoice line paid, so its documents can be shown beside it. */
    invoiceId: z.string().nullable(),
  })),
  events: z.array(z.strictObject({ status: paymentStatus, statusLabel: z.string(), at: timestamp })),
});
export type PaymentDetail = z.infer<typeof paymentDetail>;

/** Submit (201 created, 200 the same key again) and the attempt look-up answer the payment. */
export const submittedPayment = z.strictObject({ payment: paymentDetail });
export type SubmittedPayment = z.infer<typeof submittedPayment>;

export const receiptEmailed = z.strictObject({ sentTo: z.string() });
