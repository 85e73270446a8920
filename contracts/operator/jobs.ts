import { z } from 'zod';
import { LIEN_DAYS_RANGE } from '../../domain/lien-deadlines';
import { US_STATE_CODES } from '../../domain/lien-waivers';
import { cents, count, day, guid, id, idFilter } from '../fields';

/**
 * Jobs in the console with their lien deadlines (docs/lien-deadlines.md), and the dealer's
 * override of a state's default days. The dealer's business only: the portal shows none of it.
 */

export const jobFilter = z.object({ customer_account_id: guid, id: idFilter }).partial();

const daysLeft = z.number().int().nullable();

export const jobRow = z.strictObject({
  id,
  erp_job_id: z.string(),
  name: z.string(),
  status: z.string(),
  customer_account_id: id,
  customer_name: z.string(),
  /** The state whose rule applies: the job's own, else its account's; null when neither is known. */
  state: z.string().nullable(),
  state_source: z.enum(['job', 'account']).nullable(),
  first_delivery_date: day.nullable(),
  last_delivery_date: day.nullable(),
  open_cents: cents,
  open_invoice_count: count,
  /** `default` (docs/lien-deadlines.md) or the dealer's `override`; null when the state has no rule. */
  rule_source: z.enum(['default', 'override']).nullable(),
  /** Null with a rule: the state requires no preliminary notice. */
  preliminary_notice_days: z.number().int().nullable(),
  lien_filing_days: z.number().int().nullable(),
  preliminary_notice_due: day.nullable(),
  preliminary_notice_days_left: daysLeft,
  lien_filing_due: day.nullable(),
  lien_filing_days_left: daysLeft,
  /** The dealer-local date the days left count from. */
  today: day,
});
export type JobRow = z.infer<typeof jobRow>;

const stateCode = z.string().trim().toUpperCase().refine((code) => US_STATE_CODES.includes(code), 'must be a two-letter US state code');
const days = z.number().int().min(LIEN_DAYS_RANGE.min).max(LIEN_DAYS_RANGE.max);

const lienRule = { preliminary_notice_days: z.number().int().nullable(), lien_filing_days: z.number().int() };

/** Every state with a default or an override: what applies, and the default it replaces. */
export const lienDeadlineSettings = z.strictObject({
  id: z.literal('lien-deadlines'),
  states: z.array(z.strictObject({
    state: z.string(),
    ...lienRule,
    source: z.enum(['default', 'override']),
    default: z.strictObject(lienRule).nullable(),
  })),
});
export type LienDeadlineSettings = z.infer<typeof lienDeadlineSettings>;

export const lienDeadlineOverridesBody = z.object({
  overrides: z.array(z.object({ state: stateCode, preliminary_notice_days: days.nullable(), lien_filing_days: days })).max(US_STATE_CODES.length)
    .superRefine((overrides, ctx) => {
      const seen = new Set<string>();
      overrides.forEach((entry, index) => {
        if (seen.has(entry.state)) ctx.addIssue({ code: 'custom', path: [index, 'state'], message: `lists ${entry.state} twice; one override per state` });
        seen.add(entry.state);
      });
    }),
});
export type LienDeadlineOverridesChange = z.input<typeof lienDeadlineOverridesBody>;
