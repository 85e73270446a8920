import type { Knex } from 'knex';

/**
 * `account_stats` holds a row for exactly the live accounts: created with the account
 * (migration 014), removed when the account is soft-deleted, back (as zeros until the next
 * refresh) when it is restored. Dashboard totals can then be summed from the statistics alone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function account_stats_follow_deletion() returns trigger language plpgsql as $$
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
    create trigger customer_accounts_stats_follow_deletion
      after update of deleted_at on customer_accounts
      for each row when (old.deleted_at is distinct from new.deleted_at)
      execute function account_stats_follow_deletion();
  `);
  await knex.raw(`delete from account_stats s using customer_accounts ca where ca.id = s.customer_account_id and ca.deleted_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists customer_accounts_stats_follow_deletion on customer_accounts');
  await knex.raw('drop function if exists account_stats_follow_deletion()');
}
