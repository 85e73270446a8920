import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection';
import { signWebhook as signSpruceWebhook, type SpruceEmulator } from '../../emulators/spruce';
import type { SpruceChange } from '../../integrations/spruce';
import { signMoovWebhook } from '../../integrations/moov-webhooks';
import type { LogCapture } from '../../runtime/logger';
import { createDealer } from './operator';

/**
 * Webhook requests built the way Moov and Spruce build them, with switches for what an
 * attacker or a broken sender changes: the secret, the clock, the nonce, the body.
 */

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface MoovHeaderParts {
  secret: string;
  timestamp?: string;
  nonce?: string;
  webhookId?: string;
}

export function moovWebhookHeaders(parts: MoovHeaderParts): Record<string, string> {
  const timestamp = parts.timestamp ?? String(nowSeconds());
  const nonce = parts.nonce ?? randomUUID();
  const webhookId = parts.webhookId ?? 'wh-test';
  return {
    'Content-Type': 'application/json',
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Webhook-ID': webhookId,
    'X-Signature': signMoovWebhook(parts.secret, { timestamp, nonce, webhookId }),
  };
}

export const moovEventBody = (type: string, data: Record<string, unknown>, eventId: string = randomUUID()) =>
  JSON.stringify({ eventID: eventId, type, data, createdOn: new Date().toISOString() });

export interface SpruceTenant {
  dealerId: string;
  tenantId: string;
  apiKey: string;
  secret: string;
}

/** A Spruce dealer and its tenant in the emulator; the tenant registers no webhook (tests push). */
export async function spruceTenant(db: Db, emulator: SpruceEmulator): Promise<SpruceTenant> {
  const suffix = randomUUID().slice(0, 8);
  const tenant = { tenantId: `t-${suffix}`, apiKey: `key-${randomUUID()}`, secret: `whsec-${randomUUID()}` };
  emulator.store.createTenant({ id: tenant.tenantId, name: `Tenant ${suffix}`, apiKey: tenant.apiKey });
  const dealer = await createDealer(db, {
    integration_mode: 'spruce', spruce_base_url: emulator.url, spruce_tenant_id: tenant.tenantId, spruce_api_key: tenant.apiKey, spruce_webhook_secret: tenant.secret,
  });
  return { dealerId: dealer.id, ...tenant };
}

/** A change made in the emulator's book, as the change feed (and so a delivery) carries it. */
export async function spruceAccountChange(emulator: SpruceEmulator, tenantId: string, account: { id: string; name: string }): Promise<SpruceChange> {
  const response = await fetch(`${emulator.url}/admin/tenants/${tenantId}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) });
  if (!response.ok) throw new Error(`account not created: ${response.status} ${await response.text()}`);
  const tenant = emulator.store.tenant(tenantId);
  return emulator.store.changesAfter(tenant, tenant.seq - 1, 1)[0] as unknown as SpruceChange;
}

export interface SpruceRequest {
  headers: Record<string, string>;
  body: string;
}

/** A signed delivery; `body` replaces the JSON body, `secret` and `timestamp` what is signed with. */
export function spruceDelivery(tenant: Pick<SpruceTenant, 'tenantId' | 'secret'>, changes: SpruceChange[], options: { deliveryId?: string; type?: string; timestamp?: number; secret?: string; body?: string } = {}): SpruceRequest {
  const deliveryId = options.deliveryId ?? `dlv_${randomUUID()}`;
  const body = options.body ?? JSON.stringify({ id: deliveryId, type: options.type ?? 'changes', tenant_id: tenant.tenantId, sent_at: new Date().toISOString(), changes });
  const timestamp = String(options.timestamp ?? nowSeconds());
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'spruce-tenant-id': tenant.tenantId,
      'spruce-delivery-id': deliveryId,
      'spruce-timestamp': timestamp,
      'spruce-signature': signSpruceWebhook(options.secret ?? tenant.secret, timestamp, body),
    },
  };
}

/** The captured log lines of one request, by the X-Request-Id the API answered with. */
export function logsOfRequest(capture: LogCapture, requestId: string | null) {
  if (!requestId) throw new Error('the answer carries no X-Request-Id');
  return capture.records().filter((record) => record.requestId === requestId);
}
