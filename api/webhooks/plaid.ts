import { Router } from 'express';
import { parseDataKey } from '../../domain/credential-seal';
import { createPlaidClient, PlaidIntegrationError } from '../../integrations/plaid';
import { cachedVerificationKeys, parsePlaidWebhook, verifyPlaidWebhook } from '../../integrations/plaid-webhooks';
import { logger } from '../../runtime/logger';
import { applyPlaidItemWebhook } from '../../services/plaid-items';
import type { AppDeps } from '../deps';
import { webhookRawBody } from './raw-body';

/**
 * Plaid's item webhooks (docs/plaid-webhooks.md): verified with the `Plaid-Verification` JWT
 * against the key Plaid publishes for its id, then applied to the saved bank accounts of the
 * item. Plaid sends no event id; applying the same webhook twice changes nothing.
 *
 *   missing, forged, stale or mismatched signature   → 401 webhook_<reason>
 *   body not a Plaid webhook                          → 400 webhook_malformed
 *   an item we hold nothing for, or a type we ignore  → 200 (nothing to do; Plaid would retry a refusal)
 *   Plaid unreachable while reading the item back     → 503 (Plaid retries)
 */
export function plaidWebhookRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const log = logger.child({ webhook: 'plaid' });
  const plaid = createPlaidClient(config);
  const dataKey = parseDataKey(config.DATA_ENCRYPTION_KEY);
  const keys = cachedVerificationKeys(async (keyId) => {
    try {
      return await plaid.webhookVerificationKey(keyId);
    } catch (error) {
      if (error instanceof PlaidIntegrationError && !error.retryable) return null;
      throw error;
    }
  });

  router.post('/plaid', webhookRawBody('64kb', log, 'plaid'), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verification = await verifyPlaidWebhook(body, req.get('plaid-verification'), keys, Date.now());
    if (!verification.valid) {
      const code = `webhook_${verification.reason.replace(/-/g, '_')}`;
      log.warn({ reason: verification.reason, code, status: 401, requestId: req.requestId }, 'plaid webhook refused');
      res.status(401).json({ error: { code, message: 'Webhook signature check failed.' } });
      return;
    }
    const webhook = parsePlaidWebhook(body);
    if (!webhook) {
      log.warn({ code: 'webhook_malformed', status: 400, requestId: req.requestId }, 'plaid webhook refused: malformed');
      res.status(400).json({ error: { code: 'webhook_malformed', message: 'The body is not a Plaid webhook (webhook_type, webhook_code and item_id are required).' } });
      return;
    }
    const outcome = await applyPlaidItemWebhook(db, plaid, dataKey, webhook);
    log.info({ type: webhook.webhookType, code: webhook.webhookCode, itemId: webhook.itemId, outcome, requestId: req.requestId }, 'plaid webhook');
    res.status(200).json({ status: outcome });
  });
  return router;
}
