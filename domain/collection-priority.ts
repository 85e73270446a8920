import type { AgingSummary } from './aging';
import { netReceivableCents } from './aging';
import { assertCents, formatCents, type Cents } from './money';

/**
 * Collection Priority: how urgently an account needs a collector's attention, 0–10.
 * Not a credit score: it says nothing about whether to extend credit, only where to look
 * first today. The formula, with worked examples, is in docs/collection-priority.md.
 *
 * Everything is integer arithmetic in tenths of a point. The score is the sum of the
 * components' tenths, rounded half up to a whole point and capped at 10; the components are
 * returned with it so the console can show why an account scores what it does.
 *
 * Age dominates (an account is at most as severe as its oldest bucket with money in it);
 * size modulates, log-scaled against the dealer's typical balance, so a huge account that is
 * a little late and a small one that is very late both surface, the very late one higher.
 */

export type PriorityBand = 'act_now' | 'watch' | 'on_track' | 'nothing_to_do';

export type PriorityComponentKey =
  | 'aging_mix'
  | 'days_overdue'
  | 'past_due_amount'
  | 'balance'
  | 'past_due_invoices'
  | 'credit_limit'
  | 'inactive'
  | 'lien_deadline'
  | 'small_amount_cap';

export interface PriorityComponent {
  key: PriorityComponentKey;
  /** Tenths of a score point this component adds (the small-amount cap subtracts). */
  tenths: number;
  maxTenths: number;
  /** One short line an operator can read: the input that produced the points. */
  label: string;
}

export interface CollectionPriority {
  score: number;
  band: PriorityBand;
  /** Σ component tenths before rounding and the cap at 10 points. */
  totalTenths: number;
  components: PriorityComponent[];
}

export type PriorityAging = Pick<
  AgingSummary,
  | 'outstandingCents' | 'pastDueCents' | 'aging1To30Cents' | 'aging31To60Cents' | 'aging61To90Cents' | 'aging91PlusCents'
  | 'pastDueInvoiceCount' | 'weightedDaysOverdueX100' | 'debitAdjustmentsCents' | 'creditAdjustmentsCents'
>;

const PRIORITY_AGING_FIELDS = [
  'outstandingCents', 'pastDueCents', 'aging1To30Cents', 'aging31To60Cents', 'aging61To90Cents', 'aging91PlusCents',
  'pastDueInvoiceCount', 'weightedDaysOverdueX100', 'debitAdjustmentsCents', 'creditAdjustmentsCents',
] as const satisfies readonly (keyof PriorityAging)[];

export interface PriorityInput {
  aging: PriorityAging;
  accountStatus: 'active' | 'inactive' | string;
  creditLimitCents: Cents | null;
  /** The dealer's typical balance (median outstanding of accounts that owe something). */
  referenceBalanceCents: Cents | null;
  /** Days left to file a lien on the nearest job still owed money (domain/lien-deadlines.ts); null when none is ahead. */
  lienFilingDaysLeft?: number | null;
}

/** Used while a dealer has no typical balance yet (no account owes anything). */
export const DEFAULT_REFERENCE_BALANCE_CENTS = 500_000;
/** A floor so that a dealer whose customers owe pennies does not make every penny urgent. */
export const MIN_REFERENCE_BALANCE_CENTS = 10_000;

export const PRIORITY_WEIGHTS = {
  /** Weight of each past-due bucket in the aging mix (tenths); also its cap. */
  agingBucket: { days_1_30: 15, days_31_60: 28, days_61_90: 38, days_91_plus: 45 },
  /** A bucket holding 1/amplification of the balance already counts fully. */
  agingAmplification: 3,
  daysOverdueMax: 20,
  /** Weighted days overdue at which the days component is full. */
  daysOverdueFullAt: 120,
  pastDueAmountMax: 20,
  balanceMax: 10,
  pastDueInvoicesMax: 5,
  overCreditLimit: 5,
  wellOverCreditLimit: 10,
  /** Exposure at or above this share of the limit (percent) counts as well over. */
  wellOverCreditLimitPercent: 125,
  inactiveWithBalance: 10,
  /** A job owed money whose lien-filing deadline is this near… */
  lienDeadlineNearDays: 10,
  lienDeadlineNear: 15,
  /** …or within this many days. */
  lienDeadlineSoonDays: 30,
  lienDeadlineSoon: 5,
  /** Past-due money under reference / this divisor is too small to be urgent… */
  smallAmountDivisor: 16,
  /** …so the total is held to this many tenths (a 5: watch, never act now). */
  smallAmountCapTenths: 50,
} as const;

export function bandFor(score: number): PriorityBand {
  if (score >= 8) return 'act_now';
  if (score >= 5) return 'watch';
  if (score >= 2) return 'on_track';
  return 'nothing_to_do';
}

export const BAND_LABELS: Record<PriorityBand, string> = {
  act_now: 'Act now',
  watch: 'Watch',
  on_track: 'On track',
  nothing_to_do: 'Nothing to do',
};

