import type { Knex } from 'knex';
import type { DomainEventType } from '../domain/domain-events';

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
  entityType: 'payment' | 'settlement';
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

export async function recordDomainEvent(trx: Knex.Transaction, event: NewDomainEvent): Promise<void> {
  await trx('domain_events').insert({ dealer_id: event.dealerId, type: event.type, entity_type: event.entityType, entity_id: event.entityId, data: event.data });
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
