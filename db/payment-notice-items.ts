import type { Knex } from 'knex';

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
