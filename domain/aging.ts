import { assertCents, type Cents } from './money';
import { addDays, daysBetween, localDate, zonedInstant, type IsoDate } from './dates';

/**
 * Aging of a customer account's open receivables, as the Customers Dashboard shows it.
 *
 * Rules (the SQL in db/account-stats.ts applies the same ones to whole batches; a test
 * checks the two agree):
 * - Only open balances count. An invoice counts its remaining `balance` while it is `open`
 *   or `partially_paid`; an adjustment while it is `open` or `partially_applied`. Paid,
 *   void and fully applied items, and anything whose balance is zero, are left out.
 * - "Today" is the calendar date in the dealer's time zone, so an invoice becomes past due
 *   at midnight in the dealer's office, not at midnight UTC.
 * - An invoice is past due once today is after its due date; it is "N days past due" where
 *   N = today − due date, bucketed 1–30, 31–60, 61–90 and 91+.
 * - Weighted average days overdue is dollar-weighted over past-due invoices only:
 *   Σ(balance × days past due) / Σ(past-due balance). Current invoices are NOT averaged in
 *   as zero: the figure answers "how late is the money that is late?", so $10,000 current
 *   plus $1,000 at 40 days reads 40, not 3.6. How much of the account is late is what the
 *   past-due amount and the aging buckets already show. No past-due invoice → 0.
 *   Stored as hundredths of a day, rounded half up.
 * - Adjustments are not aged: debit and credit adjustment totals are their open balances.
 * - Discounts are statement discounts the customer can still take: open statements with a
 *   discount whose discount date (or, without one, due date) is today or later.
 */

export type AgingBucket = 'current' | 'days_1_30' | 'days_31_60' | 'days_61_90' | 'days_91_plus';

/** Inclusive lower bound (days past due) of each past-due bucket, oldest last. */
export const PAST_DUE_BUCKETS: readonly { bucket: Exclude<AgingBucket, 'current'>; fromDay: number; label: string }[] = [
  { bucket: 'days_1_30', fromDay: 1, label: '1–30' },
  { bucket: 'days_31_60', fromDay: 31, label: '31–60' },
  { bucket: 'days_61_90', fromDay: 61, label: '61–90' },
  { bucket: 'days_91_plus', fromDay: 91, label: '91+' },
];

export const OPEN_INVOICE_STATUSES = ['open', 'partially_paid'] as const;
export const OPEN_ADJUSTMENT_STATUSES = ['open', 'partially_applied'] as const;

export interface OpenInvoiceInput {
  status: string;
  dueDate: IsoDate;
  balanceCents: Cents;
}

export interface AdjustmentInput {
  kind: 'credit' | 'debit';
  status: string;
  balanceCents: Cents;
}

export interface StatementInput {
  status: string;
  discountCents: Cents;
  discountDate: IsoDate | null;
  dueDate: IsoDate;
}

export interface AgingSummary {
  /** The dealer-local date the figures are as of. */
  asOf: IsoDate;
  outstandingCents: Cents;
  currentCents: Cents;
  pastDueCents: Cents;
  aging1To30Cents: Cents;
  aging31To60Cents: Cents;
  aging61To90Cents: Cents;
  aging91PlusCents: Cents;
  openInvoiceCount: number;
  currentInvoiceCount: number;
  pastDueInvoiceCount: number;
  weightedDaysOverdueX100: number;
  debitAdjustmentsCents: Cents;
  creditAdjustmentsCents: Cents;
  discountsCents: Cents;
}

/** The dealer's business date at an instant: the date aging is measured against. */
export function agingDate(now: Date, dealerTimeZone: string): IsoDate {
  return localDate(now, dealerTimeZone);
}

/**
 * When the nightly recompute should next run: the first `localTime` (HH:MM, dealer-local)
 * strictly after `now`. Shortly after midnight, so the day's aging is right before anyone
 * in the dealer's office opens the dashboard.
 */
export function nextAgingRefreshAt(now: Date, dealerTimeZone: string, localTime = AGING_REFRESH_LOCAL_TIME): Date {
  const today = localDate(now, dealerTimeZone);
  const candidate = zonedInstant(today, localTime, dealerTimeZone);
  return candidate.getTime() > now.getTime() ? candidate : zonedInstant(addDays(today, 1), localTime, dealerTimeZone);
}

export const AGING_REFRESH_LOCAL_TIME = '00:05';

/** Days past due on `today` (0 or negative while the invoice is current). */
export function daysPastDue(dueDate: IsoDate, today: IsoDate): number {
  return daysBetween(dueDate, today);
}

