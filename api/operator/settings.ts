import { Router } from 'express';
import { z } from 'zod';
import { dealerSettings, updateDealerSettings } from '../../db/dealers';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { body } from '../validate';

/**
 * Company configuration as one react-admin record (`settings/dealer`): every operator reads
 * it, only admins change it, and every change is audited with its before and after values.
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

const cents = (max: number) => z.number().int('must be whole cents').min(0, 'must not be negative').max(max);
const basisPoints = z.number().int('must be whole basis points').min(0, 'must not be negative').max(1000, 'must be at most 1000 basis points (10 %)');

const dealerSettingsBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200).optional(),
  time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Chicago').optional(),
  settlement_cutoff: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM in 24-hour time').optional(),
  fee_payer: z.enum(['dealer', 'customer']).optional(),
  ach_fee_cents: cents(100_000).optional(),
  card_credit_rate_bps: basisPoints.optional(),
  card_debit_rate_bps: basisPoints.optional(),
  card_flat_fee_cents: cents(100_000).optional(),
  surcharge_forbidden_states: z
    .array(z.string().trim().toUpperCase().refine((code) => US_STATES.has(code), 'must be a two-letter US state code'))
    .max(60)
    .transform((codes) => [...new Set(codes)].sort())
    .optional(),
  allow_partial_payments: z.boolean().optional(),
  bills_by_statement: z.boolean().optional(),
});
type DealerSettingsChange = z.infer<typeof dealerSettingsBody>;

const READABLE = [
  'id', 'name', 'slug', 'integration_mode', 'time_zone', 'settlement_cutoff', 'fee_payer', 'ach_fee_cents', 'card_credit_rate_bps',
  'card_debit_rate_bps', 'card_flat_fee_cents', 'surcharge_forbidden_states', 'allow_partial_payments', 'bills_by_statement',
  'spruce_base_url', 'spruce_tenant_id', 'moov_account_id', 'updated_at',
];

/** The record the console edits; secrets never leave the server, only whether one is set. */
function toSettingsRecord(dealer: Record<string, any>) {
  const { id, spruce_api_key, ...rest } = dealer;
  return { ...Object.fromEntries(READABLE.filter((key) => key !== 'id').map((key) => [key, rest[key]])), id: 'dealer', dealer_id: id, spruce_api_key_set: Boolean(spruce_api_key) };
}

export function settingsRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/settings/dealer', async (req, res) => {
    res.json(toSettingsRecord(await dealerSettings(db, operatorOf(req).dealerId)));
  });

  router.put('/settings/dealer', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const change: DealerSettingsChange = body(req, dealerSettingsBody);
    const updated = await updateDealerSettings(db, { dealerId: operator.dealerId, operatorId: operator.id }, change);
    res.json(toSettingsRecord(updated));
  });

  return router;
}
