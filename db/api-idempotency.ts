import type { Knex } from 'knex';

/**
 * Idempotency-Key for the public API's POSTs, after Formance's ledger: the key is stored with
 * a hash of the request, the first request's answer is kept, and
 * - the same key with the same request gets that answer again, whatever happened since;
 * - the same key with another request is refused (the client reused a key by mistake);
 * - the same key while the first request is still running is refused as in progress.
 * The claim is a unique insert, so two concurrent requests cannot both run.
 */
type Executor = Knex | Knex.Transaction;

export type IdempotencyClaim =
  | { kind: 'claimed'; id: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export async function claimIdempotencyKey(
  db: Executor,
  input: { dealerId: string; apiKeyId: string; key: string; method: string; path: string; requestHash: string },
): Promise<IdempotencyClaim> {
  const inserted = await db('api_idempotency_keys')
    .insert({ dealer_id: input.dealerId, idempotency_key: input.key, api_key_id: input.apiKeyId, method: input.method, path: input.path, request_hash: input.requestHash })
    .onConflict(['dealer_id', 'idempotency_key']).ignore()
    .returning('id');
  if (inserted.length) return { kind: 'claimed', id: String(inserted[0].id) };
  const existing = await db('api_idempotency_keys').where({ dealer_id: input.dealerId, idempotency_key: input.key })
    .first('request_hash', 'response_status', 'response_body');
  // Swept between the insert and the read: a retry will claim it afresh.
  if (!existing) return { kind: 'in_progress' };
  if (existing.request_hash !== input.requestHash) return { kind: 'mismatch' };
  if (existing.response_status == null) return { kind: 'in_progress' };
  return { kind: 'replay', status: existing.response_status, body: existing.response_body };
}

export async function completeIdempotencyKey(db: Executor, id: string, answer: { status: number; body: unknown }): Promise<void> {
  await db('api_idempotency_keys').where({ id }).update({ response_status: answer.status, response_body: JSON.stringify(answer.body ?? null), completed_at: db.fn.now() });
}

/** The request failed on our side: the key is free again, so the client's retry runs. */
export async function releaseIdempotencyKey(db: Executor, id: string): Promise<void> {
  await db('api_idempotency_keys').where({ id }).whereNull('response_status').delete();
}

/** Keys are kept for a day (docs/api-v1.md); older ones are deleted by housekeeping. */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

export async function sweepIdempotencyKeys(db: Executor, retentionHours = IDEMPOTENCY_KEY_RETENTION_HOURS): Promise<number> {
  return db('api_idempotency_keys').whereRaw('created_at < now() - (? * interval \'1 hour\')', [retentionHours]).delete();
}
