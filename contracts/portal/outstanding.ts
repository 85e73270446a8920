import { z } from 'zod';
import { cents, count, day, id } from '../fields';

/** Supplier selection and what is owed to one supplier, for the signed-in customer's company. */

export const VIEWS = ['all', 'current_statement', 'new_charges'] as const;
export const view = z.enum(VIEWS);
export type View = z.infer<typeof view>;
export const itemType = z.enum(['invoice', 'debit', 'credit']);
export type ItemType = z.infer<typeof itemType>;
export const pastDueAge = z.enum(['1-30', '30+', '60+', '90+']);

export const outstandingQuery = z.object({
  dealerId: z.string().trim(),
  view: view.default('all'),
});

/**
 * The first answer carries at most this many items per account (whole first pages of jobs,
 * oldest debt first); a job's other items come from `GET /outstanding/items` when the customer
 * opens it, asks for more, or selects all of it.
 */
export const FIRST_ANSWER_ITEMS = 100;
export const JOB_PAGE_ITEMS = 50;
export const MAX_ITEMS_PAGE = 5_000;

/** `jobId` "none" is the account's items not assigned to a job; `ids` picks items by id across the supplier's accounts (an emailed pay link). */
export const outstandingItemsQuery = z.object({
  dealerId: z.string().trim(),
  view: view.default('all'),
  accountId: z.string().trim().optional(),
  jobId: z.string().trim().optional(),
  ids: z.string().trim().max(200 * 40).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_ITEMS_PAGE).default(JOB_PAGE_ITEMS),
});

export const dealerSummary = z.strictObject({
  id,
  name: z.string(),
  billsByStatement: z.boolean(),
  allowPartialPayments: z.boolean(),
  /** The customer may pay more than the items, or an amount on account (docs/unapplied-credit.md). */
  allowOverpayment: z.boolean(),
  timeZone: z.string(),
  /** What the linked accounts owe this supplier in all: invoices and debits less credits. */
  openBalanceCents: cents,
  /** unappliedCreditCents: credit held on the account (overpayments) to apply to items (docs/unapplied-credit.md). */
  accounts: z.array(z.strictObject({ id, erpAccountId: z.string(), name: z.string(), unappliedCreditCents: cents })),
});
export type DealerSummary = z.infer<typeof dealerSummary>;

export const outstandingItem = z.strictObject({
  type: itemType,
  id,
  number: z.string(),
  date: day.nullable(),
  dueDate: day.nullable(),
  amountCents: cents,
  balanceCents: cents,
  /** Held by payments still in progress. */
  reservedCents: cents,
  payableCents: cents,
  daysPastDue: z.number().int(),
  pastDueAge: pastDueAge.nullable(),
  statementId: id.nullable(),
  poNumber: z.string().nullable(),
  description: z.string().nullable(),
  appliesToInvoiceNumber: z.string().nullable(),
  /** Invoices: the early-payment discount paying it in full now earns, and the last day to earn it. */
  termsDiscount: z.strictObject({ cents, lastDay: day, terms: z.string().nullable() }).nullable(),
});
export type OutstandingItem = z.infer<typeof outstandingItem>;

export const jobGroup = z.strictObject({
  jobId: id.nullable(),
  jobName: z.string(),
  erpJobId: z.string().nullable(),
  /** The oldest past-due invoice of the job, as 30+/60+/90+. */
  pastDueAge: pastDueAge.nullable(),
  maxDaysPastDue: z.number().int(),
  /** Open invoices plus open debit adjustments. */
  balanceCents: cents,
  creditsCents: cents,
  netCents: cents,
  payableCents: cents,
  invoiceCount: count,
  debitCount: count,
  creditCount: count,
  /** The job's first items in display order; `moreItems` more are fetched on demand. */
  items: z.array(outstandingItem),
  moreItems: count,
});
export type JobGroup = z.infer<typeof jobGroup>;

export const statementSummary = z.strictObject({
  id,
  number: z.string(),
  statementDate: day,
  status: z.enum(['open', 'paid', 'closed']),
  balanceCents: cents,
  discountCents: cents,
  discountDate: day.nullable(),
  dueDate: day,
  /** True while paying the whole statement from its view still earns the discount. */
  discountAvailable: z.boolean(),
  /** What the statement's items still owe now (invoices + debits − credits). */
  openCents: cents,
  itemCount: count,
  /** Statement items with something left to pay, and those held by a payment in progress. */
  payableItemCount: count,
  reservedItemCount: count,
});
export type StatementSummary = z.infer<typeof statementSummary>;

export const accountOutstanding = z.strictObject({
  id,
  erpAccountId: z.string(),
  name: z.string(),
  /** The account's credit as the dealer's ERP reports it (docs/credit-holds.md): shown in the account's header. */
  credit: z.strictObject({ onHold: z.boolean(), holdReason: z.enum(['over_limit', 'past_due', 'other']).nullable(), availableCents: z.number().int().nullable() }),
  totals: z.strictObject({ outstandingCents: cents, pastDueCents: cents, debitsCents: cents, creditsCents: cents, netCents: cents }),
  /** Unapplied credit held on the account with the dealer (overpayments), to apply to items. */
  unappliedCreditCents: cents,
  statement: statementSummary.nullable(),
  jobs: z.array(jobGroup),
});
export type AccountOutstanding = z.infer<typeof accountOutstanding>;

export const outstanding = z.strictObject({
  dealer: dealerSummary.omit({ accounts: true, openBalanceCents: true }),
  view,
  asOf: day,
  accounts: z.array(accountOutstanding),
});
export type Outstanding = z.infer<typeof outstanding>;

export const outstandingItemRow = outstandingItem.extend({ accountId: id, jobId: id.nullable() });
export type OutstandingItemRow = z.infer<typeof outstandingItemRow>;

export const outstandingItemsPage = z.strictObject({
  items: z.array(outstandingItemRow),
  /** Items matching the request in all; `nextOffset` is null on the last page. */
  total: count,
  nextOffset: count.nullable(),
});
export type OutstandingItemsPage = z.infer<typeof outstandingItemsPage>;
