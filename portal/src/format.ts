import { formatCents, parseAmount } from '../../domain/money';

/** Money and dates the way customers read them. */
export const money = (cents: number) => formatCents(cents);

export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day!)).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
}

export function dateTime(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** Dollars typed by a person ("1,234.50") to cents; null when it is not a positive amount. */
export function parseDollars(text: string): number | null {
  try {
    const cents = parseAmount(text);
    return cents > 0 ? cents : null;
  } catch {
    return null;
  }
}

export const centsToInput = (cents: number) => (cents / 100).toFixed(2);
