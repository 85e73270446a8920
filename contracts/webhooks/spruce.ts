import { z } from 'zod';
export { spruceWebhookBody } from '../../integrations/spruce';

/**
 * A Spruce change delivery, signed per attempt (Spruce-Tenant-Id, Spruce-Timestamp,
 * Spruce-Signature `v1=<hex HMAC-SHA256 of "timestamp.body">`). The body's schema is the
 * Spruce connector's own change schema (integrations/spruce.ts), shared with the change feed.
 */
export const spruceWebhookTaken = z.union([
  z.strictObject({ status: z.literal('accepted'), first_seq: z.number().int(), last_seq: z.number().int() }),
  z.strictObject({ status: z.literal('duplicate') }),
]);
export const spruceWebhookIgnored = z.strictObject({ status: z.literal('ignored'), code: z.literal('unknown_event_type') });
