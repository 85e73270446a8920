import { z } from 'zod';
import { paymentStatusSchema } from '../../domain/payment-status-schema';
import { boolFilter, calendarDate, cents, day, guid, id, idFilter, oneOrMany, timestamp } from '../fields';

/** What the dealer's customers owe, as the ERP sent it: invoices, adjustments, statements. */

export const invoiceFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(['open', 'partially_paid', 'paid', 'void'])).optional(),
  customer_account_id: guid.optional(),
  job_id: guid.optional(),
  statement_id: guid.optional(),
  due_date_gte: calendarDate.optional(),
  due_date_lte: calendarDate.optional(),
  past_due: boolFilter.optional(),
  id: idFilter.optional(),
});

export const adjustmentFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(['credit', 'debit']).optional(),
  status: oneOrMany(z.enum(['open', 'partially_applied', 'applied', 'void'])).optional(),
  reason: oneOrMany(z.enum(['credit', 'discount', 'write_off', 'charge', 'correction', 'finance_charge', 'other'])).optional(),
  customer_account_id: guid.optional(),
  id: idFilter.optional(),
});

export const statementFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(['open', 'paid', 'closed'])).optional(),
  customer_account_id: guid.optional(),
  id: idFilter.optional(),
});

/** A payment that applied money to an invoice or an adjustment. */
export const itemApplication = z.strictObject({
  id: z.number().int(),
  amount_cents: cents,
  state: z.string(),
  item_type: z.string(),
  payment_id: id,
  payment_number: z.string(),
  payment_status: paymentStatusSchema,
  method: z.enum(['ach', 'card']),
  submitted_at: timestamp,
});

export const invoiceRow = z.strictObject({
  id,
  invoice_number: z.string(),
  invoice_date: day.nullable(),
  due_date: day.nullable(),
  amount_cents: cents,
  balance_cents: cents,
  reserved_cents: cents,
  status: z.enum(['open', 'partially_paid', 'paid', 'void']),
  po_number: z.string().nullable(),
  customer_account_id: id,
  customer_name: z.string(),
  erp_account_id: z.string(),
  job_id: id.nullable(),
  job_name: z.string().nullable(),
  erp_job_id: z.string().nullable(),
  statement_id: id.nullable(),
  days_past_due: z.number().int(),
});
export type InvoiceRow = z.infer<typeof invoiceRow>;

export const invoiceDetail = invoiceRow.extend({
  statement_number: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  payments: z.array(itemApplication),
});
export type InvoiceDetail = z.infer<typeof invoiceDetail>;

export const adjustmentRow = z.strictObject({
  id,
  adjustment_number: z.string(),
  kind: z.enum(['credit', 'debit']),
  reason: z.string().nullable(),
  voucher_id: z.string().nullable(),
  applies_to_invoice_number: z.string().nullable(),
  transaction_date: day.nullable(),
  due_date: day.nullable(),
  amount_cents: cents,
  balance_cents: cents,
  reserved_cents: cents,
  status: z.enum(['open', 'partially_applied', 'applied', 'void']),
  description: z.string().nullable(),
  currency: z.string().nullable(),
  customer_account_id: id,
  customer_name: z.string(),
  erp_account_id: z.string(),
  job_id: id.nullable(),
  job_name: z.string().nullable(),
  statement_id: id.nullable(),
});

export const adjustmentDetail = adjustmentRow.extend({
  created_at: timestamp,
  updated_at: timestamp,
  payments: z.array(itemApplication),
});

export const statementRow = z.strictObject({
  id,
  statement_number: z.string(),
  statement_date: day,
  balance_cents: cents,
  discount_cents: cents,
  discount_date: day.nullable(),
  due_date: day.nullable(),
  status: z.enum(['open', 'paid', 'closed']),
  customer_account_id: id,
  customer_name: z.string(),
  erp_account_id: z.string(),
});

export const statementDetail = statementRow.extend({
  items: z.array(z.strictObject({
    id: z.number().int(),
    item_type: z.string(),
    amount_cents: cents,
    invoice_id: id.nullable(),
    adjustment_id: id.nullable(),
    document_number: z.string().nullable(),
    due_date: day.nullable(),
  })),
});
