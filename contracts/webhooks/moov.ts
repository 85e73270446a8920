import { z } from 'zod';

/**
 * A Moov webhook delivery: signed with HMAC-SHA512 over timestamp|nonce|webhookID in the
 * X-Signature, X-Timestamp, X-Nonce and X-Webhook-ID headers (the body is not signed).
 * integrations/moov-webhooks.ts reads the body; this is its shape.
 */
export const moovWebhookBody = z.object({
  eventID: z.string(),
  type: z.string(),
  createdOn: z.string().meta({ format: 'date-time' }),
  data: z.record(z.string(), z.unknown()),
});

/** 200 for news taken or seen before, 202 for an event we cannot use (Moov stops redelivering). */
export const moovWebhookTaken = z.strictObject({ status: z.enum(['accepted', 'duplicate', 'progress_noted']) });
export const moovWebhookSetAside = z.union([
  z.strictObject({ status: z.literal('ignored'), code: z.literal('unknown_event_type') }),
  z.strictObject({ status: z.literal('no_payment') }),
]);