export function collectionPriority(input: PriorityInput): CollectionPriority {
  const { aging } = input;
  for (const name of PRIORITY_AGING_FIELDS) assertCents(aging[name], name);
  const reference = effectiveReference(input.referenceBalanceCents);
  const exposure = Math.max(0, netReceivableCents(aging));

  const components: PriorityComponent[] = [
    agingMix(aging),
    daysOverdue(aging),
    pastDueAmount(aging.pastDueCents, reference),
    balance(exposure, reference),
    pastDueInvoices(aging.pastDueInvoiceCount),
    creditLimit(exposure, input.creditLimitCents),
    inactive(input.accountStatus, exposure),
    lienDeadline(input.lienFilingDaysLeft ?? null),
  ];
  components.push(smallAmountCap(aging.pastDueCents, reference, sumTenths(components)));
  const totalTenths = sumTenths(components);
  const score = Math.min(10, Math.floor((totalTenths + 5) / 10));
  return { score, band: bandFor(score), totalTenths, components };
}

function sumTenths(components: readonly PriorityComponent[]): number {
  return components.reduce((total, component) => total + component.tenths, 0);
}

export function effectiveReference(referenceBalanceCents: Cents | null): Cents {
  if (referenceBalanceCents === null || referenceBalanceCents <= 0) return DEFAULT_REFERENCE_BALANCE_CENTS;
  return Math.max(MIN_REFERENCE_BALANCE_CENTS, referenceBalanceCents);
}

/**
 * Share of the balance in each past-due bucket, weighted by the bucket's age, amplified so
 * that a third of the balance in a bucket counts fully, and never above the weight of the
 * oldest bucket that holds money.
 */
function agingMix(aging: PriorityAging): PriorityComponent {
  const w = PRIORITY_WEIGHTS.agingBucket;
  const max = w.days_91_plus;
  const buckets: [Cents, number][] = [
    [aging.aging1To30Cents, w.days_1_30],
    [aging.aging31To60Cents, w.days_31_60],
    [aging.aging61To90Cents, w.days_61_90],
    [aging.aging91PlusCents, w.days_91_plus],
  ];
  if (aging.outstandingCents <= 0 || aging.pastDueCents <= 0) {
    return { key: 'aging_mix', tenths: 0, maxTenths: max, label: 'Nothing past due' };
  }
  let oldestWeight = 0;
  let weighted = 0n;
  for (const [cents, weight] of buckets) {
    if (cents > 0) oldestWeight = weight;
    weighted += BigInt(cents) * BigInt(weight);
  }
  const amplified = Number(roundedDivision(weighted * BigInt(PRIORITY_WEIGHTS.agingAmplification), BigInt(aging.outstandingCents)));
  const over60 = aging.aging61To90Cents + aging.aging91PlusCents;
  const pastDuePercent = percent(aging.pastDueCents, aging.outstandingCents);
  const label = over60 > 0
    ? `${pastDuePercent}% past due, ${percent(over60, aging.outstandingCents)}% over 60 days`
    : `${pastDuePercent}% past due, none over 60 days`;
  return { key: 'aging_mix', tenths: Math.min(oldestWeight, amplified), maxTenths: max, label };
}

function daysOverdue(aging: PriorityAging): PriorityComponent {
  const { daysOverdueMax: max, daysOverdueFullAt } = PRIORITY_WEIGHTS;
  const x100 = aging.weightedDaysOverdueX100;
  const tenths = Math.min(max, Math.floor((x100 * max) / (daysOverdueFullAt * 100)));
  const label = x100 > 0 ? `Late money averages ${formatDays(x100)} days overdue` : 'No days overdue';
  return { key: 'days_overdue', tenths, maxTenths: max, label };
}

/** log2-scaled: a past-due amount equal to the typical balance scores half; each doubling adds two tenths. */
function pastDueAmount(pastDueCents: Cents, reference: Cents): PriorityComponent {
  const max = PRIORITY_WEIGHTS.pastDueAmountMax;
  if (pastDueCents <= 0) return { key: 'past_due_amount', tenths: 0, maxTenths: max, label: 'Nothing past due' };
  const tenths = clamp(max / 2 + halfStepsLog2(pastDueCents, reference), 0, max);
  return { key: 'past_due_amount', tenths, maxTenths: max, label: `${formatCents(pastDueCents)} past due (${ratioLabel(pastDueCents, reference)} typical balance)` };
}

function balance(exposureCents: Cents, reference: Cents): PriorityComponent {
  const max = PRIORITY_WEIGHTS.balanceMax;
  if (exposureCents <= 0) return { key: 'balance', tenths: 0, maxTenths: max, label: 'Owes nothing' };
  const tenths = clamp(max / 2 + Math.floor(halfStepsLog2(exposureCents, reference) / 2), 1, max);
  return { key: 'balance', tenths, maxTenths: max, label: `Owes ${formatCents(exposureCents)} (${ratioLabel(exposureCents, reference)} typical balance)` };
}

