/**
 * Boundary values by kind of input, for the API fuzzer's boundary sweep: the edges of what a
 * schema of that kind allows and the first values past them. Random sampling over a long list
 * of nasty constants hit '2026-02-30' on a date filter about once in a few hundred runs, so
 * impossible dates reached PostgreSQL and answered 500 unnoticed; the sweep tries every value
 * of a field's kind on every field of that kind, every run.
 *
 * A field's kind is read from the value a plausible body gives it, or, for a list filter or a
 * query parameter, from which probe value the API accepts (see `KIND_PROBES`).
 */

export type Kind = 'date' | 'instant' | 'number' | 'id' | 'boolean' | 'time' | 'string';

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const day = (year: number, month: number, date: number) => `${pad(year, 4)}-${pad(month, 2)}-${pad(date, 2)}`;
/** Days in a month of a year ≥ 1000 (JavaScript's Date misreads years below 100). */
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Calendar dates: each month's last day and the day after it, Feb 29 in leap and common years (2100 and 1900 are common), day 0/32, month 0/13, far years, and near-miss shapes. */
export function calendarDateBoundaries(): string[] {
  const out = new Set<string>();
  for (let month = 1; month <= 12; month += 1) {
    const last = daysIn(2026, month);
    out.add(day(2026, month, last));
    out.add(day(2026, month, last + 1));
  }
  for (const year of [2024, 2000, 2026, 2100, 1900]) out.add(day(year, 2, 29));
  out.add(day(2024, 2, 30));
  for (const date of [0, 1, 32, 99]) out.add(day(2026, 1, date));
  for (const month of [0, 13, 99]) out.add(day(2026, month, 15));
  for (const year of [0, 1, 99, 100, 1000, 1969, 1970, 9999]) out.add(day(year, 1, 1));
  out.add(day(9999, 12, 31));
  for (const shape of ['2026-1-5', '20260105', '2026/01/05', '01/05/2026', '2026-01-05 ', ' 2026-01-05', '+2026-01-05', '-2026-01-05', '12026-01-05', '２０２６-01-05', '']) out.add(shape);
  return [...out];
}

/** Instants: impossible days and times, offsets at and past ±23:59, no offset, and the far ends of the calendar. */
export function instantBoundaries(): string[] {
  const out = new Set<string>();
  for (const date of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '0000-01-01', '2024-02-29', '9999-12-31']) out.add(`${date}T12:00:00Z`);
  for (const time of ['00:00:00Z', '23:59:59.999Z', '24:00:00Z', '23:60:00Z', '23:59:60Z', '12:00:00+14:00', '12:00:00-23:59', '12:00:00+24:00', '12:00:00', '12:00:00.123456789Z']) out.add(`2024-02-29T${time}`);
  out.add('9999-12-31T23:59:59-23:59');
  out.add('0001-01-01T00:00:00+23:59');
  return [...out];
}

/** Whole numbers at the edges of int4, int8 and JavaScript's safe integers, past them, fractions, and the same as text. */
export const NUMBER_BOUNDARIES: unknown[] = [
  0, -0, 1, -1, 0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), 2 ** 63, 1e20, 1e308, -1e308,
  '0', '-1', '1', '2147483648', '9007199254740991', '9007199254740992', '9223372036854775807', '9223372036854775808', '1e20', '1e400', '0x10', '1.5', '', ' ',
];

/** Around every maximum length the API's schemas use (60 to 500), and empty. */
export const STRING_BOUNDARIES: unknown[] = ['', ' ', '\t', ...[60, 61, 100, 101, 200, 201, 254, 255, 320, 321, 500, 501, 5000].map((length) => 'x'.repeat(length))];

export const ID_BOUNDARIES: unknown[] = [
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{00000000-0000-0000-0000-000000000000}', '00000000000000000000000000000000', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', '',
];

export const BOOLEAN_BOUNDARIES: unknown[] = [true, false, 'true', 'false', 'TRUE', '1', '0', 'yes', 'on', '', 0, 1];

export const TIME_BOUNDARIES: unknown[] = ['00:00', '23:59', '24:00', '23:60', '7:00', '07:00:00', '-1:00', '12:5', ''];

/** react-admin page ranges at and past the edges: the page cap, safe integers, int8, backwards, fractional. */
export const RANGE_BOUNDARIES: unknown[] = [
  [0, 0], [0, 999], [0, 1000], [0, 2 ** 53 - 1], [2 ** 53 - 1, 2 ** 53 - 1], [2 ** 53, 2 ** 53], [2 ** 63, 2 ** 63], [1e20, 1e20], [-1, 0], [5, 4], [0.5, 1], [0], [0, 1, 2], ['0', '1'],
];

export function boundariesOf(kind: Kind): unknown[] {
  switch (kind) {
    case 'date': return calendarDateBoundaries();
    case 'instant': return [...instantBoundaries(), ...calendarDateBoundaries()];
    case 'number': return NUMBER_BOUNDARIES;
    case 'id': return ID_BOUNDARIES;
    case 'boolean': return BOOLEAN_BOUNDARIES;
    case 'time': return TIME_BOUNDARIES;
    case 'string': return STRING_BOUNDARIES;
  }
}

/**
 * Probe values, tried in this order on a filter or query parameter the API is known to read;
 * the first kinds whose probe it accepts are the field's kinds. Free text accepts every probe,
 * so 'x' going through makes a field 'string' and nothing else.
 */
export const KIND_PROBES: Array<{ kind: Kind; value: unknown }> = [
  { kind: 'string', value: 'x' },
  { kind: 'instant', value: '2024-02-29T12:00:00Z' },
  { kind: 'date', value: '2024-02-29' },
  { kind: 'number', value: 1 },
  { kind: 'id', value: '00000000-0000-4000-8000-000000000000' },
  { kind: 'boolean', value: true },
  { kind: 'time', value: '17:00' },
];

/** The kinds a field accepts, from which probes were accepted: free text is 'string' only; a date-and-time field is swept with dates too. */
export function kindsFromProbes(accepted: Set<Kind>): Kind[] {
  if (accepted.has('string')) return ['string'];
  if (accepted.has('instant')) return ['instant'];
  return [...accepted];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kind of a value in a plausible body. */
export function kindOfValue(value: unknown): Kind | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (typeof value !== 'string') return undefined;
  if (UUID.test(value)) return 'id';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return 'instant';
  if (/^\d{2}:\d{2}$/.test(value)) return 'time';
  return 'string';
}

/** The kind zod names for a missing field ("expected number, received undefined"). */
export function kindOfMessage(message: string): Kind | undefined {
  const expected = /expected (\w+)/.exec(message)?.[1];
  return expected === 'number' ? 'number' : expected === 'boolean' ? 'boolean' : expected === 'string' ? 'string' : undefined;
}

/** Every primitive leaf of a body with its path; arrays are entered through their first element. */
export function leaves(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; value: unknown }> {
  if (Array.isArray(value)) return value.length ? leaves(value[0], [...path, 0]) : [];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => leaves(inner, [...path, key]));
  return [{ path, value }];
}

/** A deep copy of `body` with the leaf at `path` replaced. */
export function withLeaf(body: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  copy[head!] = withLeaf(copy[head!], rest, value);
  return copy;
}
