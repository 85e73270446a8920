/**
 * Calendar dates are 'YYYY-MM-DD' strings; instants are Dates. Whether an invoice is past
 * due depends on the date in the dealer's office, so "today" is always taken in a time zone.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether a string is 'YYYY-MM-DD' naming a day that exists: no 2026-02-30, 2026-13-01 or
 * 2026-02-29 (2026 is no leap year). Years before 100 are refused: no ledger holds them,
 * PostgreSQL has no year 0, and JavaScript's Date reads years 0–99 as 1900–1999.
 */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (y < 100) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Building an Intl.DateTimeFormat loads time-zone data and costs far more than formatting
 * with one (it was the API's busiest function under a payment load), and a product serves a
 * handful of zones: one formatter per zone and shape, kept.
 */
function cachedFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) cache.set(timeZone, (format = make()));
  return format;
}
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): IsoDate {
  const format = cachedFormat(dateFormats, timeZone, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  const parts = format.formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const readableFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as a person in the dealer's office reads it: "December 4, 2026, 11:58 AM CST". */
export function localDateTime(instant: Date, timeZone: string): string {
  return cachedFormat(readableFormats, timeZone, () => new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'long', timeStyle: 'short' })).format(instant)
    + ` ${timeZoneAbbreviation(instant, timeZone)}`;
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();
function timeZoneAbbreviation(instant: Date, timeZone: string): string {
  const format = cachedFormat(zoneNameFormats, timeZone, () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }));
  return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** The instant at which a local wall-clock time occurs on a date in a time zone (DST-aware). */
export function zonedInstant(date: IsoDate, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  // Offset of the zone at the guessed instant; a second pass settles DST transitions.
  let instant = guess - zoneOffsetMs(new Date(guess), timeZone);
  instant = guess - zoneOffsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = cachedFormat(instantFormats, timeZone, () => new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  })).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return next.toISOString().slice(0, 10);
}

/** Parses ISO (2026-11-05) or US (11/05/2026, 11/5/26) dates; returns null when unreadable. */
export function parseFlexibleDate(input: string): IsoDate | null {
  const text = input.trim();
  if (ISO_DATE.test(text)) return isIsoDate(text) ? text : null;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
  if (!us) return null;
  const year = us[3]!.length === 2 ? 2000 + Number(us[3]) : Number(us[3]);
  const iso = `${year}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}
