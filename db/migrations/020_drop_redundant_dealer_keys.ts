import type { Knex } from 'knex';

/**
 * Each receivables row that belongs to a customer account already reaches its dealer through
 * the composite key (dealer_id, customer_account_id) → customer_accounts (whose own key leads
 * to dealers), and deleting a dealer cascades along that path. The direct dealer key was a
 * second trigger on every written row: about 13% of a 100,000-invoice insert (EXPLAIN
 * ANALYZE: 726 ms of 5.75 s). statement_items has no account column and keeps its own.
 */
const TABLES = ['contacts', 'jobs', 'statements', 'invoices', 'adjustments'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`alter table ${table} drop constraint if exists ${table}_dealer_id_foreign`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`alter table ${table} add constraint ${table}_dealer_id_foreign foreign key (dealer_id) references dealers (id) on delete cascade`);
  }
}
