import type { Knex } from 'knex';

/**
 * The public API for dealers' own systems (/api/v1, docs/api-v1.md):
 *
 * - `api_keys`: a dealer's keys. Only a SHA-256 of the secret is kept (the secret is 32 random
 *   bytes, so a slow password hash would add nothing); the short public prefix finds the row and
 *   is what the console shows. A rotation revokes the old key and names it in `rotated_from`.
 * - `api_idempotency_keys`: the answer to each POST by (dealer, Idempotency-Key), with a hash
 *   of the request, so a retry gets the same answer and a reuse with another body is refused.
 * - `domain_events`: what happened to a dealer's payments and settlements, written in the
 *   transaction that made it happen. The id is the feed's cursor (GET /api/v1/events?after=),
 *   and the table is the outbox outgoing webhooks will be sent from.
 */
export async function up(knex: Knex): Promise<void> {
  // A dealer's system acting through a key is an actor of its own in the audit log.
  await replaceActorKindCheck(knex, ['operator', 'customer', 'system', 'processor', 'erp', 'api_key']);
  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('name').notNullable();
    t.text('scope').notNullable();
    t.text('prefix').notNullable().unique();
    t.text('secret_hash').notNullable();
    t.uuid('created_by').references('operator_users.id').onDelete('set null');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.uuid('revoked_by').references('operator_users.id').onDelete('set null');
    t.uuid('rotated_from').references('api_keys.id').onDelete('set null');
    t.index(['dealer_id', 'created_at']);
  });
  await knex.raw(`alter table api_keys add constraint api_keys_scope check (scope in ('read', 'write'))`);
  await knex.raw(`alter table api_keys add constraint api_keys_name_length check (char_length(name) between 1 and 100)`);

  await knex.schema.createTable('api_idempotency_keys', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('idempotency_key').notNullable();
    t.uuid('api_key_id').references('api_keys.id').onDelete('set null');
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.text('request_hash').notNullable();
    // Null while the first request is still being answered.
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.unique(['dealer_id', 'idempotency_key']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('domain_events', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('type').notNullable();
    t.text('entity_type').notNullable();
    t.uuid('entity_id').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id', 'id']);
    t.index(['entity_type', 'entity_id']);
  });
  // The writing transaction, so the feed can wait for every transaction that might still
  // commit an id below the ones it hands out (ids are taken at insert, visible at commit).
  await knex.raw('alter table domain_events add column tx_id xid8 not null default pg_current_xact_id()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('domain_events');
  await knex.schema.dropTableIfExists('api_idempotency_keys');
  await knex.schema.dropTableIfExists('api_keys');
  await knex('audit_events').where({ actor_kind: 'api_key' }).update({ actor_kind: 'system' });
  await replaceActorKindCheck(knex, ['operator', 'customer', 'system', 'processor', 'erp']);
}

async function replaceActorKindCheck(knex: Knex, kinds: string[]): Promise<void> {
  const { rows } = await knex.raw<{ rows: Array<{ conname: string }> }>(
    `select conname from pg_constraint where conrelid = 'audit_events'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%actor_kind%'`,
  );
  for (const { conname } of rows) await knex.raw('alter table audit_events drop constraint ??', [conname]);
  // DDL takes no bind parameters; the kinds are this file's own constants.
  await knex.raw(`alter table audit_events add constraint audit_events_actor_kind_check check (actor_kind in (${kinds.map((kind) => `'${kind}'`).join(', ')}))`);
}
