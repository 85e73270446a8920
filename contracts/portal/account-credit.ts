import { z } from 'zod';
import { cents, id } from '../fields';

/** Applying the account's unapplied credit from the portal's Pay page (docs/unapplied-credit.md). */
export const portalApplyCreditBody = z.strictObject({
  dealerId: z.string().uuid(),
  customerAccountId: z.string().uuid(),
  invoiceIds: z.array(z.string().uuid()).min(1, 'choose at least one invoice').max(500),
  /** All that fits (up to the balance) when left out. */
  amountCents: z.number().int().positive().optional(),
});

export const portalCreditApplied = z.strictObject({
  appliedCents: cents,
  balanceCents: cents,
  invoices: z.array(z.strictObject({ invoiceId: id, amountCents: cents })),
});
