import type { Knex } from 'knex';

/**
 * A Spruce delivery stored by the webhook route names its dealer and the sequence range it
 * covers, so the sync can pick up every stored delivery that continues its cursor in one
 * go, including those whose signal has not reached the workflow yet.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_events', (t) => {
    t.uuid('dealer_id').references('dealers.id').onDelete('cascade');
    t.bigInteger('first_seq');
    t.bigInteger('last_seq');
  });
  await knex.raw(`create index webhook_events_spruce_sequence on webhook_events (dealer_id, first_seq)
    include (last_seq) where provider = 'spruce' and dealer_id is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index webhook_events_spruce_sequence');
  await knex.schema.alterTable('webhook_events', (t) => {
    t.dropColumn('last_seq');
    t.dropColumn('first_seq');
    t.dropColumn('dealer_id');
  });
}
