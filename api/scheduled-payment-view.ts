import type { ScheduledPayment } from '../contracts/portal/scheduled-payments';
import type { Db } from '../db/connection';
import { scheduledItems, scheduledMethodFacts, type ScheduledPaymentRow } from '../db/scheduled-payments';
import { methodLabel } from '../domain/payment-method-label';
import { SCHEDULED_STATUS_LABELS } from '../domain/scheduled-payment';

/** Scheduled payments as both apps show them: the schedule, its items and what became of each. */
export async function scheduledPaymentViews(db: Db, rows: ScheduledPaymentRow[]): Promise<ScheduledPayment[]> {
  const [items, methods] = await Promise.all([scheduledItems(db, rows.map((row) => row.id)), scheduledMethodFacts(db, rows.map((row) => row.payment_method_id))]);
  return rows.map((row) => {
    const method = methods.get(row.payment_method_id);
    return {
      id: row.id,
      status: row.status,
      statusLabel: SCHEDULED_STATUS_LABELS[row.status],
      scheduledFor: row.scheduled_for,
      quotedAmountCents: Number(row.quoted_amount_cents),
      dealerId: row.dealer_id,
      customerAccountId: row.customer_account_id,
      methodLabel: method ? methodLabel(method) : 'Payment method removed',
      items: (items.get(row.id) ?? []).map((item) => ({ type: item.item_type, id: item.item_id, number: item.number, amountCents: item.amount_cents, state: item.state })),
      paymentId: row.payment_id,
      failureReason: row.failure_reason,
      canceledAt: row.canceled_at ? new Date(row.canceled_at).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  });
}
