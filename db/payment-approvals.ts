import type { Knex } from 'knex';
import type { PaymentApprovalStatus } from '../domain/company-roles';
import { refuseConflict } from '../domain/refusal';
import { recordAudit } from './audit';
import type { Db } from './connection';
import { queueEmail, type QueuedEmail } from './email-outbox';
import { reserveItems, unreserveItem, type BalanceApplicationType, type ItemHold } from './payments';
import type { PortalScope } from './portal-scope';

/**
 * Payments that wait for an owner's approval (docs/company-roles.md): the request as its
 * maker sent it, what it came to, and the items it holds meanwhile (held exactly as a payment
 * holds them, so nobody else can pay them twice). Every decision releases the holds and is
 * audited in the same transaction.
 */
type Executor = Db | Knex.Transaction;

export interface PaymentApprovalRow {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  company_id: string;
  requested_by: string;
  status: PaymentApprovalStatus;
  request: Record<string, unknown>;
  quoted_amount_cents: string | number;
  threshold_cents: string | number;
  idempotency_key: string;
  request_hash: string;
  expires_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decline_reason: string | null;
  failure_reason: string | null;
  payment_id: string | null;
  /** The date a scheduled payment is to be paid on; null for a payment made at once when approved. */
  scheduled_for: string | null;
  scheduled_payment_id: string | null;
  reminders_sent: number;
  created_at: Date;
}

export interface ApprovalItemRow {
  payment_approval_id: string;
  item_type: BalanceApplicationType;
  invoice_id: string | null;
  adjustment_id: string | null;
  number: string;
  job_id: string | null;
  amount_cents: string | number;
  state: 'reserved' | 'released';
}

export interface NewApproval {
  id: string;
  dealerId: string;
  customerAccountId: string;
  companyId: string;
  requestedBy: string;
  request: unknown;
  quotedAmountCents: number;
  thresholdCents: number;
  idempotencyKey: string;
  requestHash: string;
  expiresAt: Date;
  scheduledFor: string | null;
  holds: ItemHold[];
}

/** Stores the approval and holds its items, with the owners' emails, in one transaction (ReservationConflict when an item is taken). */
export async function createApproval(db: Db, approval: NewApproval, ownerEmails: (approvalId: string) => QueuedEmail[]): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('payment_approvals').insert({
      id: approval.id, dealer_id: approval.dealerId, customer_account_id: approval.customerAccountId, company_id: approval.companyId, requested_by: approval.requestedBy,
      request: JSON.stringify(approval.request), quoted_amount_cents: approval.quotedAmountCents, threshold_cents: approval.thresholdCents,
      idempotency_key: approval.idempotencyKey, request_hash: approval.requestHash, expires_at: approval.expiresAt, scheduled_for: approval.scheduledFor,
    });
    await reserveItems(trx, approval, approval.holds);
    if (approval.holds.length > 0) await trx('payment_approval_items').insert(approval.holds.map((hold) => ({
      dealer_id: approval.dealerId, payment_approval_id: approval.id, item_type: hold.itemType,
      invoice_id: hold.itemType === 'invoice' ? hold.itemId : null, adjustment_id: hold.itemType === 'invoice' ? null : hold.itemId, amount_cents: hold.amountCents,
    })));
    for (const email of ownerEmails(approval.id)) await queueEmail(trx, email);
    await recordAudit(trx, {
      dealerId: approval.dealerId, actorKind: 'customer', actorId: approval.requestedBy, action: 'payment_approval.requested', entityType: 'payment_approval', entityId: approval.id,
      data: {
        company_id: approval.companyId, amount_cents: approval.quotedAmountCents, threshold_cents: approval.thresholdCents, customer_account_id: approval.customerAccountId,
        ...(approval.scheduledFor ? { scheduled_for: approval.scheduledFor } : {}),
      },
    });
  });
}

export async function approvalByKey(db: Executor, companyId: string, idempotencyKey: string): Promise<PaymentApprovalRow | undefined> {
  return db('payment_approvals').where({ company_id: companyId, idempotency_key: idempotencyKey }).first();
}

export async function approvalById(db: Executor, id: string): Promise<PaymentApprovalRow | undefined> {
  return db('payment_approvals').where({ id }).first();
}

/** A project manager sees an approval only when every item it holds is on one of their jobs. */
function scoped(db: Executor, scope: PortalScope): Knex.QueryBuilder {
  const query = db('payment_approvals as pa').where('pa.company_id', scope.companyId).whereIn('pa.customer_account_id', scope.accountIds);
  if (scope.jobIds !== null) {
    query.whereRaw(`not exists (select 1 from payment_approval_items ai left join invoices i on i.id = ai.invoice_id left join adjustments a on a.id = ai.adjustment_id
      where ai.payment_approval_id = pa.id and (coalesce(i.job_id, a.job_id) is null or not (coalesce(i.job_id, a.job_id) = any(?::uuid[]))))`, [scope.jobIds]);
  }
  return query;
}

export async function findApproval(db: Executor, scope: PortalScope, id: string): Promise<PaymentApprovalRow | undefined> {
  return scoped(db, scope).where('pa.id', id).first('pa.*');
}

export async function approvalsOf(db: Executor, scope: PortalScope): Promise<PaymentApprovalRow[]> {
  return scoped(db, scope).orderBy([{ column: 'pa.created_at', order: 'desc' }, { column: 'pa.id' }]).limit(200).select('pa.*');
}

