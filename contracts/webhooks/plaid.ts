import { z } from 'zod';

/**
 * A Plaid webhook delivery: JSON signed by the `Plaid-Verification` header, an ES256 JWT whose
 * claims carry the body's SHA-256 (integrations/plaid-webhooks.ts checks it). Drypowder reads
 * the item webhooks (`webhook_type` ITEM); every field beyond these three is Plaid's own.
 */
export const plaidWebhookBody = z.looseObject({
  webhook_type: z.string(),
  webhook_code: z.string(),
  item_id: z.string(),
  environment: z.string().optional(),
});

/** Always 200 once verified: what the webhook did to the item's saved bank accounts. */
export const PLAID_WEBHOOK_OUTCOMES = ['ignored', 'unknown_item', 'relink_required', 'relink_cleared', 'unchanged'] as const;
export type PlaidWebhookOutcome = (typeof PLAID_WEBHOOK_OUTCOMES)[number];
export const plaidWebhookTaken = z.strictObject({ status: z.enum(PLAID_WEBHOOK_OUTCOMES) });
