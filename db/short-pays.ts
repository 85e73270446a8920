import type { Knex } from 'knex';
import type { ShortPayReason, ShortPayResolution } from '../domain/short-pay';
import { SHORT_PAY_RESOLUTION_LABELS } from '../domain/short-pay';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import { pageOf, type PageRequest } from './list-query';

/**
 * Short-pays' store (docs/short-pays.md): written with the payment that short-paid the item,
 * listed on the operators' worklist, resolved (audited) by an operator. An open one keeps the
 * item out of payment reminders (db/reminders.ts).
 */
type Executor = Knex | Knex.Transaction;

export interface NewShortPay {
  dealerId: string;
  customerAccountId: string;
  paymentId: string;
  applicationId: number;
  itemType: 'invoice' | 'debit';
  itemId: string;
  paidCents: number;
  openBeforeCents: number;
  reason: ShortPayReason;
  note: string | null;
}

/** In the payment's own transaction, so a payment never exists without the reason given with it. */
export async function recordShortPay(trx: Knex.Transaction, shortPay: NewShortPay): Promise<void> {
  const [row] = await trx('short_pays').insert({
    dealer_id: shortPay.dealerId,
    customer_account_id: shortPay.customerAccountId,
    payment_id: shortPay.paymentId,
    application_id: shortPay.applicationId,
    item_type: shortPay.itemType,
    invoice_id: shortPay.itemType === 'invoice' ? shortPay.itemId : null,
    adjustment_id: shortPay.itemType === 'debit' ? shortPay.itemId : null,
    paid_cents: shortPay.paidCents,
    open_before_cents: shortPay.openBeforeCents,
    reason: shortPay.reason,
    note: shortPay.note,
  }).returning('id');
  await recordAudit(trx, {
    dealerId: shortPay.dealerId, actorKind: 'customer', actorId: null, action: 'short_pay.recorded', entityType: 'short_pay', entityId: row.id,
    data: { payment_id: shortPay.paymentId, customer_account_id: shortPay.customerAccountId, reason: shortPay.reason, short_cents: shortPay.openBeforeCents - shortPay.paidCents },
  });
}

export interface ShortPayRow {
  id: string;
  status: 'open' | 'resolved';
  reason: ShortPayReason;
  note: string | null;
  item_type: 'invoice' | 'debit';
  item_id: string;
  item_number: string;
  job_name: string | null;
  paid_cents: number;
  open_before_cents: number;
  short_cents: number;
  payment_id: string;
  payment_number: string;
  payment_status: string;
  customer_account_id: string;
  customer_name: string;
  erp_account_id: string;
  resolution: ShortPayResolution | null;
  resolution_note: string | null;
  resolved_by_name: string | null;
  resolved_at: Date | null;
  created_at: Date;
}

export interface ShortPayFilter {
  statuses?: Array<ShortPayRow['status']>;
  reasons?: ShortPayReason[];
  customerAccountId?: string;
  paymentId?: string;
  ids?: string[];
}

export const SHORT_PAY_SORTABLE = { created_at: 'sp.created_at', short_cents: 'sp.open_before_cents - sp.paid_cents', customer_name: 'ca.name', reason: 'sp.reason', status: 'sp.status' };

function scoped(db: Executor, dealerId: string): Knex.QueryBuilder {
  return db('short_pays as sp')
    .join('customer_accounts as ca', 'ca.id', 'sp.customer_account_id')
    .join('payments as p', 'p.id', 'sp.payment_id')
    .leftJoin('invoices as i', 'i.id', 'sp.invoice_id')
    .leftJoin('adjustments as a', 'a.id', 'sp.adjustment_id')
    .leftJoin('jobs as j', 'j.id', db.raw('coalesce(i.job_id, a.job_id)'))
    .leftJoin('operator_users as ou', 'ou.id', 'sp.resolved_by')
    .where('sp.dealer_id', dealerId);
}

