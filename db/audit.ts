import type { Knex } from 'knex';

export interface AuditEvent {
  dealerId: string | null;
  actorKind: 'operator' | 'customer' | 'system' | 'processor' | 'erp' | 'api_key' | 'platform';
  actorId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  /** Raw: built in SQL from what the statement's other writes return (a number drawn by an insert). */
  data?: Record<string, unknown> | Knex.Raw;
}

/** Appends to the audit log; pass a transaction so the event commits with the change it records. */
export async function recordAudit(db: Knex | Knex.Transaction, event: AuditEvent): Promise<void> {
  await auditInsert(db, event);
}

/** The audit log's insert, not yet sent: for a caller that writes it in one statement with others (`recordDomainEvent`'s `alongside`). */
export function auditInsert(db: Knex | Knex.Transaction, event: AuditEvent): Knex.QueryBuilder {
  return db('audit_events').insert({
    dealer_id: event.dealerId,
    actor_kind: event.actorKind,
    actor_id: event.actorId ?? null,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId,
    data: event.data ?? {},
  });
}
