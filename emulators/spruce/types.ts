import { z } from 'zod';

/**
 * The Spruce object shapes as the emulator stores and serves them (docs/spruce-api.md).
 * Money is integer cents; calendar dates are 'YYYY-MM-DD'. Invoices, adjustments and
 * statements are identified by their document number.
 */

const cents = z.number().int().nonnegative();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const id = z.string().trim().min(1).max(64);
const text = (max = 200) => z.string().max(max);

export const accountInput = z.object({
  id,
  name: text().min(1),
  account_type: z.enum(['cash', 'credit', 'system']).default('credit'),
  status: z.enum(['active', 'inactive']).default('active'),
  credit_limit_cents: cents.nullable().default(null),
  /** Credit limit less the balance, as Spruce's credit department sees it; negative when over the limit. */
  available_credit_cents: z.number().int().nullable().default(null),
  credit_hold: z.boolean().default(false),
  credit_hold_reason: z.enum(['over_limit', 'past_due', 'other']).nullable().default(null),
  address_line1: text().nullable().default(null),
  city: text(100).nullable().default(null),
  state: text(2).nullable().default(null),
  postal_code: text(10).nullable().default(null),
  phone: text(40).nullable().default(null),
});

export const contactInput = z.object({
  id,
  account_id: id,
  name: text().min(1),
  email: z.string().email().nullable().default(null),
  phone: text(40).nullable().default(null),
  role: text(60).nullable().default(null),
  is_primary: z.boolean().default(false),
});

export const jobInput = z
  .object({
    id,
    account_id: id,
    name: text().min(1),
    status: z.enum(['active', 'closed']).default('active'),
    /** Where the job site is, when it differs from the account's address; lien rules follow the site. */
    state: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter state code').nullable().default(null),
    first_delivery_date: isoDate.nullable().default(null),
    last_delivery_date: isoDate.nullable().default(null),
  })
  .refine((job) => !job.first_delivery_date || !job.last_delivery_date || job.first_delivery_date <= job.last_delivery_date, {
    message: 'last_delivery_date must not be before first_delivery_date', path: ['last_delivery_date'],
  });

const balanceNotAboveAmount = (value: { amount_cents: number; balance_cents: number }) => value.balance_cents <= value.amount_cents;

export const invoiceInput = z
  .object({
    id,
    account_id: id,
    job_id: id.nullable().default(null),
    invoice_date: isoDate,
    due_date: isoDate,
    amount_cents: cents,
    balance_cents: cents,
    status: z.enum(['open', 'partially_paid', 'paid', 'void']).default('open'),
    po_number: text(60).nullable().default(null),
    /** The ERP's terms name ("2% 10th Prox"); the discount itself is in cents, as Spruce computed it. */
    terms: text(100).nullable().default(null),
    discount_cents: z.number().int().nullable().default(null),
    discount_date: isoDate.nullable().default(null),
    discount_taken_cents: cents.default(0),
  })
  .refine(balanceNotAboveAmount, { message: 'balance_cents must not exceed amount_cents', path: ['balance_cents'] })
  .superRefine(termsDiscountHolds);

/** A cash discount is an amount and its last day together, and less than the invoice it comes off. */
function termsDiscountHolds(
  invoice: { amount_cents: number; discount_cents: number | null; discount_date: string | null; discount_taken_cents: number },
  ctx: z.RefinementCtx,
): void {
  const { amount_cents: amount, discount_cents: discount, discount_date: date, discount_taken_cents: taken } = invoice;
  if (discount === null) {
    if (date !== null) ctx.addIssue({ code: 'custom', path: ['discount_cents'], message: 'a discount_date needs the discount_cents it applies to' });
    if (taken > 0) ctx.addIssue({ code: 'custom', path: ['discount_taken_cents'], message: 'no discount was offered, so none can have been taken' });
    return;
  }
  if (date === null) ctx.addIssue({ code: 'custom', path: ['discount_date'], message: 'a discount needs the last day it applies' });
  if (discount <= 0) ctx.addIssue({ code: 'custom', path: ['discount_cents'], message: 'must be above 0; null when the invoice has no discount' });
  else if (discount >= amount) ctx.addIssue({ code: 'custom', path: ['discount_cents'], message: 'must be less than amount_cents' });
  else if (taken > discount) ctx.addIssue({ code: 'custom', path: ['discount_taken_cents'], message: 'must not exceed discount_cents' });
}

export const adjustmentInput = z
  .object({
    id,
    account_id: id,
    job_id: id.nullable().default(null),
    kind: z.enum(['credit', 'debit']),
    reason: z.enum(['credit', 'discount', 'write_off', 'charge', 'correction', 'finance_charge', 'other']).default('other'),
    voucher_id: text(60).nullable().default(null),
    applies_to_invoice_id: id.nullable().default(null),
    transaction_date: isoDate.nullable().default(null),
    due_date: isoDate.nullable().default(null),
    amount_cents: cents,
    balance_cents: cents,
    currency: z.literal('USD').default('USD'),
    status: z.enum(['open', 'partially_applied', 'applied', 'void']).default('open'),
    description: text(500).nullable().default(null),
  })
  .refine(balanceNotAboveAmount, { message: 'balance_cents must not exceed amount_cents', path: ['balance_cents'] });

