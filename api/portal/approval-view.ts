import type { Db } from '../../db/connection';
import { approvalItems, approvalParties, type PaymentApprovalRow } from '../../db/payment-approvals';
import { PAYMENT_APPROVAL_STATUS_LABELS, type CompanyRole } from '../../domain/company-roles';
import type { PaymentApproval } from '../../contracts/portal/company-roles';

/** Approvals as the portal shows them, with the requester, the supplier and the items held. */
export async function approvalViews(db: Db, rows: PaymentApprovalRow[], viewer: { role: CompanyRole }): Promise<PaymentApproval[]> {
  if (rows.length === 0) return [];
  const [items, { dealers, users }] = await Promise.all([approvalItems(db, rows.map((row) => row.id)), approvalParties(db, rows)]);
  const dealerName = new Map(dealers.map((dealer) => [dealer.id, dealer.name]));
  const user = new Map(users.map((found) => [found.id, found]));
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    statusLabel: PAYMENT_APPROVAL_STATUS_LABELS[row.status],
    dealerId: row.dealer_id,
    dealerName: dealerName.get(row.dealer_id) ?? '',
    customerAccountId: row.customer_account_id,
    amountCents: Number(row.quoted_amount_cents),
    thresholdCents: Number(row.threshold_cents),
    requestedBy: user.get(row.requested_by) ?? { id: row.requested_by, name: '', email: '' },
    items: (items.get(row.id) ?? []).map((item) => ({ type: item.item_type, id: (item.invoice_id ?? item.adjustment_id)!, number: item.number, amountCents: Number(item.amount_cents) })),
    expiresAt: new Date(row.expires_at).toISOString(),
    decidedAt: iso(row.decided_at),
    declineReason: row.decline_reason,
    failureReason: row.failure_reason,
    paymentId: row.payment_id,
    scheduledFor: row.scheduled_for,
    scheduledPaymentId: row.scheduled_payment_id,
    createdAt: new Date(row.created_at).toISOString(),
    canDecide: viewer.role === 'owner' && row.status === 'awaiting_approval',
  }));
}
