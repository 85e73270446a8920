import type { RequestHandler } from 'express';
import { HttpError } from '../errors';

/**
 * Per-address limit on the endpoints that guess at credentials or mail reset links. Lock-out
 * stops guessing one account; this stops one client cycling through many accounts or flooding
 * inboxes. In memory: one API process, and a restart only hands an attacker a fresh window.
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

export function authRateLimit({ limit, windowMs }: RateLimitOptions): RequestHandler {
  const windows = new Map<string, Window>();
  let lastSweep = Date.now();

  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key);
  };

  return (req, res, next) => {
    const bucket = req.method === 'POST' ? BUCKETS[req.path] : undefined;
    if (!bucket) return next();
    const now = Date.now();
    sweep(now);
    const key = `${bucket}|${req.ip ?? 'unknown'}`;
    let window = windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit) {
      const retryAfterSeconds = Math.ceil((window.startedAt + windowMs - now) / 1000);
      res.setHeader('Retry-After', String(retryAfterSeconds));
      return next(new HttpError(429, 'rate_limited', `Too many attempts from this address. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`));
    }
    next();
  };
}
