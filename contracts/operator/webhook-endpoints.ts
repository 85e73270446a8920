import { z } from 'zod';
import { DOMAIN_EVENT_ENTITIES, DOMAIN_EVENT_TYPES } from '../../domain/domain-events';
import { count, id, timestamp } from '../fields';

/**
 * Settings → Webhooks: the endpoints a dealer's systems receive events at, and what was sent
 * to each (docs/webhooks.md). Admins only: an endpoint receives the dealer's payment data.
 */
export const webhookEventType = z.enum(DOMAIN_EVENT_TYPES);
export const WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export const webhookEndpointStatus = z.enum(WEBHOOK_ENDPOINT_STATUSES);

const url = z.string().trim().min(1, 'give the endpoint\'s URL').max(2000, 'must be at most 2,000 characters');
const eventTypes = z.array(webhookEventType).min(1, 'choose at least one event type').transform((types) => [...new Set(types)]);
const description = z.string().trim().max(200, 'must be at most 200 characters');

export const createWebhookEndpointBody = z.strictObject({
  url,
  description: description.default(''),
  event_types: eventTypes,
});
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const updateWebhookEndpointBody = z.strictObject({
  url: url.optional(),
  description: description.optional(),
  event_types: eventTypes.optional(),
  /** Enabling again forgets the failure run; events from while it was disabled are not sent. */
  status: webhookEndpointStatus.optional(),
}).refine((change) => Object.values(change).some((value) => value !== undefined), 'give at least one of url, description, event_types, status');
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBody>;

export const webhookEndpointRow = z.strictObject({
  id,
  url: z.string(),
  description: z.string(),
  event_types: z.array(webhookEventType),
  /** The start of the secret, to tell which one a receiver holds; the secret itself is shown once. */
  secret_hint: z.string(),
  status: webhookEndpointStatus,
  /** The first failed attempt of the current run of failures; null while the endpoint answers. */
  failing_since: timestamp.nullable(),
  disabled_at: timestamp.nullable(),
  disabled_reason: z.string().nullable(),
  created_at: timestamp,
  created_by_name: z.string().nullable(),
  delivered_count: count,
  failed_count: count,
  pending_count: count,
});
export type WebhookEndpointRow = z.infer<typeof webhookEndpointRow>;

/** The answer to create and roll-secret: the only time the signing secret is shown. */
export const webhookEndpointWithSecret = webhookEndpointRow.extend({ secret: z.string() });

export const webhookEndpointFilter = z.object({});

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const webhookDeliveryFilter = z.object({ status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional() });

export const webhookDeliveryRow = z.strictObject({
  id,
  endpoint_id: id,
  /** The event's id: the same on every attempt and every resend, for the receiver to de-duplicate. */
  event_id: z.string(),
  event_type: webhookEventType,
  entity_type: z.enum(DOMAIN_EVENT_ENTITIES),
  entity_id: id,
  occurred_at: timestamp,
  /** pending: being tried (or waiting for the next try); delivered: answered 2xx; failed: given up on. */
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: count,
  resends: count,
  last_attempt_at: timestamp.nullable(),
  last_status_code: z.number().int().nullable(),
  last_duration_ms: z.number().int().nullable(),
  /** What went wrong on the last attempt: the status and the start of the answer, or the network error. */
  last_error: z.string().nullable(),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
});
export type WebhookDeliveryRow = z.infer<typeof webhookDeliveryRow>;

export const webhookAttemptRow = z.strictObject({
  id: z.string(),
  attempted_at: timestamp,
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  error: z.string().nullable(),
});

export const webhookDeliveryDetail = webhookDeliveryRow.extend({ attempts_log: z.array(webhookAttemptRow) });
