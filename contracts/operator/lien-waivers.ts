import { z } from 'zod';
import { LIEN_WAIVER_FORMS, LIEN_WAIVER_KINDS, LIEN_WAIVER_STATUSES, US_STATE_CODES } from '../../domain/lien-waivers';
import { paymentStatusSchema } from '../../domain/payment-status-schema';
import { cents, day, guid, id, timestamp } from '../fields';

/**
 * Lien waivers in the console: the dealer's waivers per payment or job, one waiver with who
 * downloaded it, and the dealer's choice of form per US state. The portal shows the same
 * waiver fields (contracts/portal/lien-waivers.ts).
 */

export const lienWaiverKind = z.enum(LIEN_WAIVER_KINDS);
export const lienWaiverForm = z.enum(LIEN_WAIVER_FORMS);
export const lienWaiverStatus = z.enum(LIEN_WAIVER_STATUSES);

/** What both apps show of a waiver. */
export const lienWaiverFields = {
  id,
  payment_id: id,
  payment_number: z.string(),
  payment_status: paymentStatusSchema,
  customer_account_id: id,
  job_id: id,
  job_name: z.string(),
  erp_job_id: z.string(),
  customer_name: z.string(),
  kind: lienWaiverKind,
  form: lienWaiverForm,
  title: z.string(),
  state: z.string().nullable(),
  amount_cents: cents,
  through_date: day,
  status: lienWaiverStatus,
  void_reason: z.string().nullable(),
  status_changed_at: timestamp.nullable(),
  created_at: timestamp,
};

export const lienWaiverFilter = z.object({
  payment_id: guid,
  job_id: guid,
  customer_account_id: guid,
  kind: lienWaiverKind,
  status: lienWaiverStatus,
}).partial();

export const lienWaiverRow = z.strictObject(lienWaiverFields);

export const lienWaiverDownload = z.strictObject({
  at: timestamp,
  actor_kind: z.enum(['operator', 'customer']),
  actor_name: z.string().nullable(),
  actor_email: z.string().nullable(),
});

export const lienWaiverDetail = z.strictObject({ ...lienWaiverFields, downloads: z.array(lienWaiverDownload) });

const stateCode = z.string().trim().toUpperCase().refine((code) => US_STATE_CODES.includes(code), 'must be a two-letter US state code');

/** The dealer's form per state; a state not listed uses progress forms. */
export const lienWaiverFormsSettings = z.strictObject({
  id: z.literal('lien-waivers'),
  default_form: lienWaiverForm,
  forms: z.array(z.strictObject({ state: z.string(), form: lienWaiverForm })),
});

export const lienWaiverFormsBody = z.object({
  forms: z.array(z.object({ state: stateCode, form: lienWaiverForm })).max(US_STATE_CODES.length)
    .superRefine((forms, ctx) => {
      const seen = new Set<string>();
      forms.forEach((entry, index) => {
        if (seen.has(entry.state)) ctx.addIssue({ code: 'custom', path: [index, 'state'], message: `lists ${entry.state} twice; choose one form per state` });
        seen.add(entry.state);
      });
    }),
});

export type LienWaiverRow = z.infer<typeof lienWaiverRow>;
export type LienWaiverDetail = z.infer<typeof lienWaiverDetail>;
export type LienWaiverFormsSettings = z.infer<typeof lienWaiverFormsSettings>;
export type LienWaiverFormsChange = z.input<typeof lienWaiverFormsBody>;
