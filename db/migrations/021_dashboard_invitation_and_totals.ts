import type { Knex } from 'knex';

/**
 * Two Customers Dashboard shapes read every one of a dealer's 50,000 `account_stats` rows,
 * and those rows are wide: the stored priority components (about 900 bytes of JSON, too
 * small to be moved out of line by TOAST) make each row about 1,100 bytes, so one dealer's
 * statistics fill some 80 MB of heap. EXPLAIN ANALYZE at 50,000 accounts (docs/performance.md):
 *
 * - Filtering or sorting by invitation status built the latest invitation of every account
 *   (a DISTINCT ON over all the dealer's invitations) and hash-joined it with every
 *   statistics row before it could filter or sort. The latest invitation's status and expiry
 *   now live on `customer_accounts`, kept current by a trigger on `invitations` whoever
 *   writes them (the API, the invitation workflow, the ERP seed), so the filter reads one
 *   narrow table and the sort walks an index and joins the statistics of 25 rows.
 * - Totals over a filter that also reads the accounts (status, search, credit limit) joined
 *   every wide statistics row. A covering index holds exactly the columns the stats panel sums
 *   and the aging filters test, so those totals and counts are index-only scans of about a
 *   tenth of the pages.
 *
 * A pending invitation past its expiry still reads as expired before the invitation workflow
 * marks it (api/operator/customer-query.ts compares the stored expiry with now()).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table customer_accounts
      add column invitation_status text not null default 'none'
        check (invitation_status in ('none', 'pending', 'accepted', 'declined', 'expired')),
      add column invitation_expires_at timestamptz
  `);
  await knex.raw(`
    create function refresh_account_invitation(account uuid) returns void language sql as $$
      update customer_accounts ca
         set invitation_status = coalesce(latest.status, 'none'), invitation_expires_at = latest.expires_at
        from (select 1) as one
        left join lateral (
          select i.status, i.expires_at from invitations i
           where i.customer_account_id = account and i.status <> 'superseded'
           order by i.created_at desc, i.id desc limit 1
        ) as latest on true
       where ca.id = account
         and (ca.invitation_status, ca.invitation_expires_at) is distinct from (coalesce(latest.status, 'none'), latest.expires_at)
    $$;
    create function invitations_follow_latest() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        perform refresh_account_invitation(old.customer_account_id);
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.customer_account_id is distinct from old.customer_account_id) then
        perform refresh_account_invitation(new.customer_account_id);
      end if;
      return null;
    end $$;
    create trigger invitations_follow_latest
      after insert or delete or update of status, expires_at, created_at, customer_account_id on invitations
      for each row execute function invitations_follow_latest();
  `);
  await knex.raw(`
    update customer_accounts ca
       set invitation_status = latest.status, invitation_expires_at = latest.expires_at
      from (select distinct on (i.customer_account_id) i.customer_account_id, i.status, i.expires_at
              from invitations i where i.status <> 'superseded'
             order by i.customer_account_id, i.created_at desc, i.id desc) as latest
     where latest.customer_account_id = ca.id
  `);
  // Filter, sort and the lapsed-pending check of the invitation column, index-only.
  await knex.raw(`create index customer_accounts_dashboard_invitation on customer_accounts (dealer_id, invitation_status, id)
    include (invitation_expires_at) where deleted_at is null`);
  // Both sides of the accounts × statistics join as index-only scans in account order, so the
  // stats panel merges two narrow streams instead of hashing 50,000 wide rows.
  await knex.raw(`create index customer_accounts_dashboard_filters on customer_accounts (dealer_id, id)
    include (status, account_type, credit_limit_cents) where deleted_at is null`);
  await knex.raw(`
    create index account_stats_dashboard_totals on account_stats (dealer_id, customer_account_id) include (
      collection_priority, outstanding_cents, current_cents, past_due_cents,
      aging_1_30_cents, aging_31_60_cents, aging_61_90_cents, aging_91_plus_cents,
      debit_adjustments_cents, credit_adjustments_cents, discounts_cents, open_invoice_count
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists account_stats_dashboard_totals');
  await knex.raw('drop index if exists customer_accounts_dashboard_filters');
  await knex.raw('drop index if exists customer_accounts_dashboard_invitation');
  await knex.raw('drop trigger if exists invitations_follow_latest on invitations');
  await knex.raw('drop function if exists invitations_follow_latest()');
  await knex.raw('drop function if exists refresh_account_invitation(uuid)');
  await knex.raw('alter table customer_accounts drop column if exists invitation_expires_at, drop column if exists invitation_status');
}
