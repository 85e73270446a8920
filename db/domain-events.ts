import type { Knex } from 'knex';
import type { DomainEventEntity, DomainEventType } from '../domain/domain-events';
import { asCompanions } from './one-statement';

/**
 * The dealer's event feed. `recordDomainEvent` takes the transaction of the change it
 * announces, so an event exists exactly when its change committed. The bigserial id orders
 * the feed and is its cursor. Ids are taken at insert but seen at commit, so a transaction
 * still open could commit an id below one a reader already passed: the feed hands out only
 * events written by transactions older than every transaction still running.
 */
type Executor = Knex | Knex.Transaction;

export interface NewDomainEvent {
  dealerId: string;
  type: DomainEventType;
  entityType: DomainEventEntity;
  entityId: string;
  data: Record<string, unknown>;
}

export interface DomainEventRow {
  id: string;
  type: DomainEventType;
  entity_type: string;
  entity_id: string;
  data: Record<string, unknown>;
  occurred_at: Date;
}

/**
 * Records the event and, in the same statement, owes it to every enabled webhook endpoint of
 * the dealer that takes its type (db/webhook-deliveries.ts): an endpoint misses no event that
 * committed, and an event that rolled back is sent nowhere. `alongside`: inserts that belong
 * to the same change (its audit entry, its history row), sent in this statement too, since on
 * a hot path each round trip costs more than the insert it carries.
 */
export async function recordDomainEvent(trx: Executor, event: NewDomainEvent, alongside: Knex.QueryBuilder[] = []): Promise<void> {
  const { prefix, bindings } = asCompanions(alongside);
  await trx.raw(
    `with ${prefix}recorded as (
       insert into domain_events (dealer_id, type, entity_type, entity_id, data) values (?, ?, ?, ?, ?) returning id, dealer_id, type
     )
     insert into webhook_deliveries (dealer_id, endpoint_id, event_id)
     select e.dealer_id, e.id, recorded.id from recorded
       join webhook_endpoints e on e.dealer_id = recorded.dealer_id and e.status = 'enabled' and recorded.type = any(e.event_types)`,
    [...bindings, event.dealerId, event.type, event.entityType, event.entityId, JSON.stringify(event.data)],
  );
}

/** Events of one dealer after the cursor id, oldest first; `limit + 1` rows tell whether more follow. */
export async function domainEventsAfter(db: Executor, dealerId: string, options: { afterId: string | undefined; limit: number; types?: string[] }): Promise<DomainEventRow[]> {
  const query = db('domain_events')
    .where('dealer_id', dealerId)
    .whereRaw('tx_id < pg_snapshot_xmin(pg_current_snapshot())')
    .orderBy('id', 'asc')
    .limit(options.limit + 1)
    .select('id', 'type', 'entity_type', 'entity_id', 'data', 'occurred_at');
  if (options.afterId !== undefined) query.where('id', '>', options.afterId);
  if (options.types?.length) query.whereIn('type', options.types);
  return query;
}

/** An event as the feed and webhooks give it: the same bytes for the same event, every time. */
export function publicEvent(row: DomainEventRow) {
  return { id: String(row.id), type: row.type, entity_type: row.entity_type, entity_id: row.entity_id, data: row.data, occurred_at: new Date(row.occurred_at).toISOString() };
}
