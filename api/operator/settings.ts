import { Router } from 'express';
import { dealerSettings, updateDealerSettings } from '../../db/dealers';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { body } from '../validate';
import { dealerSettingsBody, type DealerSettingsChange } from '../../contracts/operator/settings';

/**
 * Company configuration as one react-admin record (`settings/dealer`): every operator reads
 * it, only admins change it, and every change is audited with its before and after values.
 */

const READABLE = [
  'id', 'name', 'slug', 'integration_mode', 'time_zone', 'settlement_cutoff', 'fee_payer', 'ach_fee_cents', 'card_credit_rate_bps',
  'card_debit_rate_bps', 'card_flat_fee_cents', 'returned_payment_fee_cents', 'surcharge_forbidden_states', 'allow_partial_payments', 'allow_overpayment', 'bills_by_statement',
  'terms_discount_grace_days', 'branch_notification_email', 'spruce_base_url', 'spruce_tenant_id', 'moov_account_id', 'updated_at',
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
