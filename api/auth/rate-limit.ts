import type { RequestHandler } from 'express';
import { HttpError } from '../errors';

/**
 * Per-address limit on the endpoints that guess at credentials or mail reset links. Lock-out
 * stops guessing one account; this stops one client cycling through many accounts or flooding
 * inboxes. In memory: one API process, and a restart only hands an attacker a fresh window.
 * The public API's per-key limit (api/auth/api-key.ts) counts with the same windows.
 */

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/** Endpoints sharing a budget; sign-in for both kinds of user counts together. */
const BUCKETS: Record<string, string> = {
  '/api/operator/auth/sign-in': 'sign-in',
  '/api/portal/auth/sign-in': 'sign-in',
  '/api/portal/auth/forgot-password': 'password-reset',
  '/api/portal/auth/reset-password': 'password-reset',
  '/api/operator/auth/set-password': 'password-reset',
};

interface Window {
  startedAt: number;
  count: number;
}

export interface WindowCount {
  allowed: boolean;
  /** Requests left in this window. */
  remaining: number;
  /** Seconds until the window starts afresh. */
  resetSeconds: number;
}

/** Fixed windows per key (an address and bucket, an API key): counts one request and says whether it is within the limit. */
export function fixedWindowCounter({ limit, windowMs }: RateLimitOptions): (key: string, now?: number) => WindowCount {
  const windows = new Map<string, Window>();
  let lastSweep = Date.now();

  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key);
  };

  return (key, now = Date.now()) => {
    sweep(now);
    let window = windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, remaining: Math.max(0, limit - window.count), resetSeconds: Math.ceil((window.startedAt + windowMs - now) / 1000) };
  };
}

export function authRateLimit(options: RateLimitOptions): RequestHandler {
  const count = fixedWindowCounter(options);
  return (req, res, next) => {
    const bucket = req.method === 'POST' ? BUCKETS[req.path] : undefined;
    if (!bucket) return next();
    const window = count(`${bucket}|${req.ip ?? 'unknown'}`);
    if (!window.allowed) {
      res.setHeader('Retry-After', String(window.resetSeconds));
      return next(new HttpError(429, 'rate_limited', `Too many attempts from this address. Try again in ${Math.ceil(window.resetSeconds / 60)} minute(s).`));
    }
    next();
  };
}
