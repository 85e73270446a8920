import type { Knex } from 'knex';
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
  type: 'invoice' | 'debit' | 'credit' | 'discount';
  number: string;
  amountCents: number;
  appliedToInvoiceNumber: string | null;
}

/**
 * What happened to the money once a payment ended, for the words beside its amount:
 * `not_charged` — cancelled before any money moved; `refunded` — taken, then given back;
 * `failed` — the charge or debit did not go through; `returned` — the bank sent a debit back.
 * Null while the payment is still moving or when it was paid.
 */
export type MoneyOutcome = 'not_charged' | 'refunded' | 'failed' | 'returned';

export interface PaymentDetail extends PaymentSummary {
  moneyOutcome: MoneyOutcome | null;
  /** The processor's reason for a failure or the ACH return code, as received. */
  failureReason: string | null;
  lines: PaymentLine[];
  events: Array<{ status: PaymentStatus; statusLabel: string; at: string }>;
}

export function methodLabel(row: { kind: string; label: string | null; last4: string; bank_name: string | null; card_brand: string | null; card_funding: string | null }): string {
  if (row.kind === 'ach') return `${row.bank_name ?? row.label ?? 'Bank account'} ····${row.last4}`;
  const funding = row.card_funding && row.card_funding !== 'unknown' ? ` ${row.card_funding}` : '';
  return `${row.card_brand ?? 'Card'}${funding} ····${row.last4}`;
}

const SUMMARY_COLUMNS = [
  'p.id', 'p.number', 'p.status', 'p.method', 'p.items_cents', 'p.credits_cents', 'p.discount_cents', 'p.fee_cents', 'p.amount_cents',
  'p.submitted_at', 'p.settled_at', 'p.dealer_id', 'd.name as dealer_name', 'd.time_zone as dealer_time_zone', 'p.customer_account_id',
  'ca.name as account_name', 'ca.erp_account_id', 'c.name as company_name',
  'pm.kind', 'pm.label', 'pm.last4', 'pm.bank_name', 'pm.card_brand', 'pm.card_funding',
];

/** The company's payments on accounts it can still see. */
export function scopedPayments(db: Knex, companyId: string, accountIds: string[]): Knex.QueryBuilder {
  return db('payments as p')
    .join('dealers as d', 'd.id', 'p.dealer_id')
    .join('customer_accounts as ca', 'ca.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .where('p.company_id', companyId)
    .whereIn('p.customer_account_id', accountIds);
}

export function toSummary(row: Record<string, any>): PaymentSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    statusLabel: CUSTOMER_STATUS_LABEL[row.status as PaymentStatus] ?? row.status,
    method: row.method,
    methodLabel: methodLabel(row as never),
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

export async function listPayments(db: Knex, companyId: string, accountIds: string[], options: { dealerId?: string; limit: number; offset: number }): Promise<{ payments: PaymentSummary[]; total: number }> {
  const base = scopedPayments(db, companyId, accountIds);
  if (options.dealerId) base.where('p.dealer_id', options.dealerId);
  const [rows, counted] = await Promise.all([
    base.clone().select(SUMMARY_COLUMNS).orderBy([{ column: 'p.submitted_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(options.limit).offset(options.offset),
    base.clone().count({ total: '*' }).first(),
  ]);
  return { payments: rows.map(toSummary), total: Number(counted?.total ?? 0) };
}

export async function paymentDetail(db: Knex, companyId: string, accountIds: string[], paymentId: string): Promise<PaymentDetail> {
  const row = await scopedPayments(db, companyId, accountIds).where('p.id', paymentId).first(SUMMARY_COLUMNS);
  if (!row) throw notFound('Payment');
  const [applications, events, outcome] = await Promise.all([
    db('payment_applications as pa')
      .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
      .leftJoin('adjustments as a', 'a.id', 'pa.adjustment_id')
      .leftJoin('statements as s', 's.id', 'pa.statement_id')
      .leftJoin('invoices as ai', 'ai.id', 'pa.applied_to_invoice_id')
      .where('pa.payment_id', paymentId)
      .orderBy('pa.id')
      .select('pa.item_type', 'pa.amount_cents', 'i.invoice_number', 'a.adjustment_number', 's.statement_number', 'ai.invoice_number as applied_to_invoice_number'),
    db('payment_events').where({ payment_id: paymentId }).orderBy([{ column: 'at' }, { column: 'id' }]).select('to_status', 'event', 'at'),
    db('payments').where({ id: paymentId }).first('moov_status', 'failure_reason', 'return_code'),
  ]);
  const order = { invoice: 0, debit: 1, credit: 2, discount: 3 } as const;
  const lines: PaymentLine[] = applications
    .map((application: Record<string, any>) => ({
      type: application.item_type,
      number: application.invoice_number ?? application.adjustment_number ?? application.statement_number ?? '',
      amountCents: application.amount_cents,
      appliedToInvoiceNumber: application.applied_to_invoice_number ?? null,
    }))
    .sort((a: PaymentLine, b: PaymentLine) => order[a.type] - order[b.type]);
  return {
    ...toSummary(row),
    moneyOutcome: moneyOutcome(row.status, outcome?.moov_status ?? null, events.some((event: { event: string }) => event.event === 'dispute_refunded')),
    failureReason: row.status === 'returned' ? outcome?.return_code ?? null : row.status === 'failed' ? outcome?.failure_reason ?? null : null,
    lines,
    events: events.map((event: { to_status: PaymentStatus; at: Date }) => ({ status: event.to_status, statusLabel: CUSTOMER_STATUS_LABEL[event.to_status] ?? event.to_status, at: new Date(event.at).toISOString() })),
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
    default:
      return null;
  }
}
