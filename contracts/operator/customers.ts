import { z } from 'zod';
import { boolFilter, cents, count, day, id, idFilter, oneOrMany, timestamp } from '../fields';

/** Customers Dashboard: list, stats panel, one account's summary and portal access. */

export const INVITATION_STATUSES = ['none', 'pending', 'accepted', 'declined', 'expired'] as const;
export const invitationStatus = z.enum(INVITATION_STATUSES);
export type InvitationStatus = z.infer<typeof invitationStatus>;

export const PRIORITY_BANDS = ['act_now', 'watch', 'on_track', 'nothing_to_do'] as const;
export const AGING_BUCKETS = ['current', 'past_due', '1_30', '31_60', '61_90', '91_plus'] as const;

export const customerFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(['active', 'inactive'])).optional(),
  account_type: oneOrMany(z.string().trim().min(1).max(50)).optional(),
  invitation_status: oneOrMany(invitationStatus).optional(),
  aging_bucket: oneOrMany(z.enum(AGING_BUCKETS)).optional(),
  over_credit_limit: boolFilter.optional(),
  priority_band: oneOrMany(z.enum(PRIORITY_BANDS)).optional(),
  /** Accounts with a job owed money whose lien-filing deadline is today or within this many days (docs/lien-deadlines.md). */
  lien_deadline_within_days: z.coerce.number().int().min(0).max(365).optional(),
  id: idFilter.optional(),
});
export type CustomerFilter = z.infer<typeof customerFilter>;

/** An account's balances, as the list row shows them and the stats panel sums them. */
const accountBalances = {
  outstanding_cents: cents,
  current_cents: cents,
  past_due_cents: cents,
  debit_adjustments_cents: cents,
  credit_adjustments_cents: cents,
  discounts_cents: cents,
};

export const customerRow = z.strictObject({
  id,
  name: z.string(),
  erp_account_id: z.string(),
  account_type: z.string(),
  status: z.enum(['active', 'inactive']),
  credit_limit_cents: cents.nullable(),
  over_credit_limit: z.boolean(),
  /** The ERP's credit limit less balance, plus payments settled since (docs/credit-holds.md); negative when over; null when not reported. */
  available_credit_cents: z.number().int().nullable(),
  credit_hold: z.boolean(),
  credit_hold_reason: z.enum(['over_limit', 'past_due', 'other']).nullable(),
  portal_access_disabled: z.boolean(),
  collection_priority: z.number().int(),
  ...accountBalances,
  weighted_days_overdue: z.number(),
  aging_1_30_cents: cents,
  aging_31_60_cents: cents,
  aging_61_90_cents: cents,
  aging_91_plus_cents: cents,
  open_invoice_count: count,
  current_invoice_count: count,
  past_due_invoice_count: count,
  invitation_status: invitationStatus,
  stats_as_of: day.nullable(),
});
export type CustomerRow = z.infer<typeof customerRow>;

export const customerSummary = z.strictObject({
  id: z.literal('summary'),
  account_count: count,
  outstanding_invoice_count: count,
  ...accountBalances,
  net_ar_cents: cents,
});
export type CustomerSummary = z.infer<typeof customerSummary>;

export const priorityLine = z.strictObject({
  key: z.string(),
  label: z.string(),
  /** Tenths of a point, when the component says so. */
  tenths: z.number().nullable(),
  max_tenths: z.number().nullable(),
});

export const customerDetail = customerRow.extend({
  priority_band: z.enum(PRIORITY_BANDS),
  priority_components: z.unknown(),
  priority_breakdown: z.array(priorityLine),
  stats_computed_at: timestamp.nullable(),
  net_ar_cents: cents,
  address: z.strictObject({ line1: z.string().nullable(), city: z.string().nullable(), state: z.string().nullable(), postal_code: z.string().nullable() }),
  phone: z.string().nullable(),
  created_at: timestamp,
  credit: z.strictObject({
    limit_cents: cents.nullable(),
    available_cents: cents.nullable(),
    /** Basis points of the limit in use: 12500 means 125 %. */
    utilisation_bps: z.number().int().nullable(),
  }),
  contacts: z.array(z.strictObject({
    id, erp_contact_id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(),
    role: z.string().nullable(), is_primary: z.boolean(),
  })),
  jobs: z.array(z.strictObject({ id, erp_job_id: z.string(), name: z.string(), status: z.string().nullable() })),
  portal_access: z.strictObject({
    state: z.enum(['disabled', 'active', 'invited', 'not_invited']),
    disabled: z.boolean(),
    invitation: z.strictObject({
      id, email: z.string(), status: invitationStatus, sent_at: timestamp.nullable(), expires_at: timestamp, responded_at: timestamp.nullable(), created_at: timestamp,
    }).nullable(),
    invite_to: z.string().nullable(),
    companies: z.array(z.strictObject({ company_id: id, company_name: z.string(), status: z.string(), linked_at: timestamp.nullable(), active_users: count })),
  }),
});
export type CustomerDetail = z.infer<typeof customerDetail>;

export const portalAccessDisableBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500) });
export const portalAccessRestoreBody = z.object({ reason: z.string().trim().max(500).optional() });