/** 1 → 1, 2–3 → 2, 4–7 → 3, 8–15 → 4, 16+ → 5: many late invoices mean a habit, not a slip. */
function pastDueInvoices(count: number): PriorityComponent {
  const max = PRIORITY_WEIGHTS.pastDueInvoicesMax;
  let tenths = 0;
  while (tenths < max && count >= 2 ** tenths) tenths += 1;
  const label = count === 0 ? 'No invoice past due' : count === 1 ? '1 invoice past due' : `${count} invoices past due`;
  return { key: 'past_due_invoices', tenths, maxTenths: max, label };
}

function creditLimit(exposureCents: Cents, limitCents: Cents | null): PriorityComponent {
  const { overCreditLimit, wellOverCreditLimit: max, wellOverCreditLimitPercent } = PRIORITY_WEIGHTS;
  if (limitCents === null) return { key: 'credit_limit', tenths: 0, maxTenths: max, label: 'No credit limit' };
  if (exposureCents <= limitCents) {
    return { key: 'credit_limit', tenths: 0, maxTenths: max, label: `Within ${formatCents(limitCents)} limit` };
  }
  const wellOver = BigInt(exposureCents) * 100n >= BigInt(limitCents) * BigInt(wellOverCreditLimitPercent);
  const usage = limitCents > 0 ? `${percent(exposureCents, limitCents)}% of ${formatCents(limitCents)} limit` : 'Owes on a zero credit limit';
  return { key: 'credit_limit', tenths: wellOver ? max : overCreditLimit, maxTenths: max, label: usage };
}

function inactive(status: string, exposureCents: Cents): PriorityComponent {
  const max = PRIORITY_WEIGHTS.inactiveWithBalance;
  if (status !== 'inactive') return { key: 'inactive', tenths: 0, maxTenths: max, label: 'Active account' };
  if (exposureCents <= 0) return { key: 'inactive', tenths: 0, maxTenths: max, label: 'Inactive, owes nothing' };
  return { key: 'inactive', tenths: max, maxTenths: max, label: 'Inactive account still owing' };
}

/**
 * Once a job's lien-filing deadline passes, what is owed on it is unsecured for good: the days
 * before it are the dealer's last chance to collect with the lien still in hand, or to file.
 * Unlike lateness this does not grow with time; it is a window that closes, so it adds a fixed
 * step when the window is near, enough to lift a "watch" account towards "act now".
 */
function lienDeadline(daysLeft: number | null): PriorityComponent {
  const { lienDeadlineNearDays, lienDeadlineNear: max, lienDeadlineSoonDays, lienDeadlineSoon } = PRIORITY_WEIGHTS;
  if (daysLeft === null || daysLeft < 0 || daysLeft > lienDeadlineSoonDays) return { key: 'lien_deadline', tenths: 0, maxTenths: max, label: 'No lien deadline within 30 days' };
  const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'in 1 day' : `in ${daysLeft} days`;
  return { key: 'lien_deadline', tenths: daysLeft <= lienDeadlineNearDays ? max : lienDeadlineSoon, maxTenths: max, label: `Lien filing due ${when} on a job still owed money` };
}

/**
 * A $50 invoice 200 days late is old but not worth a collector's morning: when the past-due
 * money is trivial next to the dealer's typical balance, the total is held at "watch".
 */
function smallAmountCap(pastDueCents: Cents, reference: Cents, totalTenths: number): PriorityComponent {
  const { smallAmountDivisor, smallAmountCapTenths } = PRIORITY_WEIGHTS;
  const threshold = Math.floor(reference / smallAmountDivisor);
  const capped = pastDueCents > 0 && pastDueCents < threshold && totalTenths > smallAmountCapTenths;
  if (!capped) return { key: 'small_amount_cap', tenths: 0, maxTenths: 0, label: 'Not capped' };
  return {
    key: 'small_amount_cap',
    tenths: smallAmountCapTenths - totalTenths,
    maxTenths: 0,
    label: `Only ${formatCents(pastDueCents)} past due (under ${formatCents(threshold)}): held at ${smallAmountCapTenths / 10}`,
  };
}

/** floor(2·log2(value / reference)), exactly, in integers: the largest k with reference²·2^k ≤ value². */
export function halfStepsLog2(value: Cents, reference: Cents): number {
  if (value <= 0 || reference <= 0) throw new RangeError('halfStepsLog2 needs positive amounts');
  const v2 = BigInt(value) ** 2n;
  const r2 = BigInt(reference) ** 2n;
  let k = 0;
  if (v2 >= r2) {
    while (r2 << BigInt(k + 1) <= v2) k += 1;
  } else {
    while (r2 > v2 << BigInt(-k)) k -= 1;
  }
  return k;
}

function roundedDivision(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (2n * denominator);
}

function percent(part: Cents, whole: Cents): number {
  return Number(roundedDivision(BigInt(part) * 100n, BigInt(whole)));
}

function ratioLabel(value: Cents, reference: Cents): string {
  const tenths = Number(roundedDivision(BigInt(value) * 10n, BigInt(reference)));
  return `${Math.floor(tenths / 10)}.${tenths % 10}×`;
}

function formatDays(x100: number): string {
  const tenths = Math.floor((x100 + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
