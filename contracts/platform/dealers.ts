import { z } from 'zod';
import { email, id, timestamp } from '../fields';
import { settingFields } from '../operator/settings';

/**
 * Dealer onboarding (docs/onboarding.md): what a platform administrator sends to create a
 * dealer, by the `npm run dealer -- create` command or `POST /api/platform/dealers`, and what
 * either answers. One request creates the dealer with its settings, invites its first admin,
 * stores its Spruce connection (after a live check) or makes it file-based, and creates or
 * attaches its Moov account. The slug is the idempotency key: the same request again answers
 * `unchanged`; a request that differs from what is stored is refused with every difference.
 */

/** Lower-case letters, digits and single hyphens, 2–63 characters: `northwind-lumber`. */
export const dealerSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,62}$/, 'must be 2–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit');

const httpUrl = z.string().trim().max(500).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/** The dealer's Spruce API, tested with a live call before anything is stored; the key is stored sealed. */
export const spruceConnectionInput = z.strictObject({
  mode: z.literal('spruce'),
  base_url: httpUrl,
  tenant_id: z.string().trim().min(1, 'is required').max(200),
  api_key: z.string().min(1, 'is required').max(500),
  /** The secret Spruce signs this dealer's webhooks with; without one the platform-wide SPRUCE_WEBHOOK_SECRET applies. */
  webhook_secret: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
});

export const integrationInput = z.discriminatedUnion('mode', [spruceConnectionInput, z.strictObject({ mode: z.literal('file') })], {
  error: 'must be { mode: "spruce", base_url, tenant_id, api_key } or { mode: "file" }',
});

export const moovInput = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('create') }),
  z.strictObject({ mode: z.literal('attach'), account_id: z.string().trim().min(1, 'is required').max(100) }),
], { error: 'must be { mode: "create" } or { mode: "attach", account_id }' });

/** Fee settings; each one left out takes the default a new dealer gets (docs/onboarding.md). */
export const feeInput = z.strictObject({
  fee_payer: settingFields.fee_payer.optional(),
  ach_fee_cents: settingFields.ach_fee_cents.optional(),
  card_credit_rate_bps: settingFields.card_credit_rate_bps.optional(),
  card_debit_rate_bps: settingFields.card_debit_rate_bps.optional(),
  card_flat_fee_cents: settingFields.card_flat_fee_cents.optional(),
  returned_payment_fee_cents: settingFields.returned_payment_fee_cents.optional(),
  surcharge_forbidden_states: settingFields.surcharge_forbidden_states.optional(),
  allow_partial_payments: settingFields.allow_partial_payments.optional(),
  bills_by_statement: settingFields.bills_by_statement.optional(),
});

export const onboardDealerBody = z.strictObject({
  slug: dealerSlug,
  name: settingFields.name,
  time_zone: settingFields.time_zone,
  settlement_cutoff: settingFields.settlement_cutoff,
  admin: z.strictObject({ email, name: z.string().trim().min(1, 'is required').max(200) }),
  integration: integrationInput,
  moov: moovInput,
  fees: feeInput.optional(),
});
export type OnboardDealerBody = z.input<typeof onboardDealerBody>;
export type OnboardDealerInput = z.output<typeof onboardDealerBody>;

export const dealerRouteParams = z.strictObject({ slug: dealerSlug });

/** The dealer as onboarding left it (or finds it); never a secret, only whether one is set. */
export const onboardedDealer = z.strictObject({
  id,
  slug: z.string(),
  name: z.string(),
  time_zone: z.string(),
  settlement_cutoff: z.string(),
  integration_mode: z.enum(['spruce', 'file']),
  spruce: z.strictObject({ base_url: z.string(), tenant_id: z.string(), api_key_set: z.boolean(), webhook_secret_set: z.boolean() }).nullable(),
  moov_account_id: z.string().nullable(),
  fees: z.strictObject({
    fee_payer: z.enum(['dealer', 'customer']),
    ach_fee_cents: z.number().int(),
    card_credit_rate_bps: z.number().int(),
    card_debit_rate_bps: z.number().int(),
    card_flat_fee_cents: z.number().int(),
    returned_payment_fee_cents: z.number().int(),
    surcharge_forbidden_states: z.array(z.string()),
    allow_partial_payments: z.boolean(),
    bills_by_statement: z.boolean(),
  }),
  admins: z.array(z.strictObject({ id, email: z.string(), name: z.string(), status: z.enum(['invited', 'active', 'disabled']) })),
  created_at: timestamp,
});
export type OnboardedDealer = z.infer<typeof onboardedDealer>;

export const onboardingAnswer = z.strictObject({
  /** `created`: everything was done now; `unchanged`: the same request was done before and nothing changed. */
  outcome: z.enum(['created', 'unchanged']),
  message: z.string(),
  dealer: onboardedDealer,
  /** The live Spruce check this request made (null when none was needed: file-based, or unchanged). */
  spruce_check: z.strictObject({ ok: z.literal(true), tenant_name: z.string(), head_seq: z.number().int(), latency_ms: z.number().int() }).nullable(),
  moov: z.strictObject({ account_id: z.string(), action: z.enum(['created', 'attached', 'unchanged']) }),
  /** Whether the dealer's Spruce sync workflow was started (Spruce dealers); false also when Temporal could not be reached. */
  sync_started: z.boolean(),
});
export type OnboardingAnswer = z.infer<typeof onboardingAnswer>;

/** One field where a repeated request differs from the stored dealer (the `details` of a `dealer_differs` refusal). */
export const onboardingDifference = z.strictObject({
  field: z.string(),
  message: z.string(),
  /** What is stored and what was asked; null for secrets, which are only said to differ. */
  stored: z.unknown(),
  requested: z.unknown(),
});
export type OnboardingDifference = z.infer<typeof onboardingDifference>;
