import type { Request, RequestHandler } from 'express';
import type { Db } from '../../db/connection';
import { findPresentedApiKey, touchApiKey } from '../../db/api-keys';
import { scopeAllowsWrite, type ApiKeyScope } from '../../domain/api-keys';
import { HttpError } from '../errors';
import { tagged } from './middleware';
import { fixedWindowCounter, type RateLimitOptions } from './rate-limit';

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
  const count = fixedWindowCounter(limits);
  return tagged(async (req, res, next) => {
    try {
      const header = req.get('authorization');
      if (!header) throw new HttpError(401, 'unauthenticated', 'Send your API key as `Authorization: Bearer <key>`.');
      const token = BEARER.exec(header)?.[1];
      if (!token) throw new HttpError(401, 'unauthenticated', 'The Authorization header must be `Bearer <key>`.');
      const key = await findPresentedApiKey(db, token);
      if (!key) throw new HttpError(401, 'invalid_api_key', 'This API key is not valid. Check it was copied whole, or ask an admin for a new one in Settings → API keys.');
      if (key.revoked_at) throw new HttpError(401, 'api_key_revoked', `API key ${key.prefix} was revoked on ${key.revoked_at.toISOString()}; ask an admin for a new one in Settings → API keys.`);
      const window = count(key.id);
      res.setHeader('X-RateLimit-Limit', String(limits.limit));
      res.setHeader('X-RateLimit-Remaining', String(window.remaining));
      res.setHeader('X-RateLimit-Reset', String(window.resetSeconds));
      if (!window.allowed) {
        res.setHeader('Retry-After', String(window.resetSeconds));
        throw new HttpError(429, 'rate_limited', `API key ${key.prefix} made more than ${limits.limit} requests in ${Math.round(limits.windowMs / 1000)} seconds; try again in ${window.resetSeconds} second(s).`);
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
