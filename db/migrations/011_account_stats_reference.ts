import type { Knex } from 'knex';

/**
 * Collection Priority scales balances against a dealer's typical balance. The median is
 * computed by the full (nightly) recompute and stored, because computing it over 50,000
 * accounts on every single-invoice change would cost more than the change itself. A dealer
 * may instead configure a fixed scale.
 *
 * The partial index lets the per-account aggregation read only the open invoices of an
 * account, with due date and balance in the index, however much paid history it has.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dealers', (t) => {
    t.bigInteger('collection_priority_scale_cents');
  });
  await knex.raw('alter table dealers add constraint dealers_priority_scale_positive check (collection_priority_scale_cents is null or collection_priority_scale_cents > 0)');

  await knex.schema.createTable('dealer_ar_reference', (t) => {
    t.uuid('dealer_id').primary().references('dealers.id').onDelete('cascade');
    t.bigInteger('median_balance_cents').notNullable();
    t.integer('accounts_with_balance').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.raw(`create index invoices_open_by_account on invoices (customer_account_id, due_date) include (balance_cents)
    where status in ('open', 'partially_paid') and balance_cents > 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index invoices_open_by_account');
  await knex.schema.dropTable('dealer_ar_reference');
  await knex.raw('alter table dealers drop constraint dealers_priority_scale_positive');
  await knex.schema.alterTable('dealers', (t) => {
    t.dropColumn('collection_priority_scale_cents');
  });
}
