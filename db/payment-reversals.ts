import type { Knex } from 'knex';
import { refuseConflict, refuseInvalid, refuseNotFound } from '../domain/refusal';
import { allocateReversal, heldCents, validateItemRefund, type AllocatedItem, type ReversibleApplication, type ReversalItemType } from '../domain/reversal-allocation';
import { glReversalKey } from '../domain/settlement';
import { refreshAccountStats } from './account-stats';
import { recordAudit } from './audit';
import type { ReversalLinePlan } from './gl-lines';
import { moveBalance } from './payments';
import { lockCreditAccountOf, takeBackCreditOfPayment } from './account-credits';
import { placeReversalLines } from './settlements';
import { joinApplicationItems } from './application-items';

/**
 * Money taken back from a settled payment — a late ACH return, a chargeback lost, a refund —
 * booked in one place: the reversal row, the items it reopened, the balances restored, the GL
 * reversal lines queued, the audit entry. Keyed by its source at the processor, so a
 * duplicated or late event finds the row and changes nothing.
 *
 * Lock order: payment, its applications (in item order, as db/payments.ts), the items, then
 * the settlement — the order every other payment change takes.
 */

type Db = Knex | Knex.Transaction;
type WorkflowIdFor = (dealerId: string, businessDate: string, sequence: number) => string;

export type ReversalKind = 'ach_return' | 'chargeback' | 'refund';

export interface ReversalRow {
  id: string;
  dealer_id: string;
  payment_id: string;
  kind: ReversalKind;
  source_id: string;
  amount_cents: number;
  reason: string;
  return_code: string | null;
  actor_id: string | null;
  processor_status: string | null;
  reapplied_at: Date | null;
  created_at: Date;
}

export interface ReopenedItem {
  itemType: ReversalItemType;
  /** Invoice or adjustment id; the statement id for a discount. */
  itemId: string;
  /** Document number as people know it. */
  number: string;
  amountCents: number;
}

export interface ReversePaymentInput {
  paymentId: string;
  kind: ReversalKind;
  /** The processor's id of what took the money back: the refund, the dispute, the return. */
  sourceId: string;
  amountCents: number;
  reason: string;
  returnCode?: string | null;
  actorId?: string | null;
  processorStatus?: string | null;
  /** The operator's refund request this answers (refunds only). */
  requestId?: string | null;
  /** A refund by item: which applications give back how much (they must add up to amountCents). */
  items?: Array<{ applicationId: number; amountCents: number }>;
  now: Date;
  workflowIdFor: WorkflowIdFor;
}

export interface ReversePaymentResult {
  reversal: ReversalRow;
  /** False when this source had already been booked: nothing changed. */
  created: boolean;
  /** The payment's whole remaining amount: everything it applied is undone. */
  full: boolean;
  /** The settlement holding the reversal lines; null when the payment is in no batch (or nothing was lined). */
  settlementId: string | null;
  reopened: ReopenedItem[];
}

interface ApplicationRow {
  id: string | number;
  item_type: ReversalItemType;
  amount_cents: string | number;
  reversed_cents: string | number;
  state: string;
  invoice_id: string | null;
  adjustment_id: string | null;
  statement_id: string | null;
  number: string | null;
}

const LABEL: Record<ReversalItemType, string> = { invoice: 'Invoice', debit: 'Debit adjustment', credit: 'Credit adjustment', discount: 'Discount of statement', terms_discount: 'Early-payment discount of invoice', unapplied: 'Credit paid on account' };

function applicationsOf(db: Db, paymentId: string) {
  return joinApplicationItems(db('payment_applications as pa'))
    .where('pa.payment_id', paymentId)
    .select('pa.id', 'pa.item_type', 'pa.amount_cents', 'pa.reversed_cents', 'pa.state', 'pa.invoice_id', 'pa.adjustment_id', 'pa.statement_id',
      db.raw('coalesce(i.invoice_number, ad.adjustment_number, st.statement_number) as number'));
}

const itemIdOf = (row: ApplicationRow) => (row.invoice_id ?? row.adjustment_id ?? row.statement_id)!;

/**
 * Takes `amountCents` back from a settled payment. A partial amount reopens the invoices and
 * debits it paid in proportion to what each still holds (or exactly the items named, for a
 * refund by item); the payment's whole remaining amount undoes everything, credits used and
 * statement discount included. Refused (nothing changed) for an amount above what the
 * payment still holds.
 */
