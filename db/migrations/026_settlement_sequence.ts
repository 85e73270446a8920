import type { Knex } from 'knex';

/**
 * A dealer may close a business day's settlement early (to post what has come in so far) and
 * the payments that settle later that day still belong to that day: they open the day's next
 * settlement, numbered by `sequence` (1, 2, …), instead of being pushed to a later business
 * day. At most one settlement of a dealer and day is open at a time, so concurrent joins
 * cannot open two.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settlements', (t) => {
    t.integer('sequence').notNullable().defaultTo(1);
  });
  await knex.raw('alter table settlements add constraint settlements_sequence_positive check (sequence >= 1)');
  await knex.schema.alterTable('settlements', (t) => {
    t.dropUnique(['dealer_id', 'business_date']);
    t.unique(['dealer_id', 'business_date', 'sequence']);
  });
  await knex.raw(`create unique index settlements_one_open_per_day on settlements (dealer_id, business_date) where status = 'open'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index settlements_one_open_per_day');
  await knex.schema.alterTable('settlements', (t) => {
    t.dropUnique(['dealer_id', 'business_date', 'sequence']);
  });
  // Only possible while no day holds a second settlement.
  await knex.schema.alterTable('settlements', (t) => {
    t.unique(['dealer_id', 'business_date']);
    t.dropColumn('sequence');
  });
}
