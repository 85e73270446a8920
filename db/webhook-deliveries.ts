import type { Knex } from 'knex';
import { refuseNotFound } from '../domain/refusal';
import type { DomainEventRow } from './domain-events';
import { recordAudit } from './audit';

/**
 * What each endpoint was sent. A delivery row exists for every (endpoint, event) the endpoint
 * subscribed to when the event committed (db/domain-events.ts writes both in one statement);
 * its workflow sends it, retrying, and every HTTP attempt is logged beside it.
 */
type Executor = Knex | Knex.Transaction;

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface UnstartedDelivery {
  id: string;
  resends: number;
}

/** Deliveries whose workflow was not started yet, oldest first. */
export async function unstartedDeliveries(db: Executor, limit: number, scope: { dealerId?: string } = {}): Promise<UnstartedDelivery[]> {
  const query = db('webhook_deliveries').whereNull('workflow_id').orderBy('created_at').limit(limit).select('id', 'resends');
  if (scope.dealerId) query.where({ dealer_id: scope.dealerId });
  return query;
}

export async function markDeliveryStarted(db: Executor, id: string, workflowId: string): Promise<void> {
  await db('webhook_deliveries').where({ id }).whereNull('workflow_id').update({ workflow_id: workflowId });
}

export interface DeliveryToSend {
  id: string;
  endpoint_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  event: DomainEventRow;
}

export async function deliveryToSend(db: Executor, id: string): Promise<DeliveryToSend | undefined> {
  const row = await db('webhook_deliveries as d').join('domain_events as ev', 'ev.id', 'd.event_id').where('d.id', id)
    .first('d.id', 'd.endpoint_id', 'd.status', 'd.attempts', 'ev.id as event_id', 'ev.type', 'ev.entity_type', 'ev.entity_id', 'ev.data', 'ev.occurred_at');
  if (!row) return undefined;
  const { event_id: eventId, type, entity_type: entityType, entity_id: entityId, data, occurred_at: occurredAt, ...delivery } = row;
  return { ...delivery, event: { id: String(eventId), type, entity_type: entityType, entity_id: entityId, data, occurred_at: occurredAt } };
}

export interface AttemptOutcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  delivered: boolean;
}

/**
 * One HTTP attempt: logged, the delivery's latest state follows it, and so does its endpoint's
 * run of failures — over when it answered, started by this attempt if none was under way. One
 * transaction, so a run of failures starts at the very time of its first failed attempt.
 */
export async function recordDeliveryAttempt(db: Knex, delivery: { id: string; endpointId: string }, outcome: AttemptOutcome): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('webhook_delivery_attempts').insert({ delivery_id: delivery.id, status_code: outcome.statusCode, duration_ms: outcome.durationMs, error: outcome.error });
    await trx('webhook_deliveries').where({ id: delivery.id }).update({
      attempts: trx.raw('attempts + 1'), last_attempt_at: trx.fn.now(), last_status_code: outcome.statusCode, last_duration_ms: outcome.durationMs, last_error: outcome.error,
      ...(outcome.delivered ? { status: 'delivered', delivered_at: trx.fn.now() } : {}),
    });
    const endpoint = trx('webhook_endpoints').where({ id: delivery.endpointId });
    if (outcome.delivered) await endpoint.whereNotNull('failing_since').update({ failing_since: null });
    else await endpoint.whereNull('failing_since').update({ failing_since: trx.fn.now() });
  });
}

/** When this sending of the delivery first tried (its attempts since `sendingStartedAt`). */
export async function firstAttemptSince(db: Executor, id: string, sendingStartedAt: Date): Promise<Date | null> {
  const row = await db('webhook_delivery_attempts').where({ delivery_id: id }).where('attempted_at', '>=', sendingStartedAt).min({ first: 'attempted_at' }).first();
  return row?.first ? new Date(row.first) : null;
}

export async function markDeliveryFailed(db: Executor, id: string, reason?: string): Promise<void> {
  await db('webhook_deliveries').where({ id }).whereNot({ status: 'delivered' }).update({ status: 'failed', ...(reason ? { last_error: reason } : {}) });
}

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  entity_type: string;
  entity_id: string;
  occurred_at: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  resends: number;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const DELIVERY_COLUMNS = [
  'd.id', 'd.endpoint_id', 'ev.type as event_type', 'ev.entity_type', 'ev.entity_id', 'ev.occurred_at', 'd.status', 'd.attempts', 'd.resends',
  'd.last_attempt_at', 'd.last_status_code', 'd.last_duration_ms', 'd.last_error', 'd.delivered_at', 'd.created_at',
];

function deliveriesOfDealer(db: Executor, dealerId: string) {
  return db('webhook_deliveries as d').join('domain_events as ev', 'ev.id', 'd.event_id').where('d.dealer_id', dealerId)
    .select(DELIVERY_COLUMNS).select(db.raw('d.event_id::text as event_id'));
}

/** An endpoint's delivery log, newest first. */
export async function endpointDeliveries(db: Executor, dealerId: string, endpointId: string, options: { status?: WebhookDeliveryStatus; limit: number; offset: number }): Promise<{ rows: WebhookDeliveryRow[]; total: number }> {
  const base = db('webhook_deliveries').where({ dealer_id: dealerId, endpoint_id: endpointId });
  if (options.status) base.where({ status: options.status });
  const query = deliveriesOfDealer(db, dealerId).where('d.endpoint_id', endpointId).orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.event_id', order: 'desc' }]).limit(options.limit).offset(options.offset);
  if (options.status) query.where('d.status', options.status);
  const [rows, counted] = await Promise.all([query, base.count({ total: '*' })]);
  return { rows, total: Number(counted[0]?.total ?? 0) };
}

export interface WebhookAttemptRow {
  id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export async function deliveryWithAttempts(db: Executor, dealerId: string, id: string): Promise<WebhookDeliveryRow & { attempts_log: WebhookAttemptRow[] }> {
  const row = await deliveriesOfDealer(db, dealerId).where('d.id', id).first();
  if (!row) throw refuseNotFound('Webhook delivery');
  const attempts = await db('webhook_delivery_attempts').where({ delivery_id: id }).orderBy('id', 'desc').limit(100).select(db.raw('id::text as id'), 'attempted_at', 'status_code', 'duration_ms', 'error');
  return { ...row, attempts_log: attempts };
}

/**
 * An admin's Resend: the same event (same id, same body) sent again by a new workflow. The
 * delivery goes back to pending; the worker's sweep or the caller starts its workflow.
 */
export async function requeueDelivery(trx: Knex.Transaction, actor: { dealerId: string; operatorId: string }, id: string): Promise<UnstartedDelivery> {
  const delivery = await trx('webhook_deliveries').where({ id, dealer_id: actor.dealerId }).forUpdate().first('id', 'endpoint_id', 'event_id', 'status');
  if (!delivery) throw refuseNotFound('Webhook delivery');
  const [requeued] = await trx('webhook_deliveries').where({ id }).update({ status: 'pending', workflow_id: null, resends: trx.raw('resends + 1'), delivered_at: null }).returning(['id', 'resends']);
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'webhook_delivery.resent', entityType: 'webhook_endpoint', entityId: delivery.endpoint_id,
    data: { deliveryId: id, eventId: String(delivery.event_id), previousStatus: delivery.status },
  });
  return requeued;
}
