import { stringify } from 'csv-stringify/sync';
import { centsToDecimal } from '../../domain/money';
import type { GeneratedBook } from './book';

/**
 * The same book as a file-based dealer's ERP would export it, in the upload formats of
 * docs/csv-formats.md: one file per data type, snake_case headers, plain decimal amounts.
 */
export function bookAsCsvFiles(book: GeneratedBook): Record<string, string> {
  const csv = (header: string[], rows: unknown[][]) => stringify([header, ...rows]);
  const jobName = new Map(book.jobs.map((job) => [job.id, job.name]));
  const money = (cents: number | undefined) => centsToDecimal(cents ?? 0);
  return {
    'accounts.csv': csv(
      ['account_id', 'name', 'account_type', 'status', 'credit_limit', 'address_line1', 'city', 'state', 'postal_code', 'phone'],
      book.accounts.map((a) => [a.id, a.name, a.account_type ?? 'credit', a.status ?? 'active', a.credit_limit_cents == null ? '' : money(a.credit_limit_cents), a.address_line1 ?? '', a.city ?? '', a.state ?? '', a.postal_code ?? '', a.phone ?? '']),
    ),
    'contacts.csv': csv(
      ['contact_id', 'account_id', 'name', 'email', 'phone', 'role', 'is_primary'],
      book.contacts.map((c) => [c.id, c.account_id, c.name, c.email ?? '', c.phone ?? '', c.role ?? '', c.is_primary ? 'yes' : 'no']),
    ),
    'invoices.csv': csv(
      ['account_id', 'invoice_id', 'invoice_date', 'due_date', 'amount', 'outstanding_amount', 'currency', 'status', 'po_number', 'job_id', 'job_name'],
      book.invoices.map((i) => [i.account_id, i.id, i.invoice_date, i.due_date, money(i.amount_cents), money(i.balance_cents), 'USD', i.status ?? 'open', i.po_number ?? '', i.job_id ?? '', i.job_id ? jobName.get(i.job_id) ?? '' : '']),
    ),
    'adjustments.csv': csv(
      ['account_id', 'adjustment_id', 'type', 'amount', 'outstanding_amount', 'currency', 'reason', 'transaction_date', 'payment_due_date', 'voucher_id', 'adjustment_invoice_id', 'job_id', 'job_name', 'description'],
      book.adjustments.map((a) => [a.account_id, a.id, a.kind, money(a.amount_cents), money(a.balance_cents), 'USD', a.reason ?? 'other', a.transaction_date ?? '', a.due_date ?? '', a.voucher_id ?? '', a.applies_to_invoice_id ?? '', a.job_id ?? '', a.job_id ? jobName.get(a.job_id) ?? '' : '', a.description ?? '']),
    ),
  };
}
