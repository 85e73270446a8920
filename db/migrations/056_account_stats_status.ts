import type { Knex } from 'knex';

/**
 * The account's status (active / inactive) copied onto its statistics row, kept by triggers
 * whoever writes the account, so the dashboard's stats panel filtered by status and aging
 * reads one narrow index instead of joining 50,000 accounts to 50,000 statistics rows
 * (docs/performance.md, Customers Dashboard).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table account_stats add column account_status text not null default 'active' check (account_status in ('active', 'inactive'))`);
  await knex.raw(`update account_stats s set account_status = ca.status from customer_accounts ca where ca.id = s.customer_account_id and ca.status <> s.account_status`);
  // Statistics rows are created with the account and re-created when it is restored (migrations
  // 014 and 016); those two inserts take the status, and a status change follows. The refresh's
  // upsert always finds the row and leaves the column alone.
  await knex.raw(`
    create or replace function account_stats_placeholder() returns trigger language plpgsql as $$
    begin
      insert into account_stats (customer_account_id, dealer_id, as_of, account_status)
      values (new.id, new.dealer_id, current_date, new.status)
      on conflict (customer_account_id) do nothing;
      return null;
    end $$;

    create or replace function account_stats_follow_deletion() returns trigger language plpgsql as $$
    begin
      if new.deleted_at is not null then
        delete from account_stats where customer_account_id = new.id;
      else
        insert into account_stats (customer_account_id, dealer_id, as_of, account_status)
        values (new.id, new.dealer_id, current_date, new.status)
        on conflict (customer_account_id) do nothing;
      end if;
      return null;
    end $$;

    create function account_stats_follow_status() returns trigger language plpgsql as $$
    begin
      update account_stats set account_status = new.status where customer_account_id = new.id and account_status <> new.status;
      return null;
    end $$;
    create trigger customer_accounts_stats_follow_status
      after update of status on customer_accounts
      for each row when (old.status is distinct from new.status)
      execute function account_stats_follow_status();
  `);
  // The totals index of migration 021 with the status among its columns: filtering by it stays index-only.
  await knex.raw('drop index if exists account_stats_dashboard_totals');
  await knex.raw(`
    create index account_stats_dashboard_totals on account_stats (dealer_id, customer_account_id) include (
      account_status, collection_priority, outstanding_cents, current_cents, past_due_cents,
      aging_1_30_cents, aging_31_60_cents, aging_61_90_cents, aging_91_plus_cents,
      debit_adjustments_cents, credit_adjustments_cents, discounts_cents, open_invoice_count
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists account_stats_dashboard_totals');
  await knex.raw(`
    create index account_stats_dashboard_totals on account_stats (dealer_id, customer_account_id) include (
      collection_priority, outstanding_cents, current_cents, past_due_cents,
      aging_1_30_cents, aging_31_60_cents, aging_61_90_cents, aging_91_plus_cents,
      debit_adjustments_cents, credit_adjustments_cents, discounts_cents, open_invoice_count
    )
  `);
  await knex.raw('drop trigger if exists customer_accounts_stats_follow_status on customer_accounts');
  await knex.raw('drop function if exists account_stats_follow_status()');
  await knex.raw(`
    create or replace function account_stats_placeholder() returns trigger language plpgsql as $$
    begin
      insert into account_stats (customer_account_id, dealer_id, as_of)
      values (new.id, new.dealer_id, current_date)
      on conflict (customer_account_id) do nothing;
      return null;
    end $$;
    create or replace function account_stats_follow_deletion() returns trigger language plpgsql as $$
    begin
      if new.deleted_at is not null then
        delete from account_stats where customer_account_id = new.id;
      else
        insert into account_stats (customer_account_id, dealer_id, as_of)
        values (new.id, new.dealer_id, current_date)
        on conflict (customer_account_id) do nothing;
      end if;
      return null;
    end $$;
  `);
  await knex.raw('alter table account_stats drop column if exists account_status');
}
