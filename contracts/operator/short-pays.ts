import { z } from 'zod';
import { SHORT_PAY_NOTE_MAX, SHORT_PAY_REASONS, SHORT_PAY_RESOLUTIONS } from '../../domain/short-pay';
import { cents, guid, id, oneOrMany, timestamp } from '../fields';

/**
 * The short-pay worklist (docs/short-pays.md): invoices and debits a customer paid only in
 * part, with the reason they gave, until an operator resolves the claim.
 */

export const SHORT_PAY_STATUSES = ['open', 'resolved'] as const;

export const shortPayFilter = z.object({
  status: oneOrMany(z.enum(SHORT_PAY_STATUSES)).optional(),
  reason: oneOrMany(z.enum(SHORT_PAY_REASONS)).optional(),
  customer_account_id: guid.optional(),
  payment_id: guid.optional(),
  id: oneOrMany(guid).optional(),
});

export const shortPay = z.strictObject({
  id,
  status: z.enum(SHORT_PAY_STATUSES),
  reason: z.enum(SHORT_PAY_REASONS),
  reason_label: z.string(),
  note: z.string().nullable(),
  item_type: z.enum(['invoice', 'debit']),
  item_id: id,
  item_number: z.string(),
  job_name: z.string().nullable(),
  /** What the item had left to pay when the customer paid part of it. */
  open_before_cents: cents,
  paid_cents: cents,
  /** The amount in question: open before, less what was paid. */
  short_cents: cents,
  payment_id: id,
  payment_number: z.string(),
  payment_status: z.string(),
  customer_account_id: id,
  customer_name: z.string(),
  erp_account_id: z.string(),
  resolution: z.enum(SHORT_PAY_RESOLUTIONS).nullable(),
  resolution_label: z.string().nullable(),
  resolution_note: z.string().nullable(),
  resolved_by_name: z.string().nullable(),
  resolved_at: timestamp.nullable(),
  created_at: timestamp,
});
export type ShortPay = z.infer<typeof shortPay>;

export const resolveShortPayBody = z.strictObject({
  resolution: z.enum(SHORT_PAY_RESOLUTIONS),
  note: z.string().trim().max(SHORT_PAY_NOTE_MAX).optional(),
});
