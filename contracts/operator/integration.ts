import { z } from 'zod';
import { timestamp } from '../fields';

/** The Integration page: the dealer's mode and, for Spruce dealers, the real-time sync's health. */

export const integrationStatus = z.strictObject({
  id: z.literal('integration'),
  mode: z.enum(['spruce', 'file']),
  spruce: z.strictObject({ base_url: z.string().nullable(), tenant_id: z.string().nullable(), api_key_set: z.boolean() }).nullable(),
  connection: z.strictObject({
    ok: z.boolean(), checked_at: timestamp, latency_ms: z.number().int().nullable(), head_seq: z.number().int().nullable(), error: z.string().nullable(),
  }).optional(),
  sync: z.strictObject({
    status: z.string(),
    cursor: z.number().int(),
    head_seq: z.number().int().nullable(),
    behind_by: z.number().int().nullable(),
    lag_ms: z.number().nullable(),
    last_synced_at: timestamp.nullable(),
    last_event_at: timestamp.nullable(),
    last_error: z.string().nullable(),
    last_error_at: timestamp.nullable(),
    events_applied: z.number().int(),
    rows_skipped: z.number().int(),
    resync_requested_at: timestamp.nullable(),
  }).nullable(),
});
export type IntegrationStatus = z.infer<typeof integrationStatus>;

export const resyncAnswer = z.strictObject({ id: z.literal('integration'), status: z.literal('resync_requested'), message: z.string() });
export type ResyncAnswer = z.infer<typeof resyncAnswer>;
