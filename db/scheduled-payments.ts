import type { Knex } from 'knex';
import type { ScheduledPaymentStatus } from '../domain/scheduled-payment';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import type { PortalScope } from './portal-scope';
import { reserveItems, unreserveItem } from './payments';
import type { PaymentMethodFacts } from '../domain/payment-method-label';

/**
 * Scheduled payments' store (docs/scheduled-payments.md). Scheduling reserves the items the
 * way a submitted payment does, in the transaction that writes the schedule; cancelling, or
 * the run that turns it into a payment, gives the reservations back in its own transaction.
 */
type Executor = Knex | Knex.Transaction;
type ItemType = 'invoice' | 'debit' | 'credit';

export interface NewScheduledPayment {
  id: string;
  dealerId: string;
  customerAccountId: string;
  companyId: string;
  portalUserId: string;
  paymentMethodId: string;
  scheduledFor: string;
  runAt: Date;
  request: Record<string, unknown>;
  quotedAmountCents: number;
  achAuthorizationVersion: string | null;
  idempotencyKey: string;
  requestHash: string;
  workflowId: string;
  items: Array<{ itemType: ItemType; itemId: string; amountCents: number }>;
}

export interface ScheduledPaymentRow {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  company_id: string;
  portal_user_id: string | null;
  payment_method_id: string;
  scheduled_for: string;
  run_at: Date;
  status: ScheduledPaymentStatus;
  request: Record<string, any>;
  quoted_amount_cents: number;
  ach_authorization_version: string | null;
  idempotency_key: string;
  request_hash: string;
  payment_id: string | null;
  failure_reason: string | null;
  canceled_at: Date | null;
  workflow_id: string;
  created_at: Date;
}

export interface ScheduledItemRow {
  id: number;
  item_type: ItemType;
  item_id: string;
  number: string;
  amount_cents: number;
  state: 'reserved' | 'released' | 'dropped';
}

/** Writes the schedule and reserves its items; ReservationConflict (db/payments.ts) when one is taken. */
export async function createScheduledPayment(trx: Knex.Transaction, scheduled: NewScheduledPayment): Promise<void> {
  await trx('scheduled_payments').insert({
    id: scheduled.id, dealer_id: scheduled.dealerId, customer_account_id: scheduled.customerAccountId, company_id: scheduled.companyId,
    portal_user_id: scheduled.portalUserId, payment_method_id: scheduled.paymentMethodId, scheduled_for: scheduled.scheduledFor, run_at: scheduled.runAt,
    request: JSON.stringify(scheduled.request), quoted_amount_cents: scheduled.quotedAmountCents, ach_authorization_version: scheduled.achAuthorizationVersion,
    idempotency_key: scheduled.idempotencyKey, request_hash: scheduled.requestHash, workflow_id: scheduled.workflowId,
  });
  await reserveItems(trx, scheduled, scheduled.items);
  if (scheduled.items.length > 0) await trx('scheduled_payment_items').insert(scheduled.items.map((item) => ({
    dealer_id: scheduled.dealerId, scheduled_payment_id: scheduled.id, item_type: item.itemType,
    invoice_id: item.itemType === 'invoice' ? item.itemId : null, adjustment_id: item.itemType === 'invoice' ? null : item.itemId, amount_cents: item.amountCents,
  })));
  await recordAudit(trx, {
    dealerId: scheduled.dealerId, actorKind: 'customer', actorId: scheduled.portalUserId, action: 'scheduled_payment.created', entityType: 'scheduled_payment', entityId: scheduled.id,
    data: { customer_account_id: scheduled.customerAccountId, scheduled_for: scheduled.scheduledFor, quoted_amount_cents: scheduled.quotedAmountCents, items: scheduled.items.length },
  });
}

export async function scheduledPaymentByKey(db: Executor, companyId: string, idempotencyKey: string): Promise<ScheduledPaymentRow | undefined> {
  return db('scheduled_payments').where({ company_id: companyId, idempotency_key: idempotencyKey }).first();
}

/** One schedule as its customer (their linked accounts) or its dealer sees it. */
export async function findScheduledPayment(db: Executor, scope: PortalScope | { dealerId: string }, id: string): Promise<ScheduledPaymentRow | undefined> {
  const query = db('scheduled_payments').where({ id });
  if ('dealerId' in scope) query.where({ dealer_id: scope.dealerId });
  else companyScoped(db, query, scope);
  return query.first();
}