export async function reversePaymentAmount(trx: Knex.Transaction, input: ReversePaymentInput): Promise<ReversePaymentResult> {
  const payment = await trx('payments').where({ id: input.paymentId }).forUpdate().first();
  if (!payment) throw refuseNotFound('Payment');
  const existing: ReversalRow | undefined = await trx('payment_reversals').where({ payment_id: payment.id, kind: input.kind, source_id: input.sourceId }).first();
  if (existing) return describeExisting(trx, existing);
  await lockCreditAccountOf(trx, payment.id);

  if (!input.reason?.trim()) throw refuseInvalid('reason_required', 'Say why the money is taken back.');
  if (!payment.settled_at) {
    throw refuseConflict('payment_not_settled', `Payment ${payment.number} is ${payment.status}; only money that settled can be taken back.`);
  }
  const remainingCents = Number(payment.amount_cents) - Number(payment.reversed_cents);
  const rows: ApplicationRow[] = await applicationsOf(trx, payment.id)
    .whereIn('pa.state', ['applied', 'reversed'])
    .orderByRaw('coalesce(pa.invoice_id, pa.adjustment_id, pa.statement_id)')
    .forUpdate('pa');
  const applications: ReversibleApplication[] = rows.map((row) => ({
    id: Number(row.id), itemType: row.item_type, amountCents: Number(row.amount_cents), reversedCents: Number(row.reversed_cents),
    label: `${LABEL[row.item_type]} ${row.number ?? itemIdOf(row)}`,
  }));

  let items: AllocatedItem[];
  let full: boolean;
  if (input.items) {
    const problems = validateItemRefund(applications, input.items);
    if (problems.length > 0) throw refuseInvalid('invalid_refund_items', problems.join(' '), { problems });
    const total = input.items.reduce((sum, item) => sum + item.amountCents, 0);
    if (total !== input.amountCents) {
      throw refuseInvalid('items_total_mismatch', `The items add up to ${total} cents, but the amount taken back is ${input.amountCents} cents.`);
    }
    const allocation = allocateReversal(applications, input.amountCents, remainingCents);
    full = allocation.kind === 'full';
    const typeOf = new Map(applications.map((a) => [a.id, a.itemType]));
    items = full ? allocation.items : input.items.map((item) => ({ applicationId: item.applicationId, itemType: typeOf.get(item.applicationId)!, amountCents: item.amountCents }));
  } else {
    const allocation = allocateReversal(applications, input.amountCents, remainingCents);
    full = allocation.kind === 'full';
    items = allocation.items;
  }

  const [reversal]: ReversalRow[] = await trx('payment_reversals').insert({
    dealer_id: payment.dealer_id, payment_id: payment.id, kind: input.kind, source_id: input.sourceId, amount_cents: input.amountCents,
    reason: input.reason.trim(), return_code: input.returnCode ?? null, actor_id: input.actorId ?? null, processor_status: input.processorStatus ?? null,
    request_id: input.requestId ?? null, created_at: input.now,
  }).returning('*');

  const rowById = new Map(rows.map((row) => [Number(row.id), row]));
  const reopened: ReopenedItem[] = [];
  for (const item of items) {
    const row = rowById.get(item.applicationId)!;
    if (row.item_type === 'discount') {
      await trx('statements').where({ id: row.statement_id }).update({ status: 'open', updated_at: trx.fn.now() });
    } else if (row.item_type !== 'terms_discount' && row.item_type !== 'unapplied') {
      // A terms discount moved no balance: its invoice's own line gives the whole amount back.
      await moveBalance(trx, row, item.amountCents, 0);
    }
    const reversedCents = Number(row.reversed_cents) + item.amountCents;
    await trx('payment_applications').where({ id: row.id })
      .update({ reversed_cents: reversedCents, ...(reversedCents >= Number(row.amount_cents) ? { state: 'reversed' } : {}) });
    await trx('payment_reversal_items').insert({ reversal_id: reversal!.id, application_id: row.id, amount_cents: item.amountCents });
    reopened.push({ itemType: row.item_type, itemId: itemIdOf(row), number: row.number ?? itemIdOf(row), amountCents: item.amountCents });
  }
  await trx('payments').where({ id: payment.id }).update({ reversed_cents: Number(payment.reversed_cents) + input.amountCents, updated_at: trx.fn.now() });
  // All of it back: the credit it brought in goes too, with whatever that credit paid since.
  const creditTaken = full ? await takeBackCreditOfPayment(trx, payment.id) : { takenCents: 0, undoneLines: [] };

  const settlement = await placeReversalLines(trx, {
    payment,
    lines: [
      ...await reversalLinePlan(trx, payment.id, reversal!.id, items),
      ...await creditApplicationReversalPlan(trx, payment.id, reversal!.id, creditTaken.undoneLines),
    ],
    now: input.now,
    workflowIdFor: input.workflowIdFor,
    audit: { reversalId: reversal!.id, kind: input.kind },
  });
  await recordAudit(trx, {
    dealerId: payment.dealer_id, actorKind: input.actorId ? 'operator' : 'processor', actorId: input.actorId ?? null, action: 'payment.reversal_booked',
    entityType: 'payment', entityId: payment.id,
    data: {
      number: payment.number, reversalId: reversal!.id, kind: input.kind, sourceId: input.sourceId, amountCents: input.amountCents, full,
      reason: reversal!.reason, returnCode: input.returnCode ?? undefined, settlementNumber: settlement?.number,
      items: reopened.map((item) => ({ itemType: item.itemType, number: item.number, amountCents: item.amountCents })),
    },
  });
  // The receivables moved, so the dashboard's statistics move with them, in this transaction.
  await refreshAccountStats(trx, [payment.customer_account_id], input.now);
  return { reversal: reversal!, created: true, full, settlementId: settlement?.id ?? null, reopened };
}

