import type { Knex } from 'knex';
import { timingSafeEqual } from 'node:crypto';
import { apiKeyPrefix, hashApiKey, issueApiKey, type ApiKeyScope } from '../domain/api-keys';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';

/**
 * A dealer's API keys. Created, rotated and revoked by an admin, each with its audit entry in
 * the same transaction; the secret leaves this module once, in the answer to create or rotate.
 */
type Executor = Knex | Knex.Transaction;

export interface ApiKeyRow {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  created_at: Date;
  created_by_name: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by_name: string | null;
  rotated_from: string | null;
}

/** The key a request presented, when it is well-formed, known and its hash matches. */
export interface PresentedApiKey {
  id: string;
  dealer_id: string;
  scope: ApiKeyScope;
  prefix: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = [
  'k.id', 'k.name', 'k.scope', 'k.prefix', 'k.created_at', 'c.name as created_by_name', 'k.last_used_at', 'k.revoked_at', 'r.name as revoked_by_name', 'k.rotated_from',
];

function withNames(db: Executor) {
  return db('api_keys as k')
    .leftJoin('operator_users as c', 'c.id', 'k.created_by')
    .leftJoin('operator_users as r', 'r.id', 'k.revoked_by');
}

/** Active keys first, then revoked ones; newest first within each. */
export async function listApiKeys(db: Executor, dealerId: string): Promise<ApiKeyRow[]> {
  return withNames(db).where('k.dealer_id', dealerId)
    .orderByRaw('(k.revoked_at is not null), k.created_at desc, k.id')
    .select(COLUMNS);
}

export async function apiKeyById(db: Executor, dealerId: string, id: string): Promise<ApiKeyRow> {
  const row = await withNames(db).where({ 'k.dealer_id': dealerId, 'k.id': id }).first(COLUMNS);
  if (!row) throw refuseNotFound('API key');
  return row;
}

interface Actor {
  dealerId: string;
  operatorId: string;
}

async function insertKey(trx: Knex.Transaction, actor: Actor, input: { name: string; scope: ApiKeyScope; rotatedFrom?: string }): Promise<{ id: string; secret: string }> {
  const issued = issueApiKey();
  const [row] = await trx('api_keys').insert({
    dealer_id: actor.dealerId, name: input.name, scope: input.scope, prefix: issued.prefix, secret_hash: issued.secretHash,
    created_by: actor.operatorId, rotated_from: input.rotatedFrom ?? null,
  }).returning('id');
  return { id: row.id, secret: issued.secret };
}

export async function createApiKey(trx: Knex.Transaction, actor: Actor, input: { name: string; scope: ApiKeyScope }): Promise<{ key: ApiKeyRow; secret: string }> {
  const { id, secret } = await insertKey(trx, actor, input);
  const key = await apiKeyById(trx, actor.dealerId, id);
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'api_key.created', entityType: 'api_key', entityId: id,
    data: { name: key.name, scope: key.scope, prefix: key.prefix },
  });
  return { key, secret };
}

async function lockActiveKey(trx: Knex.Transaction, dealerId: string, id: string) {
  const key = await trx('api_keys').where({ dealer_id: dealerId, id }).forUpdate().first();
  if (!key) throw refuseNotFound('API key');
  if (key.revoked_at) throw refuseConflict('api_key_revoked', `API key ${key.prefix} ("${key.name}") is already revoked.`);
  return key;
}

export async function revokeApiKey(trx: Knex.Transaction, actor: Actor, id: string): Promise<ApiKeyRow> {
  const key = await lockActiveKey(trx, actor.dealerId, id);
  await trx('api_keys').where({ id }).update({ revoked_at: trx.fn.now(), revoked_by: actor.operatorId });
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'api_key.revoked', entityType: 'api_key', entityId: id,
    data: { name: key.name, scope: key.scope, prefix: key.prefix },
  });
  return apiKeyById(trx, actor.dealerId, id);
}

/** A new secret under the same name and scope; the old key stops working at once. */
export async function rotateApiKey(trx: Knex.Transaction, actor: Actor, id: string): Promise<{ key: ApiKeyRow; secret: string }> {
  const old = await lockActiveKey(trx, actor.dealerId, id);
  await trx('api_keys').where({ id }).update({ revoked_at: trx.fn.now(), revoked_by: actor.operatorId });
  const { id: newId, secret } = await insertKey(trx, actor, { name: old.name, scope: old.scope, rotatedFrom: id });
  const key = await apiKeyById(trx, actor.dealerId, newId);
  await recordAudit(trx, {
    dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'api_key.rotated', entityType: 'api_key', entityId: newId,
    data: { name: key.name, scope: key.scope, prefix: key.prefix, replaces: id, replacedPrefix: old.prefix },
  });
  return { key, secret };
}

/**
 * The key a bearer token names, found by its public prefix and compared by hash; undefined for
 * a malformed or unknown token or a wrong secret. Revoked keys are returned so the caller can
 * say so rather than answer as if the key never existed.
 */
export async function findPresentedApiKey(db: Executor, token: string): Promise<PresentedApiKey | undefined> {
  const prefix = apiKeyPrefix(token);
  if (!prefix) return undefined;
  const row = await db('api_keys').where({ prefix }).first('id', 'dealer_id', 'scope', 'prefix', 'secret_hash', 'revoked_at', 'last_used_at');
  if (!row) return undefined;
  // Both sides are hex digests of equal length; the comparison is on hashes, never on the secret.
  const given = Buffer.from(hashApiKey(token), 'hex');
  const stored = Buffer.from(row.secret_hash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
  const { secret_hash: _hash, ...key } = row;
  return key;
}

/** Marks the key used; at most once a minute, so a busy client does not write on every request. */
export async function touchApiKey(db: Executor, id: string): Promise<void> {
  await db('api_keys').where({ id }).where((q) => q.whereNull('last_used_at').orWhereRaw("last_used_at < now() - interval '1 minute'")).update({ last_used_at: db.fn.now() });
}
