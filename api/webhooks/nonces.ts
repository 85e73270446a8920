import type { Db } from '../../db/connection';
import { pruneWebhookNonces } from '../../db/webhook-nonces';
import { logger } from '../../runtime/logger';

/** Expired nonces are deleted at most this often per process, off the request's path. */
const PRUNE_EVERY_MS = 60_000;
let lastPrune = 0;

/**
 * Called on every signed delivery: a nonce is kept until its request's timestamp goes stale
 * (db/webhook-nonces.ts), after which the signature check refuses the request anyway.
 */
export function pruneExpiredNoncesNowAndThen(db: Db): void {
  if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
  lastPrune = Date.now();
  void pruneWebhookNonces(db).catch((error: unknown) => logger.warn({ err: error }, 'could not prune expired webhook nonces; retrying later'));
}

export { pruneWebhookNonces };
