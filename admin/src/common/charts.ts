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

/**
 * Y-axis ticks for a money chart, in cents, in steps of whole dollars that read plainly (1, 2
 * or 5 times a power of ten): left to itself the axis splits a small range into fractions of
 * a dollar that compactDollars prints alike ("$0" five times on an empty chart).
 */
export function dollarTicks(valuesInCents: number[], count = 5): number[] {
  const top = Math.max(0, ...valuesInCents);
  const bottom = Math.min(0, ...valuesInCents);
  if (top === bottom) return [0];
  const rough = (top - bottom) / (count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(100, [1, 2, 5, 10].map((multiple) => multiple * power).find((candidate) => candidate >= rough) ?? 10 * power);
  const ticks: number[] = [];
  for (let tick = Math.floor(bottom / step) * step; tick < top + step; tick += step) ticks.push(tick);
  return ticks;
}

/** dollarTicks as YAxis props; an all-zero chart keeps its one "$0" tick at the bottom. */
export function dollarAxis(valuesInCents: number[]): { ticks: number[]; domain: [number, number] } {
  const ticks = dollarTicks(valuesInCents);
  return { ticks, domain: [ticks[0] ?? 0, Math.max(ticks.at(-1) ?? 0, 100)] };
}
