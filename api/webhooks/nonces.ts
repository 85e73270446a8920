import type { Db } from '../../db/connection';
import { logger } from '../../runtime/logger';

/** Expired nonces are deleted at most this often per process, off the request's path. */
const PRUNE_EVERY_MS = 60_000;
let lastPrune = 0;

/**
 * Records a signed request's nonce until `expiresAt` (the moment its timestamp goes stale, after
 * which the signature check refuses it anyway). False when the nonce was seen before: the
 * request is a replay. Insert-on-conflict rather than read-then-write, so two copies arriving
 * together cannot both pass.
 */
export async function claimWebhookNonce(db: Db, provider: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db('webhook_nonces').insert({ provider, nonce, expires_at: expiresAt }).onConflict(['provider', 'nonce']).ignore().returning('nonce');
  if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
    lastPrune = Date.now();
    void pruneWebhookNonces(db).catch((error: unknown) => logger.warn({ err: error }, 'could not prune expired webhook nonces; retrying later'));
  }
  return inserted.length === 1;
}

/** Deletes nonces whose requests would be refused as stale by now; returns how many went. */
export async function pruneWebhookNonces(db: Db, now: Date = new Date()): Promise<number> {
  return db('webhook_nonces').where('expires_at', '<', now).delete();
}
