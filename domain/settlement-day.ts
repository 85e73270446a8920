/**
 * Which day's settlement a payment belongs to. Dealers reconcile by their own business day,
 * so the rule works in the dealer's time zone: a payment that settles on a business day
 * before the dealer's cutoff belongs to that day; one that settles at or after the cutoff,
 * or on a weekend or Federal Reserve holiday, belongs to the next business day.
 * Pure and deterministic, so workflows may call it too.
 */
import { isBusinessDay, nextBusinessDay } from './business-calendar';
import { localDate, zonedInstant, type IsoDate } from './dates';

export class CutoffError extends Error {}

const CUTOFF = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function assertCutoff(cutoff: string): void {
  if (!CUTOFF.test(cutoff)) throw new CutoffError(`settlement cutoff must be HH:MM (24-hour), got "${cutoff}"`);
}

/** The business date of the settlement a payment that settled at `settledAt` joins. */
export function settlementBusinessDate(settledAt: Date, timeZone: string, cutoff: string): IsoDate {
  assertCutoff(cutoff);
  const day = localDate(settledAt, timeZone);
  if (isBusinessDay(day) && settledAt.getTime() < zonedInstant(day, cutoff, timeZone).getTime()) return day;
  return nextBusinessDay(day);
}

/** The instant the settlement of `businessDate` closes: the cutoff, on that date, in the dealer's office. */
export function settlementClosesAt(businessDate: IsoDate, timeZone: string, cutoff: string): Date {
  assertCutoff(cutoff);
  return zonedInstant(businessDate, cutoff, timeZone);
}
