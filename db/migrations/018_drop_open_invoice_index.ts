import type { Knex } from 'knex';

/**
 * Migration 011's partial index of open invoices did not pay for itself: bench/priority-update.ts
 * measured the same refresh cost without it (0.56 vs 0.59 ms of DB time per single-account
 * refresh over 1,000,000 invoices), because `invoices (customer_account_id, status)` already
 * reaches exactly the open invoices of an account, even one with thousands of paid ones.
 * Dropped so that invoice writes (sync, CSV ingestion, payments) do not maintain it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists invoices_open_by_account');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`create index invoices_open_by_account on invoices (customer_account_id, due_date) include (balance_cents)
    where status in ('open', 'partially_paid') and balance_cents > 0`);
}
