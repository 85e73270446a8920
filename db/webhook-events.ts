import type { Knex } from 'knex';
import type { Db } from './connection';

/**
 * Inbound webhook deliveries, one row per provider event id: the row is what makes a
 * redelivered event a duplicate.
 */
type Executor = Db | Knex.Transaction;

export interface WebhookEvent {
  provider: 'moov' | 'spruce';
  eventId: string;
  eventType: string;
  payload: unknown;
  /** Spruce deliveries belong to one dealer and carry a range of change sequence numbers. */
  dealerId?: string;
  firstSeq?: number;
  lastSeq?: number;
}

/** Records the event; false when the provider's event id was recorded before. */
export async function recordWebhookEvent(db: Executor, event: WebhookEvent): Promise<boolean> {
  const inserted = await db('webhook_events')
    .insert({
      provider: event.provider, event_id: event.eventId, event_type: event.eventType, payload: event.payload,
      ...(event.dealerId === undefined ? {} : { dealer_id: event.dealerId, first_seq: event.firstSeq, last_seq: event.lastSeq }),
    })
    .onConflict(['provider', 'event_id'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** What became of a signed delivery: its event recorded, its event recorded before, or its signature headers used before. */
export type SignedDeliveryRecord = 'recorded' | 'duplicate' | 'replayed';

/**
 * Claims a signed delivery's nonce (db/webhook-nonces.ts) and, when it is new, records the
 * delivery's event, in one statement: the nonce is what refuses a replay of captured headers,
 * the event id what makes a redelivery a duplicate. Inside a transaction the claim commits
 * with the record or not at all; a delivery that was not taken in leaves nothing to replay.
 */
export async function recordSignedWebhookEvent(db: Executor, event: WebhookEvent, nonce: { value: string; expiresAt: Date }): Promise<SignedDeliveryRecord> {
  const result = await db.raw(
    `with claimed as (
       insert into webhook_nonces (provider, nonce, expires_at) values (:provider, :nonce, :expiresAt)
       on conflict (provider, nonce) do nothing returning 1
     ), recorded as (
       insert into webhook_events (provider, event_id, event_type, payload)
       select :provider, :eventId, :eventType, cast(:payload as jsonb) where exists (select 1 from claimed)
       on conflict (provider, event_id) do nothing returning 1
     )
     select exists (select 1 from claimed) as claimed, exists (select 1 from recorded) as recorded`,
    {
      provider: event.provider, nonce: nonce.value, expiresAt: nonce.expiresAt, eventId: event.eventId, eventType: event.eventType,
      payload: typeof event.payload === 'string' ? event.payload : JSON.stringify(event.payload),
    },
  );
  const row = result.rows[0] as { claimed: boolean; recorded: boolean };
  return !row.claimed ? 'replayed' : row.recorded ? 'recorded' : 'duplicate';
}

/** Forgets a recorded event so the provider's retry is taken as new rather than as a replay. */
export async function forgetWebhookEvent(db: Executor, provider: WebhookEvent['provider'], eventId: string): Promise<void> {
  await db('webhook_events').where({ provider, event_id: eventId }).delete();
}

/** The payloads of the stored Spruce deliveries with these event ids (the ones the sync workflow was signalled about). */
export async function storedSpruceDeliveries(db: Executor, eventIds: string[]): Promise<Array<{ payload: unknown }>> {
  return db('webhook_events').where({ provider: 'spruce' }).whereIn('event_id', eventIds).select('payload');
}

/**
 * The dealer's stored deliveries that may continue `cursor`, oldest first, 100 at most: those
 * whose changes go past it and whose first change is at most `behind` before it (the most a
 * delivery spans) and at most `ahead` after it (the most one drain applies).
 */
export async function spruceDeliveriesContinuing(
  db: Executor, dealerId: string, cursor: number, window: { behind: number; ahead: number },
): Promise<Array<{ payload: unknown }>> {
  return db('webhook_events')
    .where({ provider: 'spruce', dealer_id: dealerId })
    .whereBetween('first_seq', [cursor - window.behind, cursor + window.ahead])
    .where('last_seq', '>', cursor)
    .orderBy('first_seq')
    .limit(100)
    .select('payload');
}

/** The dealers connected to a Spruce tenant, with their own webhook secret if they have one. */
export async function spruceTenantDealers(db: Executor, tenantId: string): Promise<Array<{ id: string; spruce_webhook_secret: string | null }>> {
  return db('dealers').where({ spruce_tenant_id: tenantId, integration_mode: 'spruce' }).select('id', 'spruce_webhook_secret');
}
