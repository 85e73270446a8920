import { z } from 'zod';
import { MAX_TERMS_GRACE_DAYS } from '../../domain/terms-discount';
import { cents, id, timestamp } from '../fields';

/**
 * Company configuration as one react-admin record (`settings/dealer`): every operator reads
 * it, only admins change it. Secrets never leave the server, only whether one is set.
 */

const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'.split(' '),
);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

const centsUpTo = (max: number, tooBig?: string) => z.number().int('must be whole cents').min(0, 'must not be negative').max(max, tooBig);

/** The most a dealer may charge for a returned payment: $500. */
export const RETURNED_PAYMENT_FEE_MAX_CENTS = 50_000;
const basisPoints = z.number().int('must be whole basis points').min(0, 'must not be negative').max(1000, 'must be at most 1000 basis points (10 %)');

/** The settings' field schemas, shared with dealer onboarding (contracts/platform/dealers.ts). */
export const settingFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Chicago'),
  settlement_cutoff: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM in 24-hour time'),
  fee_payer: z.enum(['dealer', 'customer']),
  ach_fee_cents: centsUpTo(100_000),
  card_credit_rate_bps: basisPoints,
  card_debit_rate_bps: basisPoints,
  card_flat_fee_cents: centsUpTo(100_000),
  /** Charged to the customer's account when an ACH payment comes back (docs/money-after-settlement.md); 0 = off. */
  returned_payment_fee_cents: centsUpTo(RETURNED_PAYMENT_FEE_MAX_CENTS, 'must be at most 50000 cents ($500.00); 0 turns the fee off'),
  surcharge_forbidden_states: z
    .array(z.string().trim().toUpperCase().refine((code) => US_STATES.has(code), 'must be a two-letter US state code'))
    .max(60)
    .transform((codes) => [...new Set(codes)].sort()),
  allow_partial_payments: z.boolean(),
  /** Customers may pay more than the items or an amount on account; the excess is unapplied credit (docs/unapplied-credit.md). */
  allow_overpayment: z.boolean(),
  bills_by_statement: z.boolean(),
  /** Days after an invoice's discount date its terms discount is still granted (docs/terms-discounts.md). */
  terms_discount_grace_days: z.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(0, 'must be 0 or more').max(MAX_TERMS_GRACE_DAYS, `must be at most ${MAX_TERMS_GRACE_DAYS} days`),
  /** Who is emailed when a payment lifts a customer's credit hold (docs/credit-holds.md); empty or null: the dealer's admins. */
  branch_notification_email: z.union([z.literal(''), z.string().trim().max(254).pipe(z.email('must be an email address'))]).nullable().transform((address) => address || null),
};

export const dealerSettingsBody = z.object({
  name: settingFields.name.optional(),
  time_zone: settingFields.time_zone.optional(),
  settlement_cutoff: settingFields.settlement_cutoff.optional(),
  fee_payer: settingFields.fee_payer.optional(),
  ach_fee_cents: settingFields.ach_fee_cents.optional(),
  card_credit_rate_bps: settingFields.card_credit_rate_bps.optional(),
  card_debit_rate_bps: settingFields.card_debit_rate_bps.optional(),
  card_flat_fee_cents: settingFields.card_flat_fee_cents.optional(),
  returned_payment_fee_cents: settingFields.returned_payment_fee_cents.optional(),
  surcharge_forbidden_states: settingFields.surcharge_forbidden_states.optional(),
  allow_partial_payments: settingFields.allow_partial_payments.optional(),
  allow_overpayment: settingFields.allow_overpayment.optional(),
  bills_by_statement: settingFields.bills_by_statement.optional(),
  terms_discount_grace_days: settingFields.terms_discount_grace_days.optional(),
  branch_notification_email: settingFields.branch_notification_email.optional(),
});
export type DealerSettingsChange = z.infer<typeof dealerSettingsBody>;

export const dealerSettings = z.strictObject({
  id: z.literal('dealer'),
  dealer_id: id,
  name: z.string(),
  slug: z.string(),
  integration_mode: z.enum(['spruce', 'file']),
  time_zone: z.string(),
  settlement_cutoff: z.string(),
  fee_payer: z.enum(['dealer', 'customer']),
  ach_fee_cents: cents,
  card_credit_rate_bps: z.number().int(),
  card_debit_rate_bps: z.number().int(),
  card_flat_fee_cents: cents,
  returned_payment_fee_cents: cents,
  surcharge_forbidden_states: z.array(z.string()),
  allow_partial_payments: z.boolean(),
  allow_overpayment: z.boolean(),
  bills_by_statement: z.boolean(),
  terms_discount_grace_days: z.number().int(),
  branch_notification_email: z.string().nullable(),
  spruce_base_url: z.string().nullable(),
  spruce_tenant_id: z.string().nullable(),
  moov_account_id: z.string().nullable(),
  updated_at: timestamp,
  spruce_api_key_set: z.boolean(),
});
export type DealerSettings = z.infer<typeof dealerSettings>;