/** A project manager sees a schedule only when every item it holds is on one of their jobs. */
function companyScoped(db: Executor, query: Knex.QueryBuilder, scope: PortalScope): void {
  query.where({ company_id: scope.companyId }).whereIn('customer_account_id', scope.accountIds);
  if (scope.jobIds !== null) {
    query.whereRaw(`not exists (select 1 from scheduled_payment_items si left join invoices i on i.id = si.invoice_id left join adjustments a on a.id = si.adjustment_id
      where si.scheduled_payment_id = scheduled_payments.id and (coalesce(i.job_id, a.job_id) is null or not (coalesce(i.job_id, a.job_id) = any(?::uuid[]))))`, [scope.jobIds]);
  }
}

export async function scheduledPaymentsOf(db: Executor, scope: PortalScope | { dealerId: string; customerAccountId: string }): Promise<ScheduledPaymentRow[]> {
  const query = db('scheduled_payments');
  if ('dealerId' in scope) query.where({ dealer_id: scope.dealerId, customer_account_id: scope.customerAccountId });
  else companyScoped(db, query, scope);
  return query.orderBy([{ column: 'scheduled_for', order: 'desc' }, { column: 'created_at', order: 'desc' }]).limit(200);
}

/** A dealer's customer's schedules; undefined when the account is not that dealer's (the same 404 as none). */
export async function dealerCustomerSchedules(db: Executor, dealerId: string, customerAccountId: string): Promise<ScheduledPaymentRow[] | undefined> {
  const account = await db('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).first('id');
  return account ? scheduledPaymentsOf(db, { dealerId, customerAccountId }) : undefined;
}

export async function scheduledItems(db: Executor, scheduledPaymentIds: string[]): Promise<Map<string, ScheduledItemRow[]>> {
  const byId = new Map<string, ScheduledItemRow[]>();
  if (scheduledPaymentIds.length === 0) return byId;
  const rows = await db('scheduled_payment_items as si')
    .leftJoin('invoices as i', 'i.id', 'si.invoice_id')
    .leftJoin('adjustments as a', 'a.id', 'si.adjustment_id')
    .whereIn('si.scheduled_payment_id', scheduledPaymentIds)
    .orderBy('si.id')
    .select('si.id', 'si.scheduled_payment_id', 'si.item_type', 'si.amount_cents', 'si.state',
      db.raw('coalesce(si.invoice_id, si.adjustment_id) as item_id'), db.raw('coalesce(i.invoice_number, a.adjustment_number) as number'));
  for (const row of rows) {
    const list = byId.get(row.scheduled_payment_id) ?? [];
    list.push({ id: Number(row.id), item_type: row.item_type, item_id: row.item_id, number: row.number, amount_cents: Number(row.amount_cents), state: row.state });
    byId.set(row.scheduled_payment_id, list);
  }
  return byId;
}

/** Gives back every hold still in place and marks it `state` (released, or dropped for an item gone meanwhile). */
async function releaseHolds(trx: Knex.Transaction, scheduledPaymentId: string): Promise<ScheduledItemRow[]> {
  const items = (await scheduledItems(trx, [scheduledPaymentId])).get(scheduledPaymentId) ?? [];
  for (const item of items.filter((candidate) => candidate.state === 'reserved')) {
    await unreserveItem(trx, { itemType: item.item_type, itemId: item.item_id, amountCents: item.amount_cents });
    await trx('scheduled_payment_items').where({ id: item.id }).update({ state: 'released' });
  }
  return items;
}

/**
 * Cancels a schedule that has not run yet and gives its items back; audited with who cancelled
 * and why. `alsoInTransaction` runs inside the same transaction (a notice to the customer).
 */
export async function cancelScheduledPayment(
  db: Knex, id: string, actor: { kind: 'customer' | 'operator'; id: string; dealerId: string; reason?: string },
  alsoInTransaction?: (trx: Knex.Transaction, row: ScheduledPaymentRow) => Promise<void>,
): Promise<void> {
  await db.transaction(async (trx) => {
    const row: ScheduledPaymentRow | undefined = await trx('scheduled_payments').where({ id, dealer_id: actor.dealerId }).forUpdate().first();
    if (!row) throw refuseNotFound('Scheduled payment');
    if (row.status !== 'scheduled') {
      throw refuseConflict('scheduled_payment_not_cancelable', row.status === 'canceled'
        ? 'This scheduled payment is already cancelled.'
        : `This scheduled payment already ran on ${row.scheduled_for}; ${row.status === 'submitted' ? 'it is now a payment and can no longer be cancelled here' : 'nothing was paid'}.`);
    }
    await releaseHolds(trx, id);
    await trx('scheduled_payments').where({ id }).update({ status: 'canceled', canceled_at: trx.fn.now(), canceled_by_kind: actor.kind, canceled_by: actor.id, updated_at: trx.fn.now() });
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: actor.kind, actorId: actor.id, action: 'scheduled_payment.canceled', entityType: 'scheduled_payment', entityId: id,
      data: { customer_account_id: row.customer_account_id, scheduled_for: row.scheduled_for, ...(actor.reason ? { reason: actor.reason } : {}) },
    });
    await alsoInTransaction?.(trx, row);
  });
}

