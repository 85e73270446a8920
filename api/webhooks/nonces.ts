import type { Db } from '../../db/connection';
import { pruneWebhookNonces, recordWebhookNonce } from '../../db/webhook-nonces';
import { logger } from '../../runtime/logger';

/** Expired nonces are deleted at most this often per process, off the request's path. */
const PRUNE_EVERY_MS = 60_000;
let lastPrune = 0;

/**
 * Records a signed request's nonce until `expiresAt` (the moment its timestamp goes stale, after
 * which the signature check refuses it anyway). False when the nonce was seen before: the
 * request is a replay.
 */
export async function claimWebhookNonce(db: Db, provider: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const fresh = await recordWebhookNonce(db, provider, nonce, expiresAt);
  pruneExpiredNoncesNowAndThen(db);
  return fresh;
}

/** Called on every signed delivery, however its nonce is claimed (db/webhook-events.ts recordSignedWebhookEvent claims it with the event). */
export function pruneExpiredNoncesNowAndThen(db: Db): void {
  if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
  lastPrune = Date.now();
  void pruneWebhookNonces(db).catch((error: unknown) => logger.warn({ err: error }, 'could not prune expired webhook nonces; retrying later'));
}

export { pruneWebhookNonces };
