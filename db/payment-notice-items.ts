import type { Knex } from 'knex';
import type { ApplicationType } from './payments';
import { joinApplicationItems } from './application-items';

/**
 * What a customer email about money coming back names: the reversal behind it (the latest of
 * the payment's, or the one asked for) and the items it made open again. Without a reversal
 * row (a failed, cancelled or returned payment) every item the payment paid is open again.
 */
export interface NoticeReversal {
  id: string;
  kind: 'ach_return' | 'chargeback' | 'refund';
  amountCents: number;
  networkReason: string | null;
}

export interface ReopenedItem {
  /** The invoice's or adjustment's id: what the portal selects. */
  itemId: string;
  itemType: 'invoice' | 'debit' | 'credit';
  number: string;
  amountCents: number;
}

/** A payment as its customer emails tell it: who to write to, the names, the method and every line with its item's number. */
export interface NoticeSubject {
  payment: Record<string, any>;
  /** The person who paid; for a payment made without a portal login, the account's primary contact; null: nobody. */
  to: string | null;
  lines: Array<{ item_type: ApplicationType; amount_cents: number; invoice_number: string | null; adjustment_number: string | null; statement_number: string | null }>;
}

/** In one statement: every notice of every payment reads it, and the round trips cost more than the rows. */
export async function noticeSubject(db: Knex, paymentId: string): Promise<NoticeSubject | undefined> {
  const lines = joinApplicationItems(db('payment_applications as pa'))
    .whereRaw('pa.payment_id = p.id')
    .orderBy('pa.id')
    .select('pa.item_type', 'pa.amount_cents', 'i.invoice_number', 'ad.adjustment_number', 'st.statement_number');
  const primaryContact = db('contacts').whereRaw('customer_account_id = p.customer_account_id').where({ is_primary: true }).whereNull('deleted_at').whereNotNull('email').limit(1).select('email');
  const row = await db('payments as p')
    .join('dealers as d', 'd.id', 'p.dealer_id')
    .join('customer_accounts as ca', 'ca.id', 'p.customer_account_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .leftJoin('portal_users as u', 'u.id', 'p.portal_user_id')
    .where('p.id', paymentId)
    .first('p.*', 'd.name as dealer_name', 'ca.name as account_name', 'ca.erp_account_id',
      'pm.kind as method_kind', 'pm.label as method_label', 'pm.last4', 'pm.bank_name', 'pm.card_brand',
      db.raw('coalesce(u.email, (?)) as notice_to', [primaryContact]),
      db.raw("(select coalesce(json_agg(l), '[]') from (?) l) as notice_lines", [lines]));
  if (!row) return undefined;
  const { notice_to: to, notice_lines: noticeLines, ...payment } = row;
  return { payment, to, lines: noticeLines };
}

export async function noticeReversal(db: Knex, paymentId: string, which: { reversalId?: string; kinds?: NoticeReversal['kind'][] } = {}): Promise<NoticeReversal | null> {
  const query = db('payment_reversals as r')
    .leftJoin('payment_disputes as d', function joinDispute() {
      this.on('d.payment_id', '=', 'r.payment_id').andOn('d.processor_dispute_id', '=', 'r.source_id');
    })
    .where('r.payment_id', paymentId)
    .orderBy([{ column: 'r.created_at', order: 'desc' }, { column: 'r.id', order: 'desc' }])
    .first('r.id', 'r.kind', 'r.amount_cents', 'd.network_reason');
  if (which.reversalId) query.where('r.id', which.reversalId);
  if (which.kinds) query.whereIn('r.kind', which.kinds);
  const row = await query;
  return row ? { id: row.id, kind: row.kind, amountCents: Number(row.amount_cents), networkReason: row.network_reason ?? null } : null;
}

/** Items the reversal gave back (by its own items), or every item the payment paid. Statement discounts are not items. */
export async function reopenedItems(db: Knex, paymentId: string, reversalId: string | null): Promise<ReopenedItem[]> {
  const base = db('payment_applications as pa')
    .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
    .leftJoin('adjustments as ad', 'ad.id', 'pa.adjustment_id')
    .where('pa.payment_id', paymentId)
    .whereIn('pa.item_type', ['invoice', 'debit', 'credit'])
    .orderBy('pa.id');
  const rows: Array<{ item_type: ReopenedItem['itemType']; invoice_id: string | null; adjustment_id: string | null; invoice_number: string | null; adjustment_number: string | null; amount_cents: string }> = reversalId
    ? await base.join('payment_reversal_items as ri', 'ri.application_id', 'pa.id').where('ri.reversal_id', reversalId)
      .select('pa.item_type', 'pa.invoice_id', 'pa.adjustment_id', 'i.invoice_number', 'ad.adjustment_number', 'ri.amount_cents')
    : await base.select('pa.item_type', 'pa.invoice_id', 'pa.adjustment_id', 'i.invoice_number', 'ad.adjustment_number', 'pa.amount_cents');
  return rows.map((row) => ({
    itemId: (row.invoice_id ?? row.adjustment_id)!,
    itemType: row.item_type,
    number: row.invoice_number ?? row.adjustment_number ?? '',
    amountCents: Number(row.amount_cents),
  }));
}
