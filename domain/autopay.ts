/**
 * Autopay (docs/autopay.md): the rules a customer can enrol with, the enrolment's states, and
 * when each cycle's notice and debit fall. Pure; callers pass the dealer-local date.
 */
import { addDays, daysBetween, zonedInstant, type IsoDate } from './dates';
import { formatCents, type Cents } from './money';

export const AUTOPAY_RULES = ['statement_discount_date', 'statement_due_date', 'invoice_before_due'] as const;
export type AutopayRule = (typeof AUTOPAY_RULES)[number];

export const AUTOPAY_STATUSES = ['active', 'needs_attention', 'suspended', 'canceled'] as const;
export type AutopayStatus = (typeof AUTOPAY_STATUSES)[number];

export const AUTOPAY_STATUS_LABELS: Record<AutopayStatus, string> = {
  active: 'On',
  needs_attention: 'Needs your attention',
  suspended: 'Suspended by the dealer',
  canceled: 'Cancelled',
};

/** Days before a debit the notice goes out: the default, and the range a customer may choose. */
export const DEFAULT_NOTICE_DAYS = 3;
export const MAX_NOTICE_DAYS = 10;
/** Dealer-local time of day notices and debits are made. */
export const AUTOPAY_RUN_TIME = '07:00';
const DAY_MS = 86_400_000;

export function describeRule(rule: AutopayRule, daysBeforeDue: number | null): string {
  if (rule === 'statement_discount_date') return 'each statement in full on its discount date (taking the discount), or on its due date when it has none';
  if (rule === 'statement_due_date') return 'each statement in full on its due date';
  return `each invoice in full ${daysBeforeDue ?? 0} day${daysBeforeDue === 1 ? '' : 's'} before it is due`;
}

/** The date a statement is debited under the rule: the discount date when it has a discount still to earn. */
export function statementDebitDate(rule: AutopayRule, statement: { discountDate: IsoDate | null; discountCents: Cents; dueDate: IsoDate }): IsoDate {
  if (rule === 'statement_discount_date' && statement.discountDate && statement.discountCents > 0) return statement.discountDate;
  return statement.dueDate;
}

export const invoiceDebitDate = (dueDate: IsoDate, daysBeforeDue: number): IsoDate => addDays(dueDate, -daysBeforeDue);

/** A debit date already past (a late enrolment, a resumed one) is made today. */
export const effectiveDate = (date: IsoDate, today: IsoDate): IsoDate => (date < today ? today : date);

/** The notice date: `noticeDays` before the debit, never before today. */
export const noticeDate = (debitDate: IsoDate, noticeDays: number, today: IsoDate): IsoDate => effectiveDate(addDays(debitDate, -noticeDays), today);

/**
 * The instant a dealer-local date's run happens. `dayMs` compresses calendar days (as
 * CALENDAR_DAY_MS does for scheduled payments) so a cycle runs in seconds in tests and demos.
 */
export function autopayInstant(date: IsoDate, today: IsoDate, timeZone: string, now: Date, dayMs: number): Date {
  if (dayMs === DAY_MS) return new Date(Math.max(now.getTime(), zonedInstant(date, AUTOPAY_RUN_TIME, timeZone).getTime()));
  return new Date(now.getTime() + Math.max(0, daysBetween(today, date)) * dayMs);
}

export const aboveMaximumReason = (amountCents: Cents, maxCents: Cents, what: string) =>
  `${what} comes to ${formatCents(amountCents)}, above your autopay maximum of ${formatCents(maxCents)}. Nothing was debited: pay it yourself, or raise the maximum and turn autopay back on.`;
