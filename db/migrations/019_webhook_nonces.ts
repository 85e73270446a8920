import type { Knex } from 'knex';

/**
 * Nonces of signed webhook requests seen recently. Moov signs `timestamp|nonce|webhookID` and
 * not the body, so a captured set of headers stays valid for the whole timestamp tolerance
 * with any body at all; remembering each nonce until its timestamp has gone stale makes such
 * headers good for one request. The primary key catches concurrent duplicates.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_nonces', (t) => {
    t.text('provider').notNullable();
    t.text('nonce').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['provider', 'nonce']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_nonces');
}
