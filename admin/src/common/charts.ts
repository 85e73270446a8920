import { calendarDate } from './format';

/**
 * Axis labels for money charts: whole dollars, shortened ($12.3k, $1.2M). Only ticks use this;
 * every figure a person reads exactly (tooltips, tables) is dollars with cents.
 */
export function compactDollars(cents: number): string {
  const dollars = Math.round(cents / 100);
  const magnitude = Math.abs(dollars);
  if (magnitude >= 1_000_000) return `$${(dollars / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })}M`;
  if (magnitude >= 1_000) return `$${(dollars / 1_000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`;
  return `$${dollars.toLocaleString('en-US')}`;
}

/** "2026-11-05" → "Nov 5" for day ticks. */
export function shortDay(isoDay: string): string {
  return calendarDate(isoDay).replace(/, \d{4}$/, '');
}
