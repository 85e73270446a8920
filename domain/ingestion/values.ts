import { type IsoDate, parseFlexibleDate } from '../dates';
import { type Cents, MoneyError, parseAmount } from '../money';

/**
 * Readers for single CSV cells. Each returns the value or a message an operator can act on;
 * none of them rewrites what it cannot read. Cells arrive untrimmed from the parser.
 */
export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const fail = (message: string): CellResult<never> => ({ ok: false, message });

/** Quotes a cell for a message, shortened so one absurd value cannot flood the report. */
export function quoted(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
  return `"${shown}"`;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
export const ID_MAX = 100;
export const TEXT_MAX = 2000;

export function readId(raw: string): CellResult<string> {
  const value = raw.trim();
  if (value.length > ID_MAX) return fail(`${quoted(value)} is longer than ${ID_MAX} characters`);
  if (CONTROL.test(value)) return fail(`${quoted(value)} contains a line break or control character`);
  return ok(value);
}

export function readText(raw: string): CellResult<string> {
  const value = raw.trim();
  if (value.length > TEXT_MAX) return fail(`is longer than ${TEXT_MAX} characters`);
  return ok(value);
}

const PLAIN_AMOUNT = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

export function readAmount(raw: string): CellResult<Cents> {
  // Most exports write plain decimals; read those without the general parser's rewriting.
  const plain = PLAIN_AMOUNT.exec(raw);
  if (plain) {
    const cents = Number(plain[2]) * 100 + Number((plain[3] ?? '').padEnd(2, '0'));
    return ok(plain[1] && cents !== 0 ? -cents : cents);
  }
  try {
    return ok(parseAmount(raw));
  } catch (error) {
    if (error instanceof MoneyError) return fail(`${quoted(raw.trim())} is not an amount (expected e.g. 1234.56, $1,234.56, -12.00 or (12.00))`);
    throw error;
  }
}

// Wider than any receivable needs, narrow enough to catch a mistyped century.
const EARLIEST_YEAR = 1950;
const LATEST_YEAR = 2100;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD checked with arithmetic: dates are in nearly every row of every file. */
function plainIsoDate(value: string): IsoDate | null | undefined {
  if (value.length !== 10 || value[4] !== '-' || value[7] !== '-') return undefined;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || /[^\d-]/.test(value)) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days ? value : null;
}

export function readDate(raw: string): CellResult<IsoDate> {
  const value = raw.trim();
  const plain = plainIsoDate(value);
  if (plain !== undefined) {
    if (plain === null) return fail(`${quoted(value)} is not a date (expected YYYY-MM-DD or MM/DD/YYYY)`);
    const year = Number(plain.slice(0, 4));
    if (year < EARLIEST_YEAR || year > LATEST_YEAR) return fail(`${quoted(value)} is outside the years ${EARLIEST_YEAR}-${LATEST_YEAR}`);
    return ok(plain);
  }
  // Spreadsheets often append a midnight time to dates ("2026-11-05 00:00:00", "11/5/2026 0:00").
  const dateOnly = value.replace(/[ T]0?0:00(:00(\.0+)?)?(Z)?$/i, '');
  const parsed = parseFlexibleDate(dateOnly);
  if (!parsed) return fail(`${quoted(value)} is not a date (expected YYYY-MM-DD or MM/DD/YYYY)`);
  const year = Number(parsed.slice(0, 4));
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return fail(`${quoted(value)} is outside the years ${EARLIEST_YEAR}-${LATEST_YEAR}`);
  return ok(parsed);
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'x']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

export function readBoolean(raw: string): CellResult<boolean> {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return ok(true);
  if (FALSE.has(value)) return ok(false);
  return fail(`${quoted(raw.trim())} is not yes or no (expected true/false, yes/no, y/n or 1/0)`);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readEmail(raw: string): CellResult<string> {
  const value = raw.trim();
  if (!EMAIL.test(value) || value.length > 254) return fail(`${quoted(value)} is not an email address`);
  return ok(value);
}

export function readCurrency(raw: string): CellResult<'USD'> {
  const value = raw.trim().toUpperCase();
  if (value === 'USD' || value === 'US$' || value === '$') return ok('USD');
  return fail(`${quoted(raw.trim())} is not supported: amounts must be in US dollars (USD)`);
}

/** Words for a choice column: lower case, spaces and hyphens as underscores. */
export function choiceKey(raw: string): string {
  return raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Reads one of a fixed set of values, accepting a few spellings each (`aliases` maps spelling → value). */
export function readChoice<T extends string>(raw: string, what: string, aliases: Readonly<Record<string, T>>): CellResult<T> {
  const value = aliases[choiceKey(raw)];
  if (value !== undefined) return ok(value);
  const expected = [...new Set(Object.values(aliases))].join(', ');
  return fail(`${quoted(raw.trim())} is not a valid ${what} (expected ${expected})`);
}
