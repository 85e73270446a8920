import { z } from 'zod';
import { guid, instantOrDate, oneOrMany, timestamp } from '../fields';

/** The dealer's append-only audit log. */

export const ACTOR_KINDS = ['operator', 'customer', 'system', 'processor', 'erp', 'api_key', 'platform'] as const;

export const auditFilter = z.object({
  entity_type: oneOrMany(z.string().trim().min(1).max(60)).optional(),
  entity_id: z.string().trim().min(1).max(100).optional(),
  // Everything recorded about one account: the account itself, or events that name it.
  customer_account_id: guid.optional(),
  action: oneOrMany(z.string().trim().min(1).max(100)).optional(),
  actor_kind: oneOrMany(z.enum(ACTOR_KINDS)).optional(),
  at_gte: instantOrDate.optional(),
  at_lte: instantOrDate.optional(),
  id: z.union([z.coerce.number().int().positive(), z.array(z.coerce.number().int().positive()).max(1000)]).optional(),
});

export const auditEvent = z.strictObject({
  id: z.number().int(),
  at: timestamp,
  actor_kind: z.enum(ACTOR_KINDS),
  actor_id: z.string().nullable(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  data: z.unknown(),
  actor_name: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEvent>;