export const statementItemInput = z.object({
  item_type: z.enum(['invoice', 'credit', 'debit']),
  document_id: id,
  amount_cents: cents,
});

export const statementInput = z
  .object({
    id,
    account_id: id,
    statement_date: isoDate,
    due_date: isoDate,
    balance_cents: cents,
    discount_cents: cents.default(0),
    discount_date: isoDate.nullable().default(null),
    discount_taken_cents: cents.default(0),
    status: z.enum(['open', 'paid', 'closed']).default('open'),
    items: z.array(statementItemInput).max(5000).default([]),
  })
  .refine((s) => s.discount_cents <= s.balance_cents, { message: 'discount_cents must not exceed balance_cents', path: ['discount_cents'] });

export type AccountInput = z.input<typeof accountInput>;
export type ContactInput = z.input<typeof contactInput>;
export type JobInput = z.input<typeof jobInput>;
export type InvoiceInput = z.input<typeof invoiceInput>;
export type AdjustmentInput = z.input<typeof adjustmentInput>;
export type StatementInput = z.input<typeof statementInput>;

export type Account = z.output<typeof accountInput>;
export type Contact = z.output<typeof contactInput>;
export type Job = z.output<typeof jobInput>;
export type Invoice = z.output<typeof invoiceInput>;
export type Adjustment = z.output<typeof adjustmentInput>;
export type Statement = z.output<typeof statementInput>;

/** Object kinds in dependency order: a bulk load and a catch-up apply them in this order. */
export const OBJECT_TYPES = ['account', 'job', 'contact', 'invoice', 'adjustment', 'statement'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const COLLECTIONS: Record<string, ObjectType> = {
  accounts: 'account',
  jobs: 'job',
  contacts: 'contact',
  invoices: 'invoice',
  adjustments: 'adjustment',
  statements: 'statement',
};

export const inputSchemas = {
  account: accountInput,
  contact: contactInput,
  job: jobInput,
  invoice: invoiceInput,
  adjustment: adjustmentInput,
  statement: statementInput,
} as const;

export interface ObjectByType {
  account: Account;
  contact: Contact;
  job: Job;
  invoice: Invoice;
  adjustment: Adjustment;
  statement: Statement;
}

/** Server-kept fields on every stored object. */
export interface Versioned {
  updated_seq: number;
  created_at: string;
  updated_at: string;
}

export type Stored<T extends ObjectType = ObjectType> = ObjectByType[T] & Versioned;

export interface Change {
  seq: number;
  object: ObjectType;
  action: 'create' | 'update' | 'delete';
  id: string;
  occurred_at: string;
  /** The object as of this change; for a delete, its last state. */
  data: Stored;
}

/** A whole book for the bulk-load endpoint, in the same shapes the API serves. */
export interface Book {
  accounts: AccountInput[];
  contacts: ContactInput[];
  jobs: JobInput[];
  invoices: InvoiceInput[];
  adjustments: AdjustmentInput[];
  statements: StatementInput[];
}

export const BOOK_KEYS: Record<ObjectType, keyof Book> = {
  account: 'accounts',
  job: 'jobs',
  contact: 'contacts',
  invoice: 'invoices',
  adjustment: 'adjustments',
  statement: 'statements',
};

export const glLineInput = z
  .object({
    type: z.enum(['invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'terms_discount', 'unapplied_cash', 'unapplied_cash_application', 'reversal']),
    account_id: id,
    job_id: id.nullable().optional(),
    document_id: id.optional(),
    applied_document_id: id.nullable().optional(),
    reverses_posting_id: id.optional(),
    amount_cents: z.number().int().positive(),
    posting_date: isoDate,
    payment_reference: text(100).min(1),
    gl_account: text(40).nullable().optional(),
    memo: text(500).nullable().optional(),
  })
  .superRefine((line, ctx) => {
    if (line.type === 'reversal') {
      if (!line.reverses_posting_id) ctx.addIssue({ code: 'custom', path: ['reverses_posting_id'], message: 'a reversal names the posting it reverses' });
    } else if (!line.document_id) {
      ctx.addIssue({ code: 'custom', path: ['document_id'], message: 'required for this line type' });
    }
    if (line.type === 'credit_application' && !line.applied_document_id) {
      ctx.addIssue({ code: 'custom', path: ['applied_document_id'], message: 'a credit application names the invoice it is applied to' });
    }
  });

export type GlLineInput = z.output<typeof glLineInput>;

export interface GlPosting {
  id: string;
  ledger_seq: number;
  idempotency_key: string;
  type: GlLineInput['type'];
  account_id: string;
  job_id: string | null;
  document_id: string | null;
  applied_document_id: string | null;
  reverses_posting_id: string | null;
  amount_cents: number;
  /** Signed effect on the customer's receivable: payments reduce it, reversals restore it. */
  signed_amount_cents: number;
  posting_date: string;
  payment_reference: string;
  gl_account: string | null;
  memo: string | null;
  reversed_cents: number;
  created_at: string;
}
