import type { Knex } from 'knex';
import { parseDataKey, sealCredential } from '../domain/credential-seal';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import type { Db } from './connection';

/** The dealer's own row: what the console shows about it, its settings and its integration. */
type Executor = Db | Knex.Transaction;

export interface DealerHeaderRow {
  id: string;
  name: string;
  time_zone: string;
  integration_mode: string;
  bills_by_statement?: boolean;
}

/** What the sign-in answer tells the console about the operator's dealer. */
export async function dealerAtSignIn(db: Executor, dealerId: string): Promise<DealerHeaderRow | undefined> {
  return db('dealers').where({ id: dealerId }).first('id', 'name', 'time_zone', 'integration_mode');
}

/** The session answer also says how the dealer bills, which shapes the console's menus. */
export async function dealerOfSession(db: Executor, dealerId: string): Promise<DealerHeaderRow | undefined> {
  return db('dealers').where({ id: dealerId }).first('id', 'name', 'time_zone', 'integration_mode', 'bills_by_statement');
}

/** The dealer's time zone; undefined when there is no such dealer (list-query's dealerTimeZone falls back to a default instead). */
export async function findDealerTimeZone(db: Executor, dealerId: string): Promise<string | undefined> {
  const dealer = await db('dealers').where({ id: dealerId }).first('time_zone');
  return dealer?.time_zone;
}

/** Every column of the dealer; the API decides which ones (never the secrets) leave the server. */
export type DealerRow = Record<string, any> & { id: string; name: string; spruce_api_key: string | null };

export async function dealerSettings(db: Executor, dealerId: string): Promise<DealerRow> {
  const dealer = await db('dealers').where({ id: dealerId }).first();
  if (!dealer) throw refuseNotFound('Dealer');
  return dealer;
}

export interface SettingsActor {
  dealerId: string;
  operatorId: string;
}

/**
 * Applies the fields whose value differs from the stored one and audits them with their
 * before and after values, in one transaction; a change that changes nothing writes nothing.
 */
export async function updateDealerSettings(db: Db, actor: SettingsActor, change: Record<string, unknown>): Promise<DealerRow> {
  return db.transaction(async (trx) => {
    const before = await trx('dealers').where({ id: actor.dealerId }).forUpdate().first();
    if (!before) throw refuseNotFound('Dealer');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined && JSON.stringify(before[key]) !== JSON.stringify(value)) changes[key] = { from: before[key], to: value };
    }
    if (Object.keys(changes).length === 0) return before;
    const patch = Object.fromEntries(Object.entries(changes).map(([key, { to }]) => [key, to]));
    const [after] = await trx('dealers').where({ id: actor.dealerId }).update({ ...patch, updated_at: trx.fn.now() }).returning('*');
    await recordAudit(trx, {
      dealerId: actor.dealerId,
      actorKind: 'operator',
      actorId: actor.operatorId,
      action: 'dealer.settings_updated',
      entityType: 'dealer',
      entityId: actor.dealerId,
      data: { changes },
    });
    return after;
  });
}

export interface DealerIntegrationRow {
  id: string;
  integration_mode: string;
  spruce_base_url: string | null;
  spruce_tenant_id: string | null;
  spruce_api_key: string | null;
}

/** The integration mode and Spruce connection, secret included for the live connection check. */
export async function dealerIntegration(db: Executor, dealerId: string): Promise<DealerIntegrationRow> {
  const dealer = await db('dealers').where({ id: dealerId }).first('id', 'integration_mode', 'spruce_base_url', 'spruce_tenant_id', 'spruce_api_key');
  if (!dealer) throw refuseNotFound('Dealer');
  return dealer;
}

/** What a Spruce client is built from (the API key still sealed); undefined when there is no such dealer. */
export async function dealerSpruceConnection(db: Executor, dealerId: string): Promise<Omit<DealerIntegrationRow, 'id'> | undefined> {
  return db('dealers').where({ id: dealerId }).first('integration_mode', 'spruce_base_url', 'spruce_api_key', 'spruce_tenant_id');
}

/**
 * Checks that a dealer can be resynced from Spruce and records the request; audited before
 * the workflow is signalled, so a resync that reached the workflow is always on record.
 */
export async function recordResyncRequest(db: Executor, dealerId: string, operatorId: string): Promise<void> {
  const dealer = await db('dealers').where({ id: dealerId }).first('integration_mode', 'spruce_base_url', 'spruce_tenant_id');
  if (!dealer) throw refuseNotFound('Dealer');
  if (dealer.integration_mode !== 'spruce') throw refuseConflict('not_spruce', 'Resync is for dealers on the Spruce integration; file-based dealers upload their files again instead.');
  if (!dealer.spruce_base_url || !dealer.spruce_tenant_id) throw refuseConflict('spruce_not_configured', 'Set up the Spruce connection (base URL, tenant and API key) before resyncing.');
  await recordAudit(db, { dealerId, actorKind: 'operator', actorId: operatorId, action: 'integration.resync_requested', entityType: 'integration', entityId: dealerId });
}

/** Dealer columns holding a credential of the dealer's ERP, kept sealed at rest. */
const SEALED_COLUMNS = ['spruce_api_key', 'spruce_webhook_secret'] as const;

/**
 * Seals every ERP credential still stored in clear (written before sealing existed, or by
 * hand); the worker runs it at start. Returns how many values it sealed.
 */
export async function sealPlaintextCredentials(db: Executor, dataKey: string): Promise<number> {
  const key = parseDataKey(dataKey);
  let sealed = 0;
  for (const column of SEALED_COLUMNS) {
    const rows: Array<{ id: string; value: string }> = await db('dealers').whereNotNull(column).whereNot(column, 'like', 'sealed:%').select('id', `${column} as value`);
    for (const row of rows) {
      // Conditional on the value read, so two workers starting together seal each value once.
      sealed += await db('dealers').where({ id: row.id, [column]: row.value }).update({ [column]: sealCredential(row.value, key) });
    }
  }
  return sealed;
}
