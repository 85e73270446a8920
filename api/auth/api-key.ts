import type { Request, RequestHandler } from 'express';
import type { Db } from '../../db/connection';
import { findPresentedApiKey, touchApiKey } from '../../db/api-keys';
import { scopeAllowsWrite, type ApiKeyScope } from '../../domain/api-keys';
import { HttpError } from '../errors';
import { tagged } from './middleware';
import type { RateLimitOptions } from './rate-limit';

/**
 * The public API's login: `Authorization: Bearer <key>`, a dealer's API key (docs/api-v1.md).
 * No cookie and no CSRF token: a browser never sends the header by itself. Every key has its
 * own request budget per window, answered in `X-RateLimit-*` headers.
 */
export interface ApiClientContext {
  keyId: string;
  dealerId: string;
  scope: ApiKeyScope;
  prefix: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    apiClient?: ApiClientContext;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export const apiClientOf = (req: Request): ApiClientContext => {
  if (!req.apiClient) throw new HttpError(401, 'unauthenticated', 'Send your API key as `Authorization: Bearer <key>`.');
  return req.apiClient;
};

export function requireApiKey(db: Db, limits: RateLimitOptions): RequestHandler {
  return tagged(async (req, res, next) => {
    try {
      const header = req.get('authorization');
      if (!header) throw new HttpError(401, 'unauthenticated', 'Send your API key as `Authorization: Bearer <key>`.');
      const token = BEARER.exec(header)?.[1];
      if (!token) throw new HttpError(401, 'unauthenticated', 'The Authorization header must be `Bearer <key>`.');
      const key = await findPresentedApiKey(db, token);
      if (!key) throw new HttpError(401, 'invalid_api_key', 'This API key is not valid. Check it was copied whole, or ask an admin for a new one in Settings → API keys.');
      if (key.revoked_at) throw new HttpError(401, 'api_key_revoked', `API key ${key.prefix} was revoked on ${key.revoked_at.toISOString()}; ask an admin for a new one in Settings → API keys.`);
      const counted = await limits.store.hit(`api-key|${key.id}`, limits.windowMs);
      const resetSeconds = Math.max(1, Math.ceil((counted.windowStartedAt + limits.windowMs - Date.now()) / 1000));
      res.setHeader('X-RateLimit-Limit', String(limits.limit));
      res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limits.limit - counted.hits)));
      res.setHeader('X-RateLimit-Reset', String(resetSeconds));
      if (counted.hits > limits.limit) {
        res.setHeader('Retry-After', String(resetSeconds));
        throw new HttpError(429, 'rate_limited', `API key ${key.prefix} made more than ${limits.limit} requests in ${Math.round(limits.windowMs / 1000)} seconds; try again in ${resetSeconds} second(s).`);
      }
      await touchApiKey(db, key.id);
      req.apiClient = { keyId: key.id, dealerId: key.dealer_id, scope: key.scope, prefix: key.prefix };
      next();
    } catch (error) {
      next(error);
    }
  }, { kind: 'api_key' });
}

/** Writes need a key with the write scope; shown in the route inventory as the `scope:write` role. */
export function requireWriteScope(): RequestHandler {
  return tagged((req, _res, next) => {
    const client = req.apiClient;
    if (!client) return next(new HttpError(401, 'unauthenticated', 'Send your API key as `Authorization: Bearer <key>`.'));
    if (!scopeAllowsWrite(client.scope)) return next(new HttpError(403, 'insufficient_scope', `API key ${client.prefix} is read-only; this request needs a key with the write scope.`));
    next();
  }, { kind: 'role', roles: ['scope:write'] });
}