export function bucketFor(daysPastDueCount: number): AgingBucket {
  let bucket: AgingBucket = 'current';
  for (const candidate of PAST_DUE_BUCKETS) if (daysPastDueCount >= candidate.fromDay) bucket = candidate.bucket;
  return bucket;
}

export function isOpenInvoice(invoice: Pick<OpenInvoiceInput, 'status' | 'balanceCents'>): boolean {
  return (OPEN_INVOICE_STATUSES as readonly string[]).includes(invoice.status) && invoice.balanceCents > 0;
}

export function isOpenAdjustment(adjustment: Pick<AdjustmentInput, 'status' | 'balanceCents'>): boolean {
  return (OPEN_ADJUSTMENT_STATUSES as readonly string[]).includes(adjustment.status) && adjustment.balanceCents > 0;
}

export function isDiscountAvailable(statement: StatementInput, today: IsoDate): boolean {
  const lastDay = statement.discountDate ?? statement.dueDate;
  return statement.status === 'open' && statement.discountCents > 0 && today <= lastDay;
}

/**
 * Σ(balance × days) / Σ(balance) in hundredths of a day, rounded half up, in integers.
 * `balanceDays` is a BigInt because balance × days overflows 2^53 for very large accounts.
 */
export function weightedDaysOverdueX100(balanceDays: bigint, pastDueCents: Cents): number {
  if (pastDueCents <= 0) return 0;
  const denominator = BigInt(pastDueCents);
  return Number((balanceDays * 200n + denominator) / (2n * denominator));
}

export function emptyAgingSummary(asOf: IsoDate): AgingSummary {
  return {
    asOf, outstandingCents: 0, currentCents: 0, pastDueCents: 0,
    aging1To30Cents: 0, aging31To60Cents: 0, aging61To90Cents: 0, aging91PlusCents: 0,
    openInvoiceCount: 0, currentInvoiceCount: 0, pastDueInvoiceCount: 0, weightedDaysOverdueX100: 0,
    debitAdjustmentsCents: 0, creditAdjustmentsCents: 0, discountsCents: 0,
  };
}

const BUCKET_FIELD: Record<Exclude<AgingBucket, 'current'>, 'aging1To30Cents' | 'aging31To60Cents' | 'aging61To90Cents' | 'aging91PlusCents'> = {
  days_1_30: 'aging1To30Cents',
  days_31_60: 'aging31To60Cents',
  days_61_90: 'aging61To90Cents',
  days_91_plus: 'aging91PlusCents',
};

/** Classifies one account's items as of `now` in the dealer's time zone. */
export function summarizeAging(input: {
  dealerTimeZone: string;
  now: Date;
  invoices: readonly OpenInvoiceInput[];
  adjustments?: readonly AdjustmentInput[];
  statements?: readonly StatementInput[];
}): AgingSummary {
  const today = agingDate(input.now, input.dealerTimeZone);
  const summary = emptyAgingSummary(today);
  let balanceDays = 0n;
  for (const invoice of input.invoices) {
    assertCents(invoice.balanceCents, 'invoice balance');
    if (!isOpenInvoice(invoice)) continue;
    summary.outstandingCents += invoice.balanceCents;
    summary.openInvoiceCount += 1;
    const days = daysPastDue(invoice.dueDate, today);
    const bucket = bucketFor(days);
    if (bucket === 'current') {
      summary.currentCents += invoice.balanceCents;
      summary.currentInvoiceCount += 1;
      continue;
    }
    summary.pastDueCents += invoice.balanceCents;
    summary.pastDueInvoiceCount += 1;
    summary[BUCKET_FIELD[bucket]] += invoice.balanceCents;
    balanceDays += BigInt(invoice.balanceCents) * BigInt(days);
  }
  summary.weightedDaysOverdueX100 = weightedDaysOverdueX100(balanceDays, summary.pastDueCents);
  for (const adjustment of input.adjustments ?? []) {
    assertCents(adjustment.balanceCents, 'adjustment balance');
    if (!isOpenAdjustment(adjustment)) continue;
    if (adjustment.kind === 'debit') summary.debitAdjustmentsCents += adjustment.balanceCents;
    else summary.creditAdjustmentsCents += adjustment.balanceCents;
  }
  for (const statement of input.statements ?? []) {
    if (isDiscountAvailable(statement, today)) summary.discountsCents += statement.discountCents;
  }
  return summary;
}

/**
 * What the account owes net of its open adjustments: invoices + debits − credits. Available
 * discounts are not subtracted: they are only earned if the customer pays in time.
 */
export function netReceivableCents(summary: Pick<AgingSummary, 'outstandingCents' | 'debitAdjustmentsCents' | 'creditAdjustmentsCents'>): Cents {
  return summary.outstandingCents + summary.debitAdjustmentsCents - summary.creditAdjustmentsCents;
}