/**
 * The run's first step, in the run's transaction: locks the schedule and gives its holds back
 * so the payment can reserve what is still open. Undefined when it is no longer scheduled
 * (cancelled meanwhile, or a retried run that already finished).
 */
export async function takeScheduledForRun(trx: Knex.Transaction, id: string): Promise<{ row: ScheduledPaymentRow; items: ScheduledItemRow[] } | undefined> {
  const row: ScheduledPaymentRow | undefined = await trx('scheduled_payments').where({ id }).forUpdate().first();
  if (!row || row.status !== 'scheduled') return undefined;
  return { row, items: await releaseHolds(trx, id) };
}

export async function markItemsDropped(trx: Knex.Transaction, itemIds: number[]): Promise<void> {
  if (itemIds.length > 0) await trx('scheduled_payment_items').whereIn('id', itemIds).update({ state: 'dropped' });
}

export async function finishScheduledRun(trx: Knex.Transaction, row: ScheduledPaymentRow, outcome: { paymentId: string } | { failureReason: string }): Promise<void> {
  const fields = 'paymentId' in outcome ? { status: 'submitted', payment_id: outcome.paymentId } : { status: 'failed', failure_reason: outcome.failureReason };
  await trx('scheduled_payments').where({ id: row.id }).update({ ...fields, updated_at: trx.fn.now() });
  await recordAudit(trx, {
    dealerId: row.dealer_id, actorKind: 'system', actorId: null, action: 'paymentId' in outcome ? 'scheduled_payment.submitted' : 'scheduled_payment.failed',
    entityType: 'scheduled_payment', entityId: row.id, data: { customer_account_id: row.customer_account_id, scheduled_for: row.scheduled_for, ...outcome },
  });
}

/** Schedules still waiting: the worker's sweep makes sure each has its workflow. */
/** Schedules created before `createdBefore` whose workflow start was never recorded (the API died between commit and start). */
export async function unstartedScheduledPayments(db: Executor, createdBefore: Date, scope: { dealerId?: string } = {}, limit = 100): Promise<Array<{ id: string; dealer_id: string; run_at: Date }>> {
  const query = db('scheduled_payments').where({ status: 'scheduled' }).whereNull('workflow_started_at').where('created_at', '<', createdBefore);
  if (scope.dealerId) query.where({ dealer_id: scope.dealerId });
  return query.orderBy('run_at').limit(limit).select('id', 'dealer_id', 'run_at');
}

export async function markScheduledWorkflowStarted(db: Executor, id: string): Promise<void> {
  await db('scheduled_payments').where({ id }).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

/** How each schedule's payment method reads (the same facts the payment history names it by). */
export async function scheduledMethodFacts(db: Executor, paymentMethodIds: string[]): Promise<Map<string, PaymentMethodFacts>> {
  if (paymentMethodIds.length === 0) return new Map();
  const rows = await db('payment_methods').whereIn('id', [...new Set(paymentMethodIds)]).select('id', 'kind', 'label', 'last4', 'bank_name', 'card_brand', 'card_funding');
  return new Map(rows.map((row) => [row.id as string, row as PaymentMethodFacts]));
}

/** Where the customer who scheduled it is emailed; null when that login is gone. */
export async function portalUserEmail(db: Executor, portalUserId: string): Promise<string | null> {
  return ((await db('portal_users').where({ id: portalUserId }).first('email'))?.email as string | undefined) ?? null;
}
