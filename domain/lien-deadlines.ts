import { addDays, daysBetween, type IsoDate } from './dates';

/**
 * Job lien deadlines (docs/lien-deadlines.md). A supplier keeps its mechanic's-lien rights on a
 * job only if it serves a preliminary notice within some days of first furnishing materials and
 * files the lien within some days of the last furnishing. The table below is a simplified
 * default per state for the states lumber yards sell in most; the real rules have exceptions
 * (owner-occupied homes, notices of completion, public work, business-day counts) that only the
 * dealer's counsel can settle, which is why an admin may override a state's days.
 */

export interface LienRule {
  /** Days after the first delivery to serve the preliminary notice; null when none is required. */
  preliminaryNoticeDays: number | null;
  /** Days after the last delivery to file (record) the lien. */
  lienFilingDays: number;
}

/** Simplified defaults: calendar days, counted from the delivery date. Not legal advice. */
export const LIEN_RULES: Readonly<Record<string, LienRule>> = {
  AZ: { preliminaryNoticeDays: 20, lienFilingDays: 120 },
  CA: { preliminaryNoticeDays: 20, lienFilingDays: 90 },
  CO: { preliminaryNoticeDays: null, lienFilingDays: 120 },
  FL: { preliminaryNoticeDays: 45, lienFilingDays: 90 },
  GA: { preliminaryNoticeDays: 30, lienFilingDays: 90 },
  IL: { preliminaryNoticeDays: 90, lienFilingDays: 90 },
  NC: { preliminaryNoticeDays: 15, lienFilingDays: 120 },
  NV: { preliminaryNoticeDays: 31, lienFilingDays: 90 },
  NY: { preliminaryNoticeDays: null, lienFilingDays: 240 },
  OR: { preliminaryNoticeDays: 8, lienFilingDays: 75 },
  TX: { preliminaryNoticeDays: 75, lienFilingDays: 105 },
  WA: { preliminaryNoticeDays: 60, lienFilingDays: 90 },
};

/** Bounds an admin's override must keep: a day count of zero or over a year is a typing error. */
export const LIEN_DAYS_RANGE = { min: 1, max: 365 } as const;

export interface LienRuleOverride extends LienRule {
  state: string;
}

export type RuleSource = 'default' | 'override';

/** The dealer's override wins; a state with neither has no rule and so no deadlines. */
export function lienRuleFor(state: string | null, overrides: readonly LienRuleOverride[]): { rule: LienRule; source: RuleSource } | null {
  if (!state) return null;
  const override = overrides.find((entry) => entry.state === state);
  if (override) return { rule: { preliminaryNoticeDays: override.preliminaryNoticeDays, lienFilingDays: override.lienFilingDays }, source: 'override' };
  const rule = LIEN_RULES[state];
  return rule ? { rule, source: 'default' } : null;
}

const STATE_CODE = /^[A-Z]{2}$/;

/** A two-letter code, upper-cased; anything else reads as unknown rather than as a wrong state. */
export function normalizeState(value: string | null | undefined): string | null {
  const code = value?.trim().toUpperCase() ?? '';
  return STATE_CODE.test(code) ? code : null;
}

export interface JobLienInput {
  jobState: string | null;
  accountState: string | null;
  firstDeliveryDate: IsoDate | null;
  lastDeliveryDate: IsoDate | null;
}

export interface Deadline {
  due: IsoDate;
  /** Negative once the day has passed. */
  daysLeft: number;
}

export interface JobLienDeadlines {
  /** The state whose rule applies: the job's own, else the customer account's. */
  state: string | null;
  stateSource: 'job' | 'account' | null;
  rule: LienRule | null;
  ruleSource: RuleSource | null;
  /** Null when the state requires no notice, has no rule, or there is no first delivery. */
  preliminaryNotice: Deadline | null;
  lienFiling: Deadline | null;
}

/** Deadlines of one job as of the dealer-local `today`. */
export function jobLienDeadlines(job: JobLienInput, overrides: readonly LienRuleOverride[], today: IsoDate): JobLienDeadlines {
  const jobState = normalizeState(job.jobState);
  const accountState = normalizeState(job.accountState);
  const state = jobState ?? accountState;
  const stateSource = jobState ? 'job' : accountState ? 'account' : null;
  const found = lienRuleFor(state, overrides);
  const deadline = (from: IsoDate | null, days: number | null | undefined): Deadline | null => {
    if (!from || days === null || days === undefined) return null;
    const due = addDays(from, days);
    return { due, daysLeft: daysBetween(today, due) };
  };
  return {
    state,
    stateSource,
    rule: found?.rule ?? null,
    ruleSource: found?.source ?? null,
    preliminaryNotice: deadline(job.firstDeliveryDate, found?.rule.preliminaryNoticeDays),
    lienFiling: deadline(job.lastDeliveryDate, found?.rule.lienFilingDays),
  };
}

/**
 * The soonest lien-filing deadline still ahead (today included) among jobs that are owed
 * money: a passed deadline cannot be saved by collecting faster, so it is not "near".
 */
export function nearestLienFiling(jobs: readonly JobLienInput[], overrides: readonly LienRuleOverride[], today: IsoDate): Deadline | null {
  let nearest: Deadline | null = null;
  for (const job of jobs) {
    const filing = jobLienDeadlines(job, overrides, today).lienFiling;
    if (filing && filing.daysLeft >= 0 && (!nearest || filing.daysLeft < nearest.daysLeft)) nearest = filing;
  }
  return nearest;
}