function toRow(raw: Record<string, any>): ShortPayRow {
  return {
    id: raw.id, status: raw.status, reason: raw.reason, note: raw.note, item_type: raw.item_type,
    item_id: raw.item_id, item_number: raw.item_number, job_name: raw.job_name,
    paid_cents: Number(raw.paid_cents), open_before_cents: Number(raw.open_before_cents), short_cents: Number(raw.short_cents),
    payment_id: raw.payment_id, payment_number: raw.payment_number, payment_status: raw.payment_status,
    customer_account_id: raw.customer_account_id, customer_name: raw.customer_name, erp_account_id: raw.erp_account_id,
    resolution: raw.resolution, resolution_note: raw.resolution_note, resolved_by_name: raw.resolved_by_name, resolved_at: raw.resolved_at, created_at: raw.created_at,
  };
}

function columns(db: Executor): Array<string | Knex.Raw> {
  return [
    'sp.id', 'sp.status', 'sp.reason', 'sp.note', 'sp.item_type', 'sp.paid_cents', 'sp.open_before_cents', 'sp.payment_id', 'sp.customer_account_id',
    'sp.resolution', 'sp.resolution_note', 'sp.resolved_at', 'sp.created_at',
    'p.number as payment_number', 'p.status as payment_status', 'ca.name as customer_name', 'ca.erp_account_id', 'j.name as job_name', 'ou.name as resolved_by_name',
    db.raw('sp.open_before_cents - sp.paid_cents as short_cents'),
    db.raw('coalesce(sp.invoice_id, sp.adjustment_id) as item_id'),
    db.raw('coalesce(i.invoice_number, a.adjustment_number) as item_number'),
  ];
}

export async function listShortPays(db: Executor, dealerId: string, filter: ShortPayFilter, page: PageRequest): Promise<{ rows: ShortPayRow[]; total: number }> {
  const base = scoped(db, dealerId);
  if (filter.statuses) base.whereIn('sp.status', filter.statuses);
  if (filter.reasons) base.whereIn('sp.reason', filter.reasons);
  if (filter.customerAccountId) base.where('sp.customer_account_id', filter.customerAccountId);
  if (filter.paymentId) base.where('sp.payment_id', filter.paymentId);
  if (filter.ids) base.whereIn('sp.id', filter.ids);
  const { rows, total } = await pageOf<Record<string, any>>(base, columns(db), page, SHORT_PAY_SORTABLE, 'sp.id');
  return { rows: rows.map(toRow), total };
}

export async function findShortPay(db: Executor, dealerId: string, id: string): Promise<ShortPayRow | undefined> {
  const raw = await scoped(db, dealerId).where('sp.id', id).first(columns(db));
  return raw ? toRow(raw) : undefined;
}

/** Closes the claim (reminders resume for what is left on the item); resolving twice is refused. */
export async function resolveShortPay(db: Knex, actor: { dealerId: string; operatorId: string }, id: string, resolution: { resolution: ShortPayResolution; note: string | null }): Promise<ShortPayRow> {
  return db.transaction(async (trx) => {
    const current = await trx('short_pays').where({ id, dealer_id: actor.dealerId }).forUpdate().first('id', 'status', 'resolution', 'customer_account_id', 'payment_id', 'reason');
    if (!current) throw refuseNotFound('Short-pay');
    if (current.status === 'resolved') {
      throw refuseConflict('short_pay_already_resolved', `This short-pay was already resolved (${SHORT_PAY_RESOLUTION_LABELS[current.resolution as ShortPayResolution].toLowerCase()}).`);
    }
    await trx('short_pays').where({ id }).update({
      status: 'resolved', resolution: resolution.resolution, resolution_note: resolution.note, resolved_by: actor.operatorId, resolved_at: trx.fn.now(),
    });
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'short_pay.resolved', entityType: 'short_pay', entityId: id,
      data: { resolution: resolution.resolution, ...(resolution.note ? { note: resolution.note } : {}), reason: current.reason, payment_id: current.payment_id, customer_account_id: current.customer_account_id },
    });
    return (await findShortPay(trx, actor.dealerId, id))!;
  });
}
