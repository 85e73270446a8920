/**
 * Scheduled one-off payments: a customer picks items to pay on a later date. The date is the
 * dealer's (their time zone), at least tomorrow and at most MAX_DAYS_AHEAD away; the payment
 * is submitted early that morning, so an ACH debit dated that day is on its way the same day.
 * Pure; the caller passes today's dealer-local date and the clock.
 */
import { addDays, daysBetween, zonedInstant, type IsoDate } from './dates';

export const MAX_SCHEDULE_DAYS_AHEAD = 60;
/** Dealer-local time a scheduled payment is submitted on its date. */
export const SCHEDULED_RUN_TIME = '07:00';
const DAY_MS = 86_400_000;

export const SCHEDULED_PAYMENT_STATUSES = ['scheduled', 'submitted', 'canceled', 'failed'] as const;
export type ScheduledPaymentStatus = (typeof SCHEDULED_PAYMENT_STATUSES)[number];

export const SCHEDULED_STATUS_LABELS: Record<ScheduledPaymentStatus, string> = {
  scheduled: 'Scheduled',
  submitted: 'Paid on schedule',
  canceled: 'Cancelled',
  failed: 'Not paid',
};

/** Why a date cannot be scheduled, or null when it can. */
export function scheduleDateProblem(scheduledFor: IsoDate, today: IsoDate): string | null {
  if (scheduledFor <= today) return `must be after today (${today}); to pay today, pay now`;
  if (scheduledFor > addDays(today, MAX_SCHEDULE_DAYS_AHEAD)) return `must be within ${MAX_SCHEDULE_DAYS_AHEAD} days (by ${addDays(today, MAX_SCHEDULE_DAYS_AHEAD)})`;
  return null;
}

/**
 * When the scheduled payment is submitted. `dayMs` shortens calendar days the way
 * BUSINESS_DAY_MS shortens business days, so tests and demos run a schedule in seconds.
 */
export function scheduledRunAt(scheduledFor: IsoDate, today: IsoDate, timeZone: string, now: Date, dayMs: number): Date {
  if (dayMs === DAY_MS) return zonedInstant(scheduledFor, SCHEDULED_RUN_TIME, timeZone);
  return new Date(now.getTime() + daysBetween(today, scheduledFor) * dayMs);
}

/** The date a scheduled payment is quoted and dated at when it runs: its own, or today if it runs late. */
export const runDate = (scheduledFor: IsoDate, today: IsoDate): IsoDate => (today > scheduledFor ? today : scheduledFor);
