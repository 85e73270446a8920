import type { Knex } from 'knex';
import type { DomainEventType } from '../domain/domain-events';
import { openCredential, parseDataKey, sealCredential } from '../domain/credential-seal';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { issueWebhookSecret, webhookSecretHint } from '../domain/webhook-signature';
import { recordAudit } from './audit';
import { queueEmail } from './email-outbox';

/**
 * A dealer's webhook endpoints. Registered, changed and re-enabled by an admin, each change
 * audited in its transaction; disabled by the system when it has failed for the whole retry
 * window. The signing secret leaves this module in clear twice: in the answer to create or
 * roll (shown once), and to the delivery activity that signs with it.
 */
type Executor = Knex | Knex.Transaction;

export type WebhookEndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: DomainEventType[];
  secret_hint: string;
  status: WebhookEndpointStatus;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  created_by_name: string | null;
  delivered_count: number;
  failed_count: number;
  pending_count: number;
}

interface Actor {
  dealerId: string;
  operatorId: string;
}

const COLUMNS = [
  'e.id', 'e.url', 'e.description', 'e.event_types', 'e.secret_hint', 'e.status', 'e.failing_since', 'e.disabled_at', 'e.disabled_reason', 'e.created_at', 'o.name as created_by_name',
];

function withCounts(db: Executor) {
  return db('webhook_endpoints as e')
    .leftJoin('operator_users as o', 'o.id', 'e.created_by')
    .select(COLUMNS)
    .select(db.raw(`(select count(*) from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'delivered')::int as delivered_count`))
    .select(db.raw(`(select count(*) from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'failed')::int as failed_count`))
    .select(db.raw(`(select count(*) from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'pending')::int as pending_count`));
}

export async function listWebhookEndpoints(db: Executor, dealerId: string): Promise<WebhookEndpointRow[]> {
  return withCounts(db).where('e.dealer_id', dealerId).orderBy([{ column: 'e.created_at', order: 'desc' }, { column: 'e.id' }]);
}

export async function webhookEndpointById(db: Executor, dealerId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await withCounts(db).where({ 'e.dealer_id': dealerId, 'e.id': id }).first();
  if (!row) throw refuseNotFound('Webhook endpoint');
  return row;
}

export interface WebhookEndpointInput {
  url: string;
  description: string;
  eventTypes: DomainEventType[];
}

export async function createWebhookEndpoint(trx: Knex.Transaction, actor: Actor, input: WebhookEndpointInput, dataKey: string): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = issueWebhookSecret();
  const [row] = await trx('webhook_endpoints').insert({
    dealer_id: actor.dealerId, url: input.url, description: input.description, event_types: input.eventTypes,
    secret_sealed: sealCredential(secret, parseDataKey(dataKey)), secret_hint: webhookSecretHint(secret), created_by: actor.operatorId,
  }).returning('id');
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'webhook_endpoint.created', entityType: 'webhook_endpoint', entityId: row.id,
    data: { url: input.url, eventTypes: input.eventTypes },
  });
  return { endpoint: await webhookEndpointById(trx, actor.dealerId, row.id), secret };
}

async function lockEndpoint(trx: Knex.Transaction, dealerId: string, id: string) {
  const endpoint = await trx('webhook_endpoints').where({ dealer_id: dealerId, id }).forUpdate().first();
  if (!endpoint) throw refuseNotFound('Webhook endpoint');
  return endpoint;
}

export interface WebhookEndpointChange {
  url?: string;
  description?: string;
  eventTypes?: DomainEventType[];
  status?: WebhookEndpointStatus;
}

/**
 * An admin's change. Enabling starts a clean slate: the failure run is forgotten, and events
 * from while it was disabled are not sent (they are in the feed, and can be resent one by one).
 */
export async function updateWebhookEndpoint(trx: Knex.Transaction, actor: Actor, id: string, change: WebhookEndpointChange): Promise<WebhookEndpointRow> {
  const before = await lockEndpoint(trx, actor.dealerId, id);
  const update: Record<string, unknown> = { updated_at: trx.fn.now() };
  if (change.url !== undefined) update.url = change.url;
  if (change.description !== undefined) update.description = change.description;
  if (change.eventTypes !== undefined) update.event_types = change.eventTypes;
  if (change.status === 'enabled' && before.status !== 'enabled') Object.assign(update, { status: 'enabled', failing_since: null, disabled_at: null, disabled_reason: null });
  if (change.status === 'disabled' && before.status !== 'disabled') Object.assign(update, { status: 'disabled', disabled_at: trx.fn.now(), disabled_reason: 'Disabled by an admin.' });
  await trx('webhook_endpoints').where({ id }).update(update);
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'webhook_endpoint.updated', entityType: 'webhook_endpoint', entityId: id,
    data: {
      from: { url: before.url, description: before.description, eventTypes: before.event_types, status: before.status },
      to: { url: change.url, description: change.description, eventTypes: change.eventTypes, status: change.status },
    },
  });
  return webhookEndpointById(trx, actor.dealerId, id);
}

