import type { Knex } from 'knex';
import type { DomainEventEntity, DomainEventType } from '../domain/domain-events';
import { writeTogether, type Companion } from './one-statement';

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
  /** Raw: built in SQL from what the statement's other writes return (a number drawn by an insert). */
  data: Record<string, unknown> | Knex.Raw;
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
export async function recordDomainEvent(trx: Executor, event: NewDomainEvent, alongside: Companion[] = []): Promise<void> {
  await writeTogether(trx, [...alongside, ...domainEventWrites(trx, event)]);
}

/** The event and its deliveries as writes of a statement the caller sends (`writeTogether`). */
export function domainEventWrites(trx: Executor, event: NewDomainEvent): Companion[] {
  const data = typeof (event.data as Knex.Raw).toSQL === 'function' ? event.data : JSON.stringify(event.data);
  return [
    { name: 'recorded_event', write: trx('domain_events').insert({ dealer_id: event.dealerId, type: event.type, entity_type: event.entityType, entity_id: event.entityId, data }).returning(['id', 'dealer_id', 'type']) },
    trx.raw(
      `insert into webhook_deliveries (dealer_id, endpoint_id, event_id)
       select e.dealer_id, e.id, recorded_event.id from recorded_event
         join webhook_endpoints e on e.dealer_id = recorded_event.dealer_id and e.status = 'enabled' and recorded_event.type = any(e.event_types)`,
    ),
  ];
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
