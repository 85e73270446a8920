import type { Knex } from 'knex';

/**
 * Payments and what they pay. The payments table is the read model lists and dashboards
 * query; the payment workflow (`payment-<id>`) owns progress and keeps this row current.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payments', (t) => {
    t.uuid('id').primary();
    t.text('number').notNullable().unique();
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.uuid('customer_account_id').notNullable();
    t.uuid('company_id').notNullable().references('customer_companies.id');
    t.uuid('portal_user_id').references('portal_users.id');
    t.uuid('payment_method_id').notNullable().references('payment_methods.id');
    t.text('method').notNullable().checkIn(['ach', 'card']);
    t.text('card_funding');
    t.text('status').notNullable().checkIn(['pending', 'settled', 'frozen', 'terminated', 'failed', 'returned', 'disputed']);
    // What was selected, what credits took off, the customer-paid fee, the statement discount,
    // and what the customer is charged: amount = items - credits - discount + fee.
    t.bigInteger('items_cents').notNullable();
    t.bigInteger('credits_cents').notNullable().defaultTo(0);
    t.bigInteger('discount_cents').notNullable().defaultTo(0);
    t.bigInteger('fee_cents').notNullable().defaultTo(0);
    t.bigInteger('amount_cents').notNullable();
    // What the processor charges the dealer, recorded for the settlement whoever pays the fee.
    t.bigInteger('processing_cost_cents').notNullable().defaultTo(0);
    t.text('source_view').notNullable().defaultTo('all').checkIn(['all', 'current_statement', 'new_charges', 'amount']);
    t.uuid('statement_id');
    t.text('idempotency_key').notNullable();
    t.text('request_hash').notNullable();
    t.text('moov_transfer_id');
    t.text('moov_status');
    t.text('workflow_id').notNullable().unique();
    t.boolean('needs_investigation').notNullable().defaultTo(false);
    t.text('failure_code');
    t.text('failure_reason');
    t.text('return_code');
    t.text('hold_reason');
    t.uuid('settlement_id');
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('settled_at', { useTz: true });
    t.timestamp('returned_at', { useTz: true });
    t.timestamp('finalized_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['company_id', 'idempotency_key']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts');
    t.index(['dealer_id', 'submitted_at']);
    t.index(['dealer_id', 'status', 'submitted_at']);
    t.index(['customer_account_id', 'submitted_at']);
    t.index(['settlement_id']);
  });
  await knex.raw(`alter table payments add constraint payments_money check (
    items_cents >= 0 and credits_cents >= 0 and discount_cents >= 0 and fee_cents >= 0
    and processing_cost_cents >= 0 and amount_cents > 0
    and amount_cents = items_cents - credits_cents - discount_cents + fee_cents)`);

  await knex.schema.createTable('payment_applications', (t) => {
    t.bigIncrements('id');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.text('item_type').notNullable().checkIn(['invoice', 'debit', 'credit', 'discount']);
    t.uuid('invoice_id').references('invoices.id');
    t.uuid('adjustment_id').references('adjustments.id');
    t.uuid('statement_id').references('statements.id');
    // For a credit: the invoice it is applied to, so GL posting applies it there.
    t.uuid('applied_to_invoice_id').references('invoices.id');
    t.bigInteger('amount_cents').notNullable();
    // Reservation state of this application against the item's open balance.
    t.text('state').notNullable().defaultTo('reserved').checkIn(['reserved', 'applied', 'released', 'reversed']);
    t.index(['payment_id']);
    t.index(['invoice_id']);
    t.index(['adjustment_id']);
  });
  await knex.raw(`alter table payment_applications add constraint payment_applications_target check (
    amount_cents > 0 and (
      (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)
      or (item_type = 'discount' and statement_id is not null and invoice_id is null and adjustment_id is null)))`);

  await knex.schema.createTable('payment_events', (t) => {
    t.bigIncrements('id');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.text('from_status');
    t.text('to_status').notNullable();
    t.text('event').notNullable();
    t.text('actor_kind').notNullable();
    t.text('actor_id');
    t.text('reason');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['payment_id', 'at']);
  });

  // Processor and ERP webhook deliveries, de-duplicated by the sender's event id.
  await knex.schema.createTable('webhook_events', (t) => {
    t.bigIncrements('id');
    t.text('provider').notNullable().checkIn(['moov', 'spruce']);
    t.text('event_id').notNullable();
    t.text('event_type').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider', 'event_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['webhook_events', 'payment_events', 'payment_applications', 'payments']) {
    await knex.schema.dropTable(table);
  }
}
