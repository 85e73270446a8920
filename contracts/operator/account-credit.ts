import { z } from 'zod';
import { CREDIT_ENTRY_KINDS } from '../../domain/account-credit';
import { cents, guid, id, timestamp } from '../fields';

/**
 * A customer account's unapplied (on-account) credit (docs/unapplied-credit.md): its balance, the
 * ledger behind it, and applying it to open invoices. The portal's apply uses the same body
 * with the account named.
 */

export const creditEntry = z.strictObject({
  id,
  kind: z.enum(CREDIT_ENTRY_KINDS),
  kind_label: z.string(),
  /** Signed: credit in (+), applied or taken back (−). */
  amount_cents: cents,
  payment_id: id,
  payment_number: z.string(),
  invoice_id: id.nullable(),
  invoice_number: z.string().nullable(),
  actor_kind: z.enum(['system', 'operator', 'customer']),
  note: z.string().nullable(),
  created_at: timestamp,
});
export type CreditEntryView = z.infer<typeof creditEntry>;

export const accountCredit = z.strictObject({
  customer_account_id: id,
  balance_cents: cents,
  entries: z.array(creditEntry),
});
export type AccountCreditView = z.infer<typeof accountCredit>;

export const applyCreditBody = z.strictObject({
  invoice_ids: z.array(guid).min(1, 'choose at least one invoice').max(500),
  /** How much to apply; all that fits (up to the balance) when left out. */
  amount_cents: z.number().int().positive().optional(),
  note: z.string().trim().max(500).optional(),
});

export const creditApplied = z.strictObject({
  applied_cents: cents,
  balance_cents: cents,
  settlement_number: z.string(),
  invoices: z.array(z.strictObject({ invoice_id: id, amount_cents: cents })),
});
export type CreditApplied = z.infer<typeof creditApplied>;

export const CREDIT_KIND_LABELS: Record<(typeof CREDIT_ENTRY_KINDS)[number], string> = {
  overpayment: 'Paid on account',
  paid_elsewhere: 'Invoice paid another way',
  application: 'Applied to invoice',
  application_reversed: 'Application undone (payment returned)',
  credit_reversed: 'Taken back (payment returned)',
};
