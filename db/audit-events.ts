import type { Knex } from 'knex';
import type { AuditEvent } from './audit';
import { pageOf, type PageRequest } from './list-query';

/**
 * The dealer's audit log as the console reads it: newest first by default, each event with
 * the name of whoever acted, whichever kind of user that was.
 */

type Executor = Knex | Knex.Transaction;

export interface AuditEventRow {
  id: string;
  at: Date;
  actor_kind: AuditEvent['actorKind'];
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  data: Record<string, unknown>;
  operator_name: string | null;
  customer_user_name: string | null;
}

export interface AuditEventFilter {
  entityTypes?: string[];
  entityId?: string;
  /** The account itself, or events whose data names it. */
  customerAccountId?: string;
  actions?: string[];
  actorKinds?: Array<AuditEvent['actorKind']>;
  atGte?: string;
  atLte?: string;
  ids?: number[];
}

const COLUMNS = [
  'ae.id', 'ae.at', 'ae.actor_kind', 'ae.actor_id', 'ae.action', 'ae.entity_type', 'ae.entity_id', 'ae.data',
  // Who did it, by name, whichever kind of user it was.
  'ou.name as operator_name',
  'pu.name as customer_user_name',
];

export const AUDIT_EVENT_SORTABLE = { at: 'ae.at', action: 'ae.action', entity_type: 'ae.entity_type', actor_kind: 'ae.actor_kind' };

function scoped(db: Executor, dealerId: string): Knex.QueryBuilder {
  return db('audit_events as ae')
    .leftJoin('operator_users as ou', (join) => join.on(db.raw('ou.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'operator'))
    .leftJoin('portal_users as pu', (join) => join.on(db.raw('pu.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'customer'))
    .where('ae.dealer_id', dealerId);
}

export async function listAuditEvents(db: Executor, dealerId: string, filter: AuditEventFilter, page: PageRequest): Promise<{ rows: AuditEventRow[]; total: number }> {
  const base = scoped(db, dealerId);
  if (filter.entityTypes) base.whereIn('ae.entity_type', filter.entityTypes);
  if (filter.entityId) base.where('ae.entity_id', filter.entityId);
  if (filter.actions) base.whereIn('ae.action', filter.actions);
  if (filter.actorKinds) base.whereIn('ae.actor_kind', filter.actorKinds);
  if (filter.atGte) base.where('ae.at', '>=', filter.atGte);
  if (filter.atLte) base.where('ae.at', '<=', filter.atLte);
  if (filter.ids) base.whereIn('ae.id', filter.ids);
  if (filter.customerAccountId) {
    const account = filter.customerAccountId;
    base.where((where) => where.where('ae.entity_id', account).orWhereRaw(`ae.data->>'customer_account_id' = ?`, [account]));
  }
  return pageOf<AuditEventRow>(base, COLUMNS, page, AUDIT_EVENT_SORTABLE, 'ae.id');
}

export async function findAuditEvent(db: Executor, dealerId: string, id: string): Promise<AuditEventRow | undefined> {
  return scoped(db, dealerId).where('ae.id', id).first(COLUMNS);
}
