import type { Knex } from 'knex';

/**
 * Platform administrators (the people who onboard dealers, docs/onboarding.md) act outside
 * any dealer: their entries in the audit log name them as `platform`, beside operators,
 * customers, the system, the processor, the ERP and API keys.
 */
const BEFORE = ['operator', 'customer', 'system', 'processor', 'erp', 'api_key'];

export async function up(knex: Knex): Promise<void> {
  await replaceActorKindCheck(knex, [...BEFORE, 'platform']);
}

export async function down(knex: Knex): Promise<void> {
  await knex('audit_events').where({ actor_kind: 'platform' }).update({ actor_kind: 'system' });
  await replaceActorKindCheck(knex, BEFORE);
}

async function replaceActorKindCheck(knex: Knex, kinds: string[]): Promise<void> {
  const { rows } = await knex.raw<{ rows: Array<{ conname: string }> }>(
    `select conname from pg_constraint where conrelid = 'audit_events'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%actor_kind%'`,
  );
  for (const { conname } of rows) await knex.raw('alter table audit_events drop constraint ??', [conname]);
  // DDL takes no bind parameters; the kinds are this file's own constants.
  await knex.raw(`alter table audit_events add constraint audit_events_actor_kind_check check (actor_kind in (${kinds.map((kind) => `'${kind}'`).join(', ')}))`);
}
