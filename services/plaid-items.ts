import type { PlaidWebhookOutcome } from '../contracts/webhooks/plaid';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/connection';
import { clearRelinkForItem, companyPaymentMethod, plaidItemAccessToken, requireRelinkForItem, type RelinkChange } from '../db/payment-methods';
import type { RelinkReason } from '../domain/relink-reason';
import { openCredential } from '../domain/credential-seal';
import { refuseConflict, refuseNotFound, refuseUnavailable } from '../domain/refusal';
import { PlaidIntegrationError, type LinkToken, type PlaidClient } from '../integrations/plaid';
import type { PlaidItemWebhook } from '../integrations/plaid-webhooks';

/**
 * What Plaid tells us about the items behind saved bank accounts, and the customer's repair.
 * A bank account whose item needs attention is not debited until the customer reconnects it
 * (Link's update mode) or, when access was withdrawn, links it again. Webhooks are taken as
 * notices: for errors and repairs the item is read back from Plaid, so a late or repeated
 * webhook cannot undo a newer state.
 */

/** Plaid's answers that mean the item is gone for good, as a withdrawn access is. */
const ITEM_GONE = new Set(['ITEM_NOT_FOUND', 'INVALID_ACCESS_TOKEN', 'USER_PERMISSION_REVOKED']);

const WARNINGS: Record<string, RelinkReason> = {
  PENDING_EXPIRATION: 'pending_expiration',
  PENDING_DISCONNECT: 'pending_disconnect',
  USER_PERMISSION_REVOKED: 'permission_revoked',
  USER_ACCOUNT_REVOKED: 'permission_revoked',
};

/** Plaid could not answer now (outage, rate limit): the caller may try again, so it is a 503, never a 500. */
function unlessUnavailable(error: unknown): never {
  if (error instanceof PlaidIntegrationError && error.retryable) throw refuseUnavailable('bank_link_unavailable', 'Your bank\u2019s link service is not answering right now. Try again in a few minutes.');
  throw error;
}

async function itemState(plaid: PlaidClient, accessToken: string): Promise<RelinkReason | null> {
  try {
    const item = await plaid.getItem(accessToken);
    if (!item.error) return null;
    return ITEM_GONE.has(item.error.code) ? 'permission_revoked' : 'login_required';
  } catch (error) {
    if (error instanceof PlaidIntegrationError && ITEM_GONE.has(error.code)) return 'permission_revoked';
    return unlessUnavailable(error);
  }
}

async function audit(db: Parameters<typeof recordAudit>[0], changes: RelinkChange[], action: string, data: Record<string, unknown>): Promise<void> {
  for (const change of changes) {
    await recordAudit(db, { dealerId: null, actorKind: 'processor', action, entityType: 'payment_method', entityId: change.id, data: { ...data, companyId: change.company_id } });
  }
}

export async function applyPlaidItemWebhook(db: Db, plaid: PlaidClient, dataKey: Buffer, webhook: PlaidItemWebhook): Promise<PlaidWebhookOutcome> {
  if (webhook.webhookType !== 'ITEM') return 'ignored';
  const sealed = await plaidItemAccessToken(db, webhook.itemId);
  if (!sealed) return 'unknown_item';
  const warning = WARNINGS[webhook.webhookCode];
  const reason = warning ?? (webhook.webhookCode === 'ERROR' || webhook.webhookCode === 'LOGIN_REPAIRED' ? await itemState(plaid, openCredential(sealed, dataKey)) : undefined);
  if (reason === undefined) return 'ignored';
  return db.transaction(async (trx) => {
    if (reason === null) {
      const cleared = await clearRelinkForItem(trx, webhook.itemId);
      await audit(trx, cleared, 'payment_method.relink_cleared', { webhookCode: webhook.webhookCode });
      return cleared.length > 0 ? 'relink_cleared' : 'unchanged';
    }
    const required = await requireRelinkForItem(trx, webhook.itemId, reason);
    await audit(trx, required, 'payment_method.relink_required', { reason, webhookCode: webhook.webhookCode });
    return required.length > 0 ? 'relink_required' : 'unchanged';
  });
}

async function relinkableItem(db: Db, dataKey: Buffer, companyId: string, paymentMethodId: string): Promise<{ itemId: string; accessToken: string; reason: RelinkReason | null }> {
  const method = await companyPaymentMethod(db, companyId, paymentMethodId);
  if (!method || method.status !== 'active') throw refuseNotFound('Payment method');
  if (method.kind !== 'ach' || !method.plaid_item_id || !method.plaid_access_token_sealed) {
    throw refuseConflict('relink_not_possible', 'This payment method was not linked through your bank\u2019s sign-in, so there is nothing to reconnect.');
  }
  if (method.relink_reason === 'permission_revoked') {
    throw refuseConflict('relink_not_possible', 'Access to this bank account was withdrawn at your bank. Link the account again to pay from it.');
  }
  return { itemId: method.plaid_item_id, accessToken: openCredential(method.plaid_access_token_sealed, dataKey), reason: method.relink_reason };
}

/** Link in update mode for the method's item: the customer signs in to the bank again. */
export async function relinkLinkToken(
  db: Db,
  plaid: PlaidClient,
  dataKey: Buffer,
  request: { companyId: string; paymentMethodId: string; clientUserId: string; clientName: string; webhook: string },
): Promise<LinkToken> {
  const item = await relinkableItem(db, dataKey, request.companyId, request.paymentMethodId);
  try {
    return await plaid.createLinkToken({ clientUserId: request.clientUserId, clientName: request.clientName, webhook: request.webhook, accessToken: item.accessToken });
  } catch (error) {
    if (error instanceof PlaidIntegrationError && !error.retryable) {
      throw refuseConflict('relink_not_possible', 'Your bank no longer knows this link. Link the account again to pay from it.');
    }
    return unlessUnavailable(error);
  }
}

/** After update mode: the item is read back from Plaid, and the account is usable again only if Plaid says it is healthy. */
export async function confirmRelinked(db: Db, plaid: PlaidClient, dataKey: Buffer, request: { companyId: string; paymentMethodId: string; customerId: string }): Promise<void> {
  const item = await relinkableItem(db, dataKey, request.companyId, request.paymentMethodId);
  const state = await itemState(plaid, item.accessToken);
  if (state !== null) throw refuseConflict('relink_incomplete', 'Your bank still asks you to sign in again. Reconnect the account once more, or choose another way to pay.');
  // Plaid's LOGIN_REPAIRED webhook may have cleared the flag first; the customer's reconnect is recorded either way.
  await db.transaction(async (trx) => {
    const cleared = await clearRelinkForItem(trx, item.itemId);
    await recordAudit(trx, {
      dealerId: null, actorKind: 'customer', actorId: request.customerId, action: 'payment_method.relinked', entityType: 'payment_method', entityId: request.paymentMethodId,
      data: { companyId: request.companyId, previousReason: item.reason, clearedByThisRequest: cleared.length > 0 },
    });
  });
}
