import type { Knex } from 'knex';
import type { Db } from './connection';

/**
 * Nonces of signed webhook requests, kept until the request's timestamp goes stale. Insert on
 * conflict rather than read-then-write, so two copies arriving together cannot both pass.
 */
type Executor = Db | Knex.Transaction;

/** True when the nonce is new for the provider and is now recorded; false for a replay. */
export async function recordWebhookNonce(db: Executor, provider: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db('webhook_nonces').insert({ provider, nonce, expires_at: expiresAt }).onConflict(['provider', 'nonce']).ignore().returning('nonce');
  return inserted.length === 1;
}

/** Deletes nonces whose requests would be refused as stale by now; returns how many went. */
export async function pruneWebhookNonces(db: Executor, now: Date = new Date()): Promise<number> {
  return db('webhook_nonces').where('expires_at', '<', now).delete();
}
