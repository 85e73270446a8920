import type { Knex } from 'knex';

/**
 * Credit holds (docs/credit-holds.md). Each customer account carries the ERP's available credit
 * and hold status beside its credit limit, synced from Spruce or the accounts CSV. A dealer may
 * name a branch notification address (empty: its admins are emailed). `credit_hold_checks`
 * records, once per settled payment (its key), what the payment did to the account's credit:
 * whether it lifted the hold, the available credit before and after, and what Spruce answered
 * when asked to lift the hold (`books_only` for file-based dealers).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customer_accounts', (t) => {
    t.bigInteger('available_credit_cents');
    t.boolean('credit_hold').notNullable().defaultTo(false);
    t.text('credit_hold_reason');
    t.timestamp('credit_hold_changed_at', { useTz: true });
  });
  await knex.raw(`alter table customer_accounts add constraint customer_accounts_credit_hold_reason
    check (credit_hold_reason is null or credit_hold_reason in ('over_limit', 'past_due', 'other'))`);

  await knex.schema.alterTable('dealers', (t) => {
    t.text('branch_notification_email');
  });

  await knex.schema.createTable('credit_hold_checks', (t) => {
    t.uuid('payment_id').primary().references('payments.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.text('outcome').notNullable().checkIn(['released', 'still_over_limit', 'still_past_due', 'not_releasable', 'not_on_hold']);
    t.text('hold_reason');
    t.bigInteger('credited_cents').notNullable();
    t.bigInteger('available_before_cents');
    t.bigInteger('available_after_cents');
    t.bigInteger('past_due_after_cents').notNullable().defaultTo(0);
    t.text('erp_status').notNullable().checkIn(['none', 'books_only', 'pending', 'released', 'refused']);
    t.text('erp_error');
    t.timestamp('erp_released_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['customer_account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('credit_hold_checks');
  await knex.schema.alterTable('dealers', (t) => {
    t.dropColumn('branch_notification_email');
  });
  await knex.raw('alter table customer_accounts drop constraint customer_accounts_credit_hold_reason');
  await knex.schema.alterTable('customer_accounts', (t) => {
    t.dropColumn('credit_hold_changed_at');
    t.dropColumn('credit_hold_reason');
    t.dropColumn('credit_hold');
    t.dropColumn('available_credit_cents');
  });
}
