import type { Knex } from 'knex';

/**
 * Scheduled one-off payments (docs/scheduled-payments.md). The customer picks the items and a
 * future date; the items are reserved from that moment (`scheduled_payment_items`, counted in
 * the items' `reserved_cents` like a payment in flight), and on the date the scheduled payment
 * becomes an ordinary payment (`payment_id`). Cancelled or failed ones give their reservations back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scheduled_payments', (t) => {
    t.uuid('id').primary();
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('company_id').notNullable().references('customer_companies.id');
    t.uuid('portal_user_id').references('portal_users.id');
    t.uuid('payment_method_id').notNullable().references('payment_methods.id');
    t.date('scheduled_for').notNullable();
    t.timestamp('run_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('scheduled').checkIn(['scheduled', 'submitted', 'canceled', 'failed']);
    // The selection as the customer made it (the portal's payment request), re-quoted on the day.
    t.jsonb('request').notNullable();
    t.bigInteger('quoted_amount_cents').notNullable();
    t.text('ach_authorization_version');
    t.text('idempotency_key').notNullable();
    t.text('request_hash').notNullable();
    t.uuid('payment_id').references('payments.id');
    t.text('failure_reason');
    t.timestamp('canceled_at', { useTz: true });
    t.text('canceled_by_kind').checkIn(['customer', 'operator']);
    t.uuid('canceled_by');
    t.text('workflow_id').notNullable();
    // Set once its workflow is known to run: the sweep starts only schedules whose start was lost.
    t.timestamp('workflow_started_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'id']);
    t.unique(['company_id', 'idempotency_key']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['dealer_id', 'status', 'scheduled_for']);
    t.index(['company_id', 'status']);
  });
  await knex.schema.createTable('scheduled_payment_items', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('scheduled_payment_id').notNullable();
    t.text('item_type').notNullable().checkIn(['invoice', 'debit', 'credit']);
    t.uuid('invoice_id');
    t.uuid('adjustment_id');
    t.bigInteger('amount_cents').notNullable();
    t.text('state').notNullable().defaultTo('reserved').checkIn(['reserved', 'released', 'dropped']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'scheduled_payment_id']).references(['dealer_id', 'id']).inTable('scheduled_payments').onDelete('cascade');
    t.foreign(['dealer_id', 'invoice_id']).references(['dealer_id', 'id']).inTable('invoices');
    t.foreign(['dealer_id', 'adjustment_id']).references(['dealer_id', 'id']).inTable('adjustments');
    t.index(['scheduled_payment_id']);
    t.index(['invoice_id']);
    t.index(['adjustment_id']);
  });
  await knex.raw(`alter table scheduled_payment_items add constraint scheduled_payment_items_target check (
    amount_cents > 0 and ((item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scheduled_payment_items');
  await knex.schema.dropTable('scheduled_payments');
}
