import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, sweepIdempotencyKeys } from '../../db/api-idempotency';
import type { Db } from '../../db/connection';
import { IDEMPOTENCY_KEY_PATTERN } from '../../contracts/v1/common';
import { logger } from '../../runtime/logger';
import { apiClientOf } from '../auth/api-key';
import { HttpError } from '../errors';

/**
 * `Idempotency-Key` on every POST of the public API (docs/api-v1.md, "Idempotency"). The
 * request is hashed (method, path with query, body with its keys sorted, so key order does not
 * matter); db/api-idempotency.ts keeps the first answer. Answers of 4xx are kept like any
 * other, so a retry is told the same; a 5xx frees the key so a retry runs again.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}

/** No body of this API nests deeper than a few levels; past this a body is refused before it is hashed. */
export const MAX_BODY_DEPTH = 64;

/** How deep a JSON value nests, counted without recursion, so no body can exhaust the stack. */
function deeperThan(root: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push([item, depth + 1]);
  }
  return false;
}

export const requestHash = (method: string, url: string, body: unknown) =>
  createHash('sha256').update(JSON.stringify([method, url, canonical(body ?? null)])).digest('hex');

/** The request's Idempotency-Key, refused when missing or malformed; a route may check it before reading a large body. */
export function idempotencyKeyOf(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined) throw new HttpError(400, 'idempotency_key_required', 'Every POST needs an Idempotency-Key header: one value per operation, reused only when retrying it.');
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 8–200 characters of A-Z a-z 0-9 . _ : -');
  return key;
}

const SWEEP_EVERY_MS = 60 * 60 * 1000;

export function idempotentPost(db: Db): RequestHandler {
  let lastSweep = 0;
  return async (req, res, next) => {
    try {
      if (req.method !== 'POST') return next();
      const client = apiClientOf(req);
      const key = idempotencyKeyOf(req);
      if (deeperThan(req.body, MAX_BODY_DEPTH)) throw new HttpError(400, 'body_too_deep', `The request body nests deeper than ${MAX_BODY_DEPTH} levels; no request of this API needs that.`);

      // Housekeeping would be the natural home; until it sweeps this table, the API does, at most hourly.
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        sweepIdempotencyKeys(db).catch((error) => logger.warn({ err: error }, 'sweeping idempotency keys failed'));
      }

      const claim = await claimIdempotencyKey(db, {
        dealerId: client.dealerId, apiKeyId: client.keyId, key, method: req.method, path: req.originalUrl, requestHash: requestHash(req.method, req.originalUrl, req.body),
      });
      if (claim.kind === 'mismatch') throw new HttpError(409, 'idempotency_key_reused', `Idempotency-Key "${key}" was already used for a different request; use a new key for a new operation.`);
      if (claim.kind === 'in_progress') throw new HttpError(409, 'idempotency_key_in_progress', `A request with Idempotency-Key "${key}" is still being answered; retry it in a moment.`);
      if (claim.kind === 'replay') {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.status).json(claim.body);
        return;
      }

      // The answer is stored before it is sent, so a retry that follows the answer finds it.
      const send = res.json.bind(res);
      let settled = false;
      res.json = (body?: unknown) => {
        settled = true;
        const status = res.statusCode;
        const store = status >= 500 ? releaseIdempotencyKey(db, claim.id) : completeIdempotencyKey(db, claim.id, { status, body });
        store.then(() => send(body), (error) => {
          logger.error({ err: error, requestId: req.requestId }, 'storing the idempotent answer failed');
          void releaseIdempotencyKey(db, claim.id).catch(() => undefined);
          send(body);
        });
        return res;
      };
      res.on('close', () => {
        if (!settled) void releaseIdempotencyKey(db, claim.id).catch(() => undefined);
      });
      next();
    } catch (error) {
      next(error);
    }
  };
}
