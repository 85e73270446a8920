import { Router } from 'express';
import { recordAudit } from '../../db/audit';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { dealerSettingsBody, type DealerSettingsChange } from '../../contracts/operator/settings';

/**
 * Company configuration as one react-admin record (`settings/dealer`): every operator reads
 * it, only admins change it, and every change is audited with its before and after values.
 */

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
    const dealer = await db('dealers').where({ id: operatorOf(req).dealerId }).first();
    if (!dealer) throw notFound('Dealer');
    res.json(toSettingsRecord(dealer));
  });

  router.put('/settings/dealer', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const change: DealerSettingsChange = body(req, dealerSettingsBody);
    const updated = await db.transaction(async (trx) => {
      const before = await trx('dealers').where({ id: operator.dealerId }).forUpdate().first();
      if (!before) throw notFound('Dealer');
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(change)) {
        if (value !== undefined && JSON.stringify(before[key]) !== JSON.stringify(value)) changes[key] = { from: before[key], to: value };
      }
      if (Object.keys(changes).length === 0) return before;
      const patch = Object.fromEntries(Object.entries(changes).map(([key, { to }]) => [key, to]));
      const [after] = await trx('dealers').where({ id: operator.dealerId }).update({ ...patch, updated_at: trx.fn.now() }).returning('*');
      await recordAudit(trx, {
        dealerId: operator.dealerId,
        actorKind: 'operator',
        actorId: operator.id,
        action: 'dealer.settings_updated',
        entityType: 'dealer',
        entityId: operator.dealerId,
        data: { changes },
      });
      return after;
    });
    res.json(toSettingsRecord(updated));
  });

  return router;
}