/** One reversal line per application given back, against that application's original line. */
async function reversalLinePlan(trx: Knex.Transaction, paymentId: string, reversalId: string, items: AllocatedItem[]): Promise<ReversalLinePlan[]> {
  if (items.length === 0) return [];
  const originals = await trx('gl_posting_lines').where({ payment_id: paymentId }).whereNot({ line_type: 'reversal' })
    .whereIn('payment_application_id', items.map((item) => item.applicationId));
  const byApplication = new Map(originals.map((line: Record<string, any>) => [Number(line.payment_application_id), line]));
  return items.flatMap((item) => {
    const original = byApplication.get(item.applicationId);
    return original ? [{ original, amountCents: item.amountCents, idempotencyKey: glReversalKey(paymentId, item.applicationId, reversalId) }] : [];
  });
}

/** Reversal lines for applications of the payment's credit that its return undid (db/account-credits.ts). */
async function creditApplicationReversalPlan(trx: Knex.Transaction, paymentId: string, reversalId: string, undone: Array<{ lineId: string; amountCents: number }>): Promise<ReversalLinePlan[]> {
  if (undone.length === 0) return [];
  const originals = await trx('gl_posting_lines').whereIn('id', undone.map((line) => line.lineId));
  return undone.flatMap((line) => {
    const original = originals.find((row: Record<string, any>) => row.id === line.lineId);
    return original ? [{ original, amountCents: line.amountCents, idempotencyKey: glReversalKey(paymentId, original.id, reversalId) }] : [];
  });
}

/** A source booked before: what it did, read back, so a repeat answers as the first call did. */
async function describeExisting(trx: Knex.Transaction, reversal: ReversalRow): Promise<ReversePaymentResult> {
  const items = await itemsOf(trx, [reversal.id]);
  const line = await trx('gl_posting_lines').where({ payment_id: reversal.payment_id, line_type: 'reversal' })
    .whereRaw('idempotency_key like ?', [`gl:reversal:${reversal.payment_id}:%:${reversal.id}%`]).first('settlement_id');
  const earlier = await trx('payment_reversals').where({ payment_id: reversal.payment_id })
    .where((q) => q.where('created_at', '<', reversal.created_at).orWhere((same) => same.where('created_at', reversal.created_at).where('id', '<=', reversal.id)))
    .sum({ cents: 'amount_cents' }).first();
  const payment = await trx('payments').where({ id: reversal.payment_id }).first('amount_cents');
  return {
    reversal,
    created: false,
    // Full when, with those before it, it took back the whole payment.
    full: Number(earlier?.cents ?? 0) >= Number(payment.amount_cents),
    settlementId: line?.settlement_id ?? null,
    reopened: items.map((item) => ({ itemType: item.itemType, itemId: item.itemId, number: item.number, amountCents: item.amountCents })),
  };
}

