import type { RequestHandler } from 'express';
import type { Db } from '../../db/connection';
import { countRateLimitHit } from '../../db/rate-limits';
import { HttpError } from '../errors';

/**
 * Per-address limit on the endpoints that guess at credentials or mail reset links. Lock-out
 * stops guessing one account; this stops one client cycling through many accounts or flooding
 * inboxes. Counted in PostgreSQL (db/rate-limits.ts), so every API replica shares one budget
 * and a restart hands out no fresh window; a process-local store serves tests, whose many
 * apps all sign in from the same loopback address. The public API's per-key limit
 * (api/auth/api-key.ts) counts in the same store.
 */

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  store: RateLimitStore;
}

/** Counts a hit against a key and answers the hits in its current window and when that window began. */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<{ hits: number; windowStartedAt: number }>;
}

export function postgresRateLimitStore(db: Db): RateLimitStore {
  return {
    async hit(key, windowMs) {
      const { hits, windowStartedAt } = await countRateLimitHit(db, key, windowMs);
      return { hits, windowStartedAt: windowStartedAt.getTime() };
    },
  };
}

export function memoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, { startedAt: number; count: number }>();
  let lastSweep = Date.now();
  return {
    async hit(key, windowMs) {
      const now = Date.now();
      if (now - lastSweep >= windowMs) {
        lastSweep = now;
        for (const [old, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(old);
      }
      let window = windows.get(key);
      if (!window || now - window.startedAt >= windowMs) {
        window = { startedAt: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      return { hits: window.count, windowStartedAt: window.startedAt };
    },
  };
}

/** Endpoints sharing a budget; sign-in for both kinds of user counts together. */
const BUCKETS: Record<string, string> = {
  '/api/operator/auth/sign-in': 'sign-in',
  '/api/portal/auth/sign-in': 'sign-in',
  '/api/portal/auth/forgot-password': 'password-reset',
  '/api/portal/auth/reset-password': 'password-reset',
  '/api/operator/auth/set-password': 'password-reset',
};

export function authRateLimit({ limit, windowMs, store }: RateLimitOptions): RequestHandler {
  return async (req, res, next) => {
    const bucket = req.method === 'POST' ? BUCKETS[req.path] : undefined;
    if (!bucket) return next();
    try {
      const window = await store.hit(`${bucket}|${req.ip ?? 'unknown'}`, windowMs);
      if (window.hits > limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((window.windowStartedAt + windowMs - Date.now()) / 1000));
        res.setHeader('Retry-After', String(retryAfterSeconds));
        return next(new HttpError(429, 'rate_limited', `Too many attempts from this address. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`));
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
