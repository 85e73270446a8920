import { z } from 'zod';
import { API_KEY_SCOPES } from '../../domain/api-keys';
import { id, timestamp } from '../fields';

/** Settings → API keys: the dealer's keys for its own systems (/api/v1). Admins only. */

export const apiKeyScope = z.enum(API_KEY_SCOPES);

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1, 'give the key a name').max(100),
  scope: apiKeyScope,
});
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

/** A key as the console lists it: never its secret, only the public prefix. */
export const apiKeyRow = z.strictObject({
  id,
  name: z.string(),
  scope: apiKeyScope,
  /** The public part of the key (`dpk_<prefix>_…`), to tell keys apart. */
  prefix: z.string(),
  created_at: timestamp,
  created_by_name: z.string().nullable(),
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  revoked_by_name: z.string().nullable(),
  /** The key this one replaced when it was rotated. */
  rotated_from: id.nullable(),
});
export type ApiKeyRow = z.infer<typeof apiKeyRow>;

/** The answer to create and rotate: the only time the secret is ever shown. */
export const issuedApiKey = apiKeyRow.extend({ secret: z.string() });
export type IssuedApiKey = z.infer<typeof issuedApiKey>;

export const apiKeyFilter = z.object({});
