import { z } from 'zod';
import { idempotentWrite, type PostingOutcome } from './gl';
import { SpruceError, type SpruceStore, type Tenant } from './store';

/**
 * A debit adjustment created through the tenant API: a charge an outside system puts on a
 * customer's account (Drypowder's returned payment fee). Like a GL line it needs an
 * Idempotency-Key: the same key and body answer the first outcome again and create nothing;
 * the same key with another body is refused. The document number is the caller's, so the
 * adjustment is the same document on both sides; a number already taken under another key
 * is refused with 409 `document_exists`.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const debitAdjustmentInput = z.strictObject({
  id: z.string().trim().min(1).max(64),
  account_id: z.string().trim().min(1).max(64),
  job_id: z.string().trim().min(1).max(64).nullable().default(null),
  kind: z.literal('debit'),
  reason: z.enum(['charge', 'correction', 'finance_charge', 'other']).default('charge'),
  applies_to_invoice_id: z.string().trim().min(1).max(64).nullable().default(null),
  transaction_date: isoDate,
  due_date: isoDate.nullable().default(null),
  amount_cents: z.number().int().positive(),
  description: z.string().max(500).nullable().default(null),
});

export function createDebitAdjustment(store: SpruceStore, tenant: Tenant, idempotencyKey: string | undefined, rawBody: unknown, now = new Date()): PostingOutcome {
  return idempotentWrite(store, tenant, idempotencyKey, rawBody, {
    what: 'created adjustment', schema: debitAdjustmentInput, invalidCode: 'invalid_adjustment',
    apply: (input) => {
      if (!tenant.objects.account.has(input.account_id)) throw new SpruceError(422, 'unknown_account', `Account ${input.account_id} does not exist.`);
      if (tenant.objects.adjustment.has(input.id)) throw new SpruceError(409, 'document_exists', `Adjustment ${input.id} already exists.`);
      return store.upsert(tenant.id, 'adjustment', { ...input, voucher_id: null, balance_cents: input.amount_cents, currency: 'USD', status: 'open' }, now);
    },
  });
}

/**
 * Lifting a credit hold because a payment cleared (Drypowder's pay-to-release). Keyed by
 * Idempotency-Key like every write: the same key and body answer the first outcome again. The
 * payment counts against the balance from now on, so the account's available credit grows by
 * `amount_cents` (the GL posting that follows does not count it again); the hold and its reason
 * are cleared. An account not on hold answers as it is, with its credit moved all the same.
 * A hold placed by hand (`other`) is not lifted for a payment: 409 `hold_not_releasable`.
 */
export const creditHoldReleaseInput = z.strictObject({
  payment_reference: z.string().trim().min(1).max(64),
  amount_cents: z.number().int().positive(),
  reason: z.literal('payment_cleared'),
});

export function releaseCreditHold(store: SpruceStore, tenant: Tenant, accountId: string, idempotencyKey: string | undefined, rawBody: unknown, now = new Date()): PostingOutcome {
  return idempotentWrite(store, tenant, idempotencyKey, rawBody, {
    what: 'credit hold release', schema: creditHoldReleaseInput, invalidCode: 'invalid_release',
    apply: (input) => {
      const account = tenant.objects.account.get(accountId);
      if (!account) throw new SpruceError(422, 'unknown_account', `Account ${accountId} does not exist.`);
      if (account.credit_hold && account.credit_hold_reason === 'other') throw new SpruceError(409, 'hold_not_releasable', `Account ${accountId} is held by the credit department; a payment does not lift it.`);
      const available = account.available_credit_cents === null ? null : account.available_credit_cents + input.amount_cents;
      const released = store.mutate(tenant, 'account', accountId, { credit_hold: false, credit_hold_reason: null, available_credit_cents: available }, now);
      tenant.holdReleases.push({ account_id: accountId, payment_reference: input.payment_reference, amount_cents: input.amount_cents, idempotency_key: idempotencyKey!, released_at: now.toISOString() });
      return released;
    },
  });
}
