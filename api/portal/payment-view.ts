import type { Db } from '../../db/connection';
import type { PortalScope } from '../../db/portal-scope';
import { portalPayment, portalPaymentPage, type PortalPaymentRow } from '../../db/payments';
import { methodLabel } from '../../domain/payment-method-label';
import type { ApplicationItemType } from '../../domain/payment-quote';
import { LINE_ORDER } from '../../domain/application-lines';
import type { PaymentStatus } from '../../domain/payment-status';
import { notFound } from '../errors';

/**
 * A payment as its payer sees it: history rows, the detail page and the receipt all read
 * from here, so the three always show the same numbers — the payment row's own, which are
 * also what the operator console shows.
 */
export type { PaymentStatus };

/** Words for customers: an operator's review hold reads as "under review", not "frozen". */
export const CUSTOMER_STATUS_LABEL: Record<PaymentStatus, string> = {
  pending: 'Processing',
  settled: 'Paid',
  frozen: 'Under review',
  terminated: 'Cancelled',
  failed: 'Failed',
  returned: 'Returned by the bank',
  disputed: 'Disputed',
  refunded: 'Refunded',
  charged_back: 'Reversed by your card issuer',
};

export interface PaymentSummary {
  id: string;
  number: string;
  status: PaymentStatus;
  statusLabel: string;
  method: 'ach' | 'card';
  methodLabel: string;
  itemsCents: number;
  creditsCents: number;
  discountCents: number;
  feeCents: number;
  amountCents: number;
  submittedAt: string;
  settledAt: string | null;
  dealerId: string;
  dealerName: string;
  dealerTimeZone: string;
  customerAccountId: string;
  accountName: string;
  erpAccountId: string;
  companyName: string;
}

export interface PaymentLine {
  type: ApplicationItemType;
  number: string;
  amountCents: number;
  appliedToInvoiceNumber: string | null;
  invoiceId: string | null;
}

/**
 * What happened to the money once a payment ended, for the words beside its amount:
 * `not_charged` — cancelled before any money moved; `refunded` — taken, then given back;
 * `failed` — the charge or debit did not go through; `returned` — the bank sent a debit back;
 * `charged_back` — the card issuer took the charge back after a dispute.
 * Null while the payment is still moving or when it was paid.
 */
export type MoneyOutcome = 'not_charged' | 'refunded' | 'failed' | 'returned' | 'charged_back';

export interface PaymentDetail extends PaymentSummary {
  moneyOutcome: MoneyOutcome | null;
  /** The processor's reason for a failure or the ACH return code, as received. */
  failureReason: string | null;
  lines: PaymentLine[];
  events: Array<{ status: PaymentStatus; statusLabel: string; at: string }>;
}

export function toSummary(row: PortalPaymentRow): PaymentSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    statusLabel: CUSTOMER_STATUS_LABEL[row.status as PaymentStatus] ?? row.status,
    method: row.method,
    methodLabel: methodLabel(row),
    itemsCents: row.items_cents,
    creditsCents: row.credits_cents,
    discountCents: row.discount_cents,
    feeCents: row.fee_cents,
    amountCents: row.amount_cents,
    submittedAt: new Date(row.submitted_at).toISOString(),
    settledAt: row.settled_at ? new Date(row.settled_at).toISOString() : null,
    dealerId: row.dealer_id,
    dealerName: row.dealer_name,
    dealerTimeZone: row.dealer_time_zone,
    customerAccountId: row.customer_account_id,
    accountName: row.account_name,
    erpAccountId: row.erp_account_id,
    companyName: row.company_name,
  };
}

export async function listPayments(db: Db, scope: PortalScope, options: { dealerId?: string; limit: number; offset: number }): Promise<{ payments: PaymentSummary[]; total: number }> {
  const { rows, total } = await portalPaymentPage(db, scope, options);
  return { payments: rows.map(toSummary), total };
}

export async function paymentDetail(db: Db, scope: PortalScope, paymentId: string): Promise<PaymentDetail> {
  const found = await portalPayment(db, scope, paymentId);
  if (!found) throw notFound('Payment');
  const { row, applications, events, outcome } = found;
  const lines: PaymentLine[] = applications
    .map((application) => ({
      type: application.item_type,
      number: application.invoice_number ?? application.adjustment_number ?? application.statement_number ?? '',
      amountCents: application.amount_cents,
      appliedToInvoiceNumber: application.applied_to_invoice_number ?? null,
      invoiceId: application.item_type === 'invoice' ? application.invoice_id ?? null : null,
    }))
    .sort((a: PaymentLine, b: PaymentLine) => LINE_ORDER[a.type] - LINE_ORDER[b.type]);
  return {
    ...toSummary(row),
    moneyOutcome: moneyOutcome(row.status, outcome?.moov_status ?? null, events.some((event) => event.event === 'dispute_refunded')),
    failureReason: row.status === 'returned' ? outcome?.return_code ?? null : row.status === 'failed' ? outcome?.failure_reason ?? null : null,
    lines,
    events: events.map((event) => ({ status: event.to_status, statusLabel: CUSTOMER_STATUS_LABEL[event.to_status] ?? event.to_status, at: new Date(event.at).toISOString() })),
  };
}

/**
 * A terminated payment was either cancelled at the processor before money moved or refunded
 * after it had (terminatePayment records which as `moov_status`: "canceled (…)" or
 * "refunded (…)"; "not submitted" when it never reached the processor); a dispute resolved
 * as refunded ends terminated too.
 */
export function moneyOutcome(status: PaymentStatus, moovStatus: string | null, disputeRefunded: boolean): MoneyOutcome | null {
  switch (status) {
    case 'terminated':
      return disputeRefunded || (moovStatus ?? '').startsWith('refunded') ? 'refunded' : 'not_charged';
    case 'failed':
      return 'failed';
    case 'returned':
      return 'returned';
    case 'refunded':
      return 'refunded';
    case 'charged_back':
      return 'charged_back';
    default:
      return null;
  }
}
