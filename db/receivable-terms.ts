import type { InvoiceTerms } from '../domain/terms-discount';

/** An invoice row's cash-discount terms (migration 049), or null when the ERP sent none. */
export function invoiceTerms(row: { terms?: string | null; terms_discount_cents?: string | number | null; terms_discount_date?: string | null }): InvoiceTerms | null {
  if (row.terms_discount_cents == null || !row.terms_discount_date) return null;
  return { terms: row.terms ?? null, discountCents: Number(row.terms_discount_cents), discountDate: row.terms_discount_date };
}
