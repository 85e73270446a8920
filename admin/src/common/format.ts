import { formatCents } from '../../../domain/money';
import { dealerTimeZone } from '../session';

/** Dollars with cents, always: 123456 → "$1,234.56". Missing values show as a dash. */
export function money(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  return formatCents(cents);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A calendar date ('YYYY-MM-DD', e.g. a due date) as written, never shifted by a time zone:
 * "Nov 5, 2026".
 */
export function calendarDate(value: string | null | undefined): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return value;
  return `${MONTHS[Number(match[2]) - 1]} ${Number(match[3])}, ${match[1]}`;
}

/** An instant (a timestamp) in the dealer's time zone: "Nov 5, 2026, 4:07 PM CST". */
export function instant(value: string | Date | null | undefined, timeZone = dealerTimeZone()): string {
  if (!value) return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(date);
}

export function days(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** Basis points as a percentage: 295 → "2.95 %". */
export function percentFromBps(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return '—';
  return `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
}

export const humanize = (value: string | null | undefined) => (value ? value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()) : '—');