export async function approvalItems(db: Executor, approvalIds: string[]): Promise<Map<string, ApprovalItemRow[]>> {
  const byId = new Map<string, ApprovalItemRow[]>();
  if (approvalIds.length === 0) return byId;
  const rows = await db('payment_approval_items as ai')
    .leftJoin('invoices as i', 'i.id', 'ai.invoice_id')
    .leftJoin('adjustments as a', 'a.id', 'ai.adjustment_id')
    .whereIn('ai.payment_approval_id', approvalIds)
    .orderBy('ai.id')
    .select('ai.payment_approval_id', 'ai.item_type', 'ai.invoice_id', 'ai.adjustment_id', 'ai.amount_cents', 'ai.state',
      db.raw('coalesce(i.invoice_number, a.adjustment_number) as number'), db.raw('coalesce(i.job_id, a.job_id) as job_id'));
  for (const row of rows as ApprovalItemRow[]) byId.set(row.payment_approval_id, [...(byId.get(row.payment_approval_id) ?? []), row]);
  return byId;
}

export type ApprovalDecision =
  | { status: 'approved'; by: string }
  | { status: 'declined'; by: string; reason: string | null }
  | { status: 'expired' };

/**
 * Decides an approval still waiting: releases its holds, records who decided and audits it,
 * with the emails `emails` returns, in one transaction. Refuses one already decided (or, for
 * an expiry, one whose time has not come). Answers the row as decided.
 */
export async function decideApproval(db: Db, id: string, decision: ApprovalDecision, emails: (row: PaymentApprovalRow) => QueuedEmail[] = () => []): Promise<PaymentApprovalRow> {
  return db.transaction(async (trx) => {
    const row = (await trx('payment_approvals').where({ id }).forUpdate().first()) as PaymentApprovalRow | undefined;
    if (!row) throw refuseConflict('approval_not_pending', 'This payment approval no longer exists.');
    if (row.status !== 'awaiting_approval') throw refuseConflict('approval_not_pending', `This payment is no longer waiting for approval (${row.status.replace('_', ' ')}).`);
    if (decision.status === 'expired' && new Date(row.expires_at).getTime() > Date.now()) throw refuseConflict('approval_not_due', 'This approval has not reached its time limit yet.');
    const holds = await trx('payment_approval_items').where({ payment_approval_id: id, state: 'reserved' }).forUpdate().select('id', 'item_type', 'invoice_id', 'adjustment_id', 'amount_cents');
    for (const hold of holds) await unreserveItem(trx, { itemType: hold.item_type, itemId: hold.invoice_id ?? hold.adjustment_id, amountCents: Number(hold.amount_cents) });
    await trx('payment_approval_items').where({ payment_approval_id: id, state: 'reserved' }).update({ state: 'released' });
    const [decided] = await trx('payment_approvals').where({ id }).update({
      status: decision.status,
      decided_by: decision.status === 'expired' ? null : decision.by,
      decided_at: trx.fn.now(),
      decline_reason: decision.status === 'declined' ? decision.reason : null,
      updated_at: trx.fn.now(),
    }).returning('*');
    for (const email of emails(decided)) await queueEmail(trx, email);
    await recordAudit(trx, {
      dealerId: row.dealer_id,
      actorKind: decision.status === 'expired' ? 'system' : 'customer',
      actorId: decision.status === 'expired' ? null : decision.by,
      action: `payment_approval.${decision.status}`,
      entityType: 'payment_approval',
      entityId: id,
      data: { company_id: row.company_id, amount_cents: Number(row.quoted_amount_cents), requested_by: row.requested_by, ...(decision.status === 'declined' && decision.reason ? { reason: decision.reason } : {}) },
    });
    return decided as PaymentApprovalRow;
  });
}

export type ApprovalOutcome = { paymentId: string } | { scheduledPaymentId: string } | { failure: string };

/** The approved request became this payment or schedule (or could not: `failure`). */
export async function recordApprovalOutcome(db: Db, id: string, outcome: ApprovalOutcome): Promise<void> {
  await db.transaction(async (trx) => {
    const row = await trx('payment_approvals').where({ id }).first('dealer_id', 'company_id');
    if ('paymentId' in outcome) {
      await trx('payment_approvals').where({ id }).update({ payment_id: outcome.paymentId, updated_at: trx.fn.now() });
    } else if ('scheduledPaymentId' in outcome) {
      await trx('payment_approvals').where({ id }).update({ scheduled_payment_id: outcome.scheduledPaymentId, updated_at: trx.fn.now() });
    } else {
      await trx('payment_approvals').where({ id }).update({ status: 'failed', failure_reason: outcome.failure, updated_at: trx.fn.now() });
      await recordAudit(trx, { dealerId: row.dealer_id, actorKind: 'system', action: 'payment_approval.failed', entityType: 'payment_approval', entityId: id, data: { company_id: row.company_id, reason: outcome.failure } });
    }
  });
}

/** Counts a reminder round; its number keys the reminder emails so a retried round sends none twice. */
export async function countReminder(db: Db, id: string, round: number): Promise<boolean> {
  const updated = await db('payment_approvals').where({ id, status: 'awaiting_approval' }).where('reminders_sent', '<', round).update({ reminders_sent: round, updated_at: db.fn.now() });
  return updated > 0;
}

/** The suppliers and requesters the approvals name. */
export async function approvalParties(db: Executor, rows: PaymentApprovalRow[]): Promise<{ dealers: Array<{ id: string; name: string }>; users: Array<{ id: string; name: string; email: string }> }> {
  const [dealers, users] = await Promise.all([
    db('dealers').whereIn('id', [...new Set(rows.map((row) => row.dealer_id))]).select('id', 'name'),
    db('portal_users').whereIn('id', [...new Set(rows.map((row) => row.requested_by))]).select('id', 'name', 'email'),
  ]);
  return { dealers, users };
}

export async function portalUserEmail(db: Executor, portalUserId: string): Promise<{ email: string; name: string } | undefined> {
  return db('portal_users').where({ id: portalUserId }).first('email', 'name');
}
