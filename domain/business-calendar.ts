/**
 * Business days as the money moves them: the days the Federal Reserve Banks are open, so ACH
 * clearing, the "pending too long" flag and the return window all count the same days.
 *
 * The Federal Reserve Banks close on eleven holidays (K.8 schedule):
 *
 *   New Year's Day            January 1
 *   Martin Luther King Jr.    third Monday of January      (from 1986)
 *   Washington's Birthday     third Monday of February
 *   Memorial Day              last Monday of May
 *   Juneteenth                June 19                      (from 2022; the Banks opened on 2021-06-18)
 *   Independence Day          July 4
 *   Labor Day                 first Monday of September
 *   Columbus Day              second Monday of October     (Indigenous Peoples' Day)
 *   Veterans Day              November 11
 *   Thanksgiving Day          fourth Thursday of November
 *   Christmas Day             December 25
 *
 * A fixed-date holiday on a Sunday closes the Banks the following Monday. One on a Saturday
 * closes nothing: unlike the federal government, the Banks stay open the Friday before
 * (2026-07-03 and 2027-12-24 are business days). Weekends are never business days.
 *
 * Dates are 'YYYY-MM-DD' strings. Years 1986 through 9999 are supported (the Monday-holiday
 * and MLK rules are not modelled before that); anything else throws a CalendarError. Every
 * function is pure: the only state is a per-year memo of holiday dates, which is deterministic
 * and therefore safe inside Temporal workflows.
 */
import { addDays, isIsoDate, type IsoDate } from './dates';

export class CalendarError extends Error {}

export type HolidayName =
  | "New Year's Day"
  | 'Birthday of Martin Luther King, Jr.'
  | "Washington's Birthday"
  | 'Memorial Day'
  | 'Juneteenth National Independence Day'
  | 'Independence Day'
  | 'Labor Day'
  | 'Columbus Day'
  | 'Veterans Day'
  | 'Thanksgiving Day'
  | 'Christmas Day';

export interface FederalReserveHoliday {
  name: HolidayName;
  /** The calendar date of the holiday itself. */
  date: IsoDate;
  /** The weekday the Banks are closed for it, or null when it falls on a Saturday (no closure). */
  observed: IsoDate | null;
}

export const FIRST_SUPPORTED_YEAR = 1986;
export const LAST_SUPPORTED_YEAR = 9999;

/** The Federal Reserve holidays of a year in calendar order. Observed Mondays may fall in the same year only (a Sunday Jan 1 is observed Jan 2). */
export function federalReserveHolidays(year: number): readonly FederalReserveHoliday[] {
  assertYear(year);
  const cached = holidaysByYear.get(year);
  if (cached) return cached;
  const fixed = (name: HolidayName, month: number, day: number): FederalReserveHoliday => {
    const date = isoOf(year, month, day);
    const weekday = weekdayOf(date);
    return { name, date, observed: weekday === SATURDAY ? null : weekday === SUNDAY ? addDays(date, 1) : date };
  };
  const monday = (name: HolidayName, month: number, nth: number | 'last'): FederalReserveHoliday => {
    const date = nthWeekdayOfMonth(year, month, MONDAY, nth);
    return { name, date, observed: date };
  };
  const holidays: FederalReserveHoliday[] = [
    fixed("New Year's Day", 1, 1),
    monday('Birthday of Martin Luther King, Jr.', 1, 3),
    monday("Washington's Birthday", 2, 3),
    monday('Memorial Day', 5, 'last'),
    ...(year >= 2022 ? [fixed('Juneteenth National Independence Day', 6, 19)] : []),
    fixed('Independence Day', 7, 4),
    monday('Labor Day', 9, 1),
    monday('Columbus Day', 10, 2),
    fixed('Veterans Day', 11, 11),
    (() => {
      const date = nthWeekdayOfMonth(year, 11, THURSDAY, 4);
      return { name: 'Thanksgiving Day' as const, date, observed: date };
    })(),
    fixed('Christmas Day', 12, 25),
  ];
  Object.freeze(holidays);
  holidaysByYear.set(year, holidays);
  const closures = holidays.flatMap((holiday) => (holiday.observed ? [Date.parse(`${holiday.observed}T00:00:00Z`) / MS_PER_DAY] : []));
  for (const day of closures) closedDays.add(day);
  closuresByYear.set(year, closures);
  return holidays;
}

/** True when the Federal Reserve Banks are closed for a holiday on this date (weekends aside). */
export function isFederalReserveHoliday(date: IsoDate): boolean {
  return isClosedForHoliday(dayNumberOf(date));
}

/** A weekday on which the Federal Reserve Banks are open. */
export function isBusinessDay(date: IsoDate): boolean {
  return isOpen(dayNumberOf(date));
}

