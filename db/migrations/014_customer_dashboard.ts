import type { Knex } from 'knex';

/**
 * The Customers Dashboard reads 50,000-account dealers a page at a time, so its orderings
 * must come from indexes rather than sorting every account:
 * - Every live account has an `account_stats` row from the moment it exists (zeros until
 *   the first refresh upserts real figures), so the dashboard can drive from the statistics
 *   with an inner join and walk an index in priority order.
 * - Priority ties go to the larger balance; one composite index serves both directions.
 * - Search by name or account number "contains" uses trigram indexes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function account_stats_placeholder() returns trigger language plpgsql as $$
    begin
      insert into account_stats (customer_account_id, dealer_id, as_of)
      values (new.id, new.dealer_id, current_date)
      on conflict (customer_account_id) do nothing;
      return null;
    end $$;
    create trigger customer_accounts_stats_placeholder after insert on customer_accounts
      for each row execute function account_stats_placeholder();
  `);
  await knex.raw(`
    insert into account_stats (customer_account_id, dealer_id, as_of)
    select ca.id, ca.dealer_id, current_date from customer_accounts ca
    where ca.deleted_at is null
    on conflict (customer_account_id) do nothing
  `);

  await knex.raw('drop index if exists account_stats_dealer_id_collection_priority_index');
  await knex.raw('create index account_stats_dashboard_priority on account_stats (dealer_id, collection_priority, outstanding_cents, customer_account_id)');
  await knex.raw('create index account_stats_dashboard_past_due on account_stats (dealer_id, past_due_cents)');
  await knex.raw('create index account_stats_dashboard_aging_91 on account_stats (dealer_id, aging_91_plus_cents)');
  await knex.raw('create index account_stats_dashboard_days_overdue on account_stats (dealer_id, weighted_days_overdue_x100)');

  await knex.raw('create index customer_accounts_dashboard_name on customer_accounts (dealer_id, lower(name), id) where deleted_at is null');
  await knex.raw('create index customer_accounts_dashboard_live on customer_accounts (dealer_id) where deleted_at is null');
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw('create index customer_accounts_name_contains on customer_accounts using gin (lower(name) gin_trgm_ops)');
  await knex.raw('create index customer_accounts_number_contains on customer_accounts using gin (lower(erp_account_id) gin_trgm_ops)');
  // Latest invitation per account, for the dashboard's invitation badge and filter.
  await knex.raw('create index invitations_latest_per_account on invitations (customer_account_id, created_at desc) where status <> \'superseded\'');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists invitations_latest_per_account');
  await knex.raw('drop index if exists customer_accounts_number_contains');
  await knex.raw('drop index if exists customer_accounts_name_contains');
  await knex.raw('drop index if exists customer_accounts_dashboard_live');
  await knex.raw('drop index if exists customer_accounts_dashboard_name');
  await knex.raw('drop index if exists account_stats_dashboard_days_overdue');
  await knex.raw('drop index if exists account_stats_dashboard_aging_91');
  await knex.raw('drop index if exists account_stats_dashboard_past_due');
  await knex.raw('drop index if exists account_stats_dashboard_priority');
  await knex.raw('create index account_stats_dealer_id_collection_priority_index on account_stats (dealer_id, collection_priority)');
  await knex.raw('drop trigger if exists customer_accounts_stats_placeholder on customer_accounts');
  await knex.raw('drop function if exists account_stats_placeholder()');
}