export interface ReversalItemView extends ReopenedItem {
  applicationId: number;
}

export interface ReversalView {
  id: string;
  kind: ReversalKind;
  sourceId: string;
  amountCents: number;
  reason: string;
  returnCode: string | null;
  actorId: string | null;
  processorStatus: string | null;
  reappliedAt: Date | null;
  createdAt: Date;
  items: ReversalItemView[];
}

async function itemsOf(db: Db, reversalIds: string[]): Promise<Array<ReversalItemView & { reversalId: string }>> {
  if (reversalIds.length === 0) return [];
  const rows = await joinApplicationItems(db('payment_reversal_items as ri').join('payment_applications as pa', 'pa.id', 'ri.application_id'))
    .whereIn('ri.reversal_id', reversalIds)
    .orderBy('ri.id')
    .select('ri.reversal_id', 'ri.application_id', 'ri.amount_cents', 'pa.item_type', 'pa.invoice_id', 'pa.adjustment_id', 'pa.statement_id',
      db.raw('coalesce(i.invoice_number, ad.adjustment_number, st.statement_number) as number'));
  return rows.map((row: Record<string, any>) => {
    const itemId = row.invoice_id ?? row.adjustment_id ?? row.statement_id;
    return { reversalId: row.reversal_id, applicationId: Number(row.application_id), itemType: row.item_type, itemId, number: row.number ?? itemId, amountCents: Number(row.amount_cents) };
  });
}

/** Every amount taken back from a payment, oldest first, with the items each reopened (payment detail page). */
export async function reversalsOfPayment(db: Db, paymentId: string): Promise<ReversalView[]> {
  const reversals: ReversalRow[] = await db('payment_reversals').where({ payment_id: paymentId }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  const items = await itemsOf(db, reversals.map((reversal) => reversal.id));
  return reversals.map((reversal) => ({
    id: reversal.id, kind: reversal.kind, sourceId: reversal.source_id, amountCents: Number(reversal.amount_cents), reason: reversal.reason,
    returnCode: reversal.return_code, actorId: reversal.actor_id, processorStatus: reversal.processor_status, reappliedAt: reversal.reapplied_at,
    createdAt: reversal.created_at,
    items: items.filter((item) => item.reversalId === reversal.id).map(({ reversalId: _reversalId, ...item }) => item),
  }));
}

/** What a payment still holds in money, and per application (for the refund dialog). */
export async function reversibleApplications(db: Db, paymentId: string): Promise<Array<ReversibleApplication & { itemId: string; number: string; heldCents: number }>> {
  const rows: ApplicationRow[] = await applicationsOf(db, paymentId).whereIn('pa.state', ['applied', 'reversed']).orderBy('pa.id');
  return rows.map((row) => {
    const application = { id: Number(row.id), itemType: row.item_type, amountCents: Number(row.amount_cents), reversedCents: Number(row.reversed_cents), label: `${LABEL[row.item_type]} ${row.number ?? itemIdOf(row)}` };
    return { ...application, itemId: itemIdOf(row), number: row.number ?? itemIdOf(row), heldCents: heldCents(application) };
  });
}

/**
 * The processor's latest word on refunds already booked (pending → completed or failed), so the
 * payment's page shows where the money is. Returns the refunds whose status changed.
 */
export async function recordRefundProcessorStatuses(db: Db, paymentId: string, refunds: Array<{ refundId: string; processorStatus: string }>): Promise<string[]> {
  const changed: string[] = [];
  for (const refund of refunds) {
    const updated = await db('payment_reversals')
      .where({ payment_id: paymentId, kind: 'refund', source_id: refund.refundId })
      .where((q) => q.whereNull('processor_status').orWhereNot('processor_status', refund.processorStatus))
      .update({ processor_status: refund.processorStatus });
    if (updated > 0) changed.push(refund.refundId);
  }
  return changed;
}

/** Whether the operator's refund request was already carried out on this payment. */
export async function refundOfRequest(db: Db, paymentId: string, requestId: string): Promise<boolean> {
  return Boolean(await db('payment_reversals').where({ payment_id: paymentId, kind: 'refund', request_id: requestId }).first('id'));
}