/**
 * The date n business days after `date` (n > 0) or before it (n < 0); `date` itself is never
 * counted, and need not be a business day. n = 0 returns `date` unchanged.
 * addBusinessDays('2026-07-02', 1) === '2026-07-03' (Saturday holiday: the Friday is open);
 * addBusinessDays('2026-11-25', 1) === '2026-11-27' (Thanksgiving skipped).
 */
export function addBusinessDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new CalendarError(`business-day count must be a whole number, got ${n}`);
  let day = dayNumberOf(date);
  if (n === 0) return date;
  const step = n < 0 ? -1 : 1;
  let remaining = Math.abs(n);
  while (remaining > 0) {
    day += step;
    if (isOpen(day)) remaining -= 1;
  }
  return isoOfDayNumber(day);
}

/**
 * The signed number of business days passed moving from `a` to `b`, leaving `a` out and
 * counting `b`: forward, the business days in (a, b]; backward, minus those in [b, a).
 * It inverts addBusinessDays in both directions — businessDaysBetween(a, addBusinessDays(a, n))
 * === n — so "pending for more than 3 business days" is businessDaysBetween(submittedOn, today) > 3.
 * Being anchored on the start, it is not antisymmetric when an end point is a closed day.
 */
export function businessDaysBetween(a: IsoDate, b: IsoDate): number {
  const from = dayNumberOf(a);
  const to = dayNumberOf(b);
  if (to === from) return 0;
  if (to > from) return openDaysAfterUpTo(from, to);
  const backward = openDaysAfterUpTo(to - 1, from - 1);
  return backward === 0 ? 0 : -backward;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: IsoDate): IsoDate {
  return addBusinessDays(date, 1);
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(date: IsoDate): IsoDate {
  return addBusinessDays(date, -1);
}

/** `date` when it is a business day, else the next one: the day a weekend or holiday payment is processed. */
export function businessDayOnOrAfter(date: IsoDate): IsoDate {
  return isBusinessDay(date) ? date : nextBusinessDay(date);
}

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
const MS_PER_DAY = 86_400_000;

const holidaysByYear = new Map<number, readonly FederalReserveHoliday[]>();
/** Observed closures as day numbers (days since 1970-01-01), for every year loaded so far. */
const closedDays = new Set<number>();
const closuresByYear = new Map<number, readonly number[]>();

// Internally a date is its day number, so stepping through days is integer arithmetic;
// the year of a day number is only worked out to load that year's holidays once.
function isOpen(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return weekday !== SATURDAY && weekday !== SUNDAY && !isClosedForHoliday(day);
}

function isClosedForHoliday(day: number): boolean {
  const year = new Date(day * MS_PER_DAY).getUTCFullYear();
  if (!closuresByYear.has(year)) federalReserveHolidays(year);
  return closedDays.has(day);
}

/** Open days d with from < d <= to, for from < to. */
function openDaysAfterUpTo(from: number, to: number): number {
  // Any seven consecutive days hold exactly five weekdays, so whole weeks are counted at once,
  // less the observed closures in them (which always fall on weekdays).
  const wholeWeeks = Math.floor((to - from) / 7);
  const weekEnd = from + wholeWeeks * 7;
  let count = wholeWeeks * 5;
  if (wholeWeeks > 0) {
    const firstYear = Math.max(new Date((from + 1) * MS_PER_DAY).getUTCFullYear(), FIRST_SUPPORTED_YEAR);
    const lastYear = new Date(weekEnd * MS_PER_DAY).getUTCFullYear();
    for (let year = firstYear; year <= lastYear; year += 1) {
      if (!closuresByYear.has(year)) federalReserveHolidays(year);
      for (const closed of closuresByYear.get(year)!) if (closed > from && closed <= weekEnd) count -= 1;
    }
  }
  for (let day = weekEnd + 1; day <= to; day += 1) if (isOpen(day)) count += 1;
  return count;
}

function dayNumberOf(date: IsoDate): number {
  assertDate(date);
  return Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
}

function isoOfDayNumber(day: number): IsoDate {
  const date = new Date(day * MS_PER_DAY);
  assertYear(date.getUTCFullYear());
  return date.toISOString().slice(0, 10);
}

function nthWeekdayOfMonth(year: number, month: number, weekday: number, nth: number | 'last'): IsoDate {
  if (nth === 'last') {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const last = isoOf(year, month, lastDay);
    return addDays(last, -((weekdayOf(last) - weekday + 7) % 7));
  }
  const first = isoOf(year, month, 1);
  return addDays(first, ((weekday - weekdayOf(first) + 7) % 7) + (nth - 1) * 7);
}

function isoOf(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) {
    throw new CalendarError(`the business calendar covers ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}, not ${year}`);
  }
}

function assertDate(date: IsoDate): void {
  if (typeof date !== 'string' || !isIsoDate(date)) throw new CalendarError(`"${date}" is not a date (expected YYYY-MM-DD)`);
  assertYear(Number(date.slice(0, 4)));
}
