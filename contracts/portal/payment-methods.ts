import { z } from 'zod';
import { id, timestamp } from '../fields';
import { RELINK_REASONS } from '../../domain/relink-reason';

/** Saved payment methods of the customer's company; card and bank numbers never pass here. */

/**
 * Ids and tokens the processors issue are short ASCII (UUIDs, `public-sandbox-…`); anything
 * else cannot name one, and a lone surrogate in a URL path makes the SDK throw instead of ask.
 */
const processorId = z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'must be an id as the processor issued it');
export const plaidExchangeBody = z.object({ publicToken: processorId, accountId: processorId });
export const saveCardBody = z.object({ cardId: processorId });

export const paymentMethod = z.strictObject({
  id,
  kind: z.enum(['ach', 'card']),
  label: z.string().nullable(),
  last4: z.string(),
  bankName: z.string().nullable(),
  cardBrand: z.string().nullable(),
  cardFunding: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  /** The bank asks the customer to reconnect before this account is debited again (Plaid's webhooks). */
  needsRelink: z.boolean(),
  relinkReason: z.enum(RELINK_REASONS).nullable(),
  createdAt: timestamp,
});
export type PaymentMethod = z.infer<typeof paymentMethod>;

/** Opens Plaid Link: the portal loads `scriptUrl` (Plaid's link-initialize.js) and calls Plaid.create with the token. */
export const plaidLinkToken = z.strictObject({ linkToken: z.string(), expiration: z.string(), scriptUrl: z.string() });
/** Mounts Moov's card-link Drop: `scriptUrl` defines the element; the token may only link cards to `accountId`. */
export const cardSession = z.strictObject({ accountId: z.string(), accessToken: z.string(), expiresInSeconds: z.number(), scriptUrl: z.string() });
export type PlaidLinkToken = z.infer<typeof plaidLinkToken>;
export type CardSession = z.infer<typeof cardSession>;
