import type { Knex } from 'knex';

/**
 * Job lien deadlines (docs/lien-deadlines.md): a job's state (when it differs from its
 * account's) and its first and last delivery dates, from Spruce or CSV; the dealer's override
 * of a state's default days; and the soonest lien-filing deadline of a job with an open
 * balance, kept with the account's statistics so the dashboard can filter on it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.text('state');
    t.date('first_delivery_date');
    t.date('last_delivery_date');
  });
  await knex.raw("alter table jobs add constraint jobs_state check (state is null or state ~ '^[A-Z]{2}$')");

  await knex.schema.createTable('lien_deadline_overrides', (t) => {
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('state').notNullable();
    t.integer('preliminary_notice_days');
    t.integer('lien_filing_days').notNullable();
    t.primary(['dealer_id', 'state']);
  });
  await knex.raw(`alter table lien_deadline_overrides add constraint lien_deadline_overrides_days check (
    state ~ '^[A-Z]{2}$' and lien_filing_days between 1 and 365
    and (preliminary_notice_days is null or preliminary_notice_days between 1 and 365))`);

  await knex.schema.alterTable('account_stats', (t) => {
    t.date('lien_deadline_date');
  });
  await knex.raw('create index account_stats_lien_deadline on account_stats (dealer_id, lien_deadline_date) where lien_deadline_date is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index account_stats_lien_deadline');
  await knex.schema.alterTable('account_stats', (t) => t.dropColumn('lien_deadline_date'));
  await knex.schema.dropTable('lien_deadline_overrides');
  await knex.raw('alter table jobs drop constraint jobs_state');
  await knex.schema.alterTable('jobs', (t) => {
    t.dropColumn('state');
    t.dropColumn('first_delivery_date');
    t.dropColumn('last_delivery_date');
  });
}