/** A new signing secret, effective for the next attempt; the old one stops at once. */
export async function rollWebhookSecret(trx: Knex.Transaction, actor: Actor, id: string, dataKey: string): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  await lockEndpoint(trx, actor.dealerId, id);
  const secret = issueWebhookSecret();
  await trx('webhook_endpoints').where({ id }).update({ secret_sealed: sealCredential(secret, parseDataKey(dataKey)), secret_hint: webhookSecretHint(secret), updated_at: trx.fn.now() });
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'webhook_endpoint.secret_rolled', entityType: 'webhook_endpoint', entityId: id, data: { secretHint: webhookSecretHint(secret) },
  });
  return { endpoint: await webhookEndpointById(trx, actor.dealerId, id), secret };
}

/** Where and how to sign, for the delivery activity. */
export interface EndpointForSending {
  id: string;
  dealer_id: string;
  url: string;
  status: WebhookEndpointStatus;
  secret: string;
}

export async function endpointForSending(db: Executor, id: string, dataKey: string): Promise<EndpointForSending | undefined> {
  const row = await db('webhook_endpoints').where({ id }).first('id', 'dealer_id', 'url', 'status', 'secret_sealed');
  if (!row) return undefined;
  const { secret_sealed: sealed, ...endpoint } = row;
  return { ...endpoint, secret: openCredential(sealed, parseDataKey(dataKey)) };
}

/**
 * A delivery gave up after the whole retry window, every attempt since `firstAttempt` failed.
 * If its endpoint's run of failures began no later than that first attempt, no delivery to it
 * succeeded for the whole window: it is disabled, and the dealer's admins are told by email
 * (once per disabling) so they fix it and re-enable.
 */
export async function disableEndpointIfFailingSince(trx: Knex.Transaction, id: string, firstAttempt: Date, settingsUrl: string): Promise<boolean> {
  const endpoint = await trx('webhook_endpoints').where({ id }).forUpdate().first();
  if (!endpoint || endpoint.status !== 'enabled' || !endpoint.failing_since) return false;
  if (new Date(endpoint.failing_since).getTime() > firstAttempt.getTime()) return false;
  const reason = `Every delivery failed since ${new Date(endpoint.failing_since).toISOString()}.`;
  const [disabled] = await trx('webhook_endpoints').where({ id }).update({ status: 'disabled', disabled_at: trx.fn.now(), disabled_reason: reason, updated_at: trx.fn.now() }).returning('disabled_at');
  await recordAudit(trx, { dealerId: endpoint.dealer_id, actorKind: 'system', action: 'webhook_endpoint.disabled', entityType: 'webhook_endpoint', entityId: id, data: { url: endpoint.url, reason } });
  const admins = await trx('operator_users').where({ dealer_id: endpoint.dealer_id, status: 'active', role: 'admin' }).select('email');
  for (const admin of admins) {
    await queueEmail(trx, {
      dealerId: endpoint.dealer_id, kind: 'webhook_endpoint_disabled', to: admin.email,
      subject: `Webhook endpoint disabled: ${endpoint.url}`,
      text: [
        `Drypowder stopped sending events to ${endpoint.url}.`,
        '',
        `${reason} After the whole retry window without one success, the endpoint was disabled so it stops piling up retries.`,
        'Events that happened meanwhile are kept: each failed delivery can be resent from the delivery log, and the events feed (/api/v1/events) has them all.',
        '',
        `Fix the endpoint, then enable it again in Settings → Webhooks: ${settingsUrl}`,
      ].join('\n'),
      dedupeKey: `webhook-disabled:${id}:${new Date(disabled.disabled_at).toISOString()}:${admin.email}`,
    });
  }
  return true;
}

export function ensureEnabled(endpoint: { status: WebhookEndpointStatus; url: string }): void {
  if (endpoint.status !== 'enabled') throw refuseConflict('webhook_endpoint_disabled', `The endpoint ${endpoint.url} is disabled; enable it before resending.`);
}
