import type { Knex } from 'knex';

/**
 * Spruce sync: each dealer signs its Spruce webhooks with its own secret (one leaked secret
 * exposes one dealer, and rotating it touches one tenant), and the sync state remembers the
 * head of the change feed it last saw, so the Integration page can say how far behind it is.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dealers', (t) => {
    t.text('spruce_webhook_secret');
  });
  await knex.schema.alterTable('sync_state', (t) => {
    t.bigInteger('head_seq');
    t.bigInteger('rows_skipped').notNullable().defaultTo(0);
    t.timestamp('resync_requested_at', { useTz: true });
  });
  await knex.raw('create index dealers_spruce_tenant on dealers (spruce_tenant_id) where spruce_tenant_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index dealers_spruce_tenant');
  await knex.schema.alterTable('sync_state', (t) => {
    t.dropColumn('resync_requested_at');
    t.dropColumn('rows_skipped');
    t.dropColumn('head_seq');
  });
  await knex.schema.alterTable('dealers', (t) => {
    t.dropColumn('spruce_webhook_secret');
  });
}
