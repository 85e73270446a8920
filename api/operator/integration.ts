import { Router } from 'express';
import { dealerIntegration, recordResyncRequest } from '../../db/dealers';
import { readSyncState } from '../../db/sync-state';
import { SpruceError, spruceClientFor } from '../../integrations/spruce';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { requestSpruceResync } from '../../workflows/spruce-sync-client';

/**
 * The Integration page's data: which mode the dealer is in and, for Spruce dealers, how the
 * real-time sync is doing (live connection check, cursor, how far behind, lag, last error),
 * plus "resync from scratch". Everything is the signed-in operator's own dealer.
 */

/** The page is opened by a person waiting for it: a Spruce that does not answer fast is "down". */
const HEALTH_CHECK_TIMEOUT_MS = 2_000;

export function integrationRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  router.get('/integration', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const dealer = await dealerIntegration(db, dealerId);
    if (dealer.integration_mode !== 'spruce') {
      res.json({ id: 'integration', mode: dealer.integration_mode, spruce: null, sync: null });
      return;
    }
    const [state, connection] = await Promise.all([readSyncState(db, dealerId), checkConnection(dealer, config.DATA_ENCRYPTION_KEY)]);
    const headSeq = connection.head_seq ?? state?.head_seq ?? null;
    res.json({
      id: 'integration',
      mode: 'spruce',
      spruce: { base_url: dealer.spruce_base_url, tenant_id: dealer.spruce_tenant_id, api_key_set: Boolean(dealer.spruce_api_key) },
      connection,
      sync: {
        status: state?.status ?? 'not_started',
        cursor: state?.cursor ?? 0,
        head_seq: headSeq,
        behind_by: headSeq === null ? null : Math.max(0, headSeq - (state?.cursor ?? 0)),
        lag_ms: state?.lag_ms ?? null,
        last_synced_at: state?.last_synced_at ?? null,
        last_event_at: state?.last_event_at ?? null,
        last_error: state?.last_error ?? null,
        last_error_at: state?.last_error_at ?? null,
        events_applied: state?.events_applied ?? 0,
        rows_skipped: state?.rows_skipped ?? 0,
        resync_requested_at: state?.resync_requested_at ?? null,
      },
    });
  });

  router.post('/integration/resync', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    // Audited before the signal: a resync that reached the workflow is always on record.
    await recordResyncRequest(db, operator.dealerId, operator.id);
    await requestSpruceResync(temporal, config.TASK_QUEUE, operator.dealerId, operator.id);
    res.status(202).json({ id: 'integration', status: 'resync_requested', message: 'Resync started: the cursor goes back to the beginning and the whole book is read again. Current data stays available meanwhile.' });
  });

  return router;
}

async function checkConnection(dealer: { spruce_base_url: string | null; spruce_tenant_id: string | null; spruce_api_key: string | null }, dataKey: string) {
  const checkedAt = new Date().toISOString();
  if (!dealer.spruce_base_url || !dealer.spruce_tenant_id) {
    return { ok: false, checked_at: checkedAt, latency_ms: null, head_seq: null, error: 'Spruce connection is not configured.' };
  }
  const client = spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, dataKey, { timeoutMs: HEALTH_CHECK_TIMEOUT_MS });
  const started = Date.now();
  try {
    const info = await client.ping();
    return { ok: true, checked_at: checkedAt, latency_ms: Date.now() - started, head_seq: info.head_seq, error: null };
  } catch (error) {
    const message = error instanceof SpruceError ? error.message : error instanceof Error ? error.message : String(error);
    return { ok: false, checked_at: checkedAt, latency_ms: Date.now() - started, head_seq: null, error: message };
  }
}
