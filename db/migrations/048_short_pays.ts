import type { Knex } from 'knex';

/**
 * Short-pays (docs/short-pays.md): one row per invoice or debit a payment paid only in part
 * with the customer's reason. It is written with the payment's reservation, so the claim and
 * the money arrive together, and stays open until an operator resolves it; while open, the item
 * gets no payment reminders.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('short_pays', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.bigInteger('application_id').notNullable().unique().references('payment_applications.id').onDelete('cascade');
    t.text('item_type').notNullable().checkIn(['invoice', 'debit']);
    t.uuid('invoice_id');
    t.uuid('adjustment_id');
    t.bigInteger('paid_cents').notNullable();
    // What the item had left to pay when the customer paid part of it: the claim is the difference.
    t.bigInteger('open_before_cents').notNullable();
    t.text('reason').notNullable().checkIn(['damaged', 'short_shipped', 'pricing', 'other']);
    t.text('note');
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'resolved']);
    t.text('resolution').checkIn(['credit_issued', 'customer_to_pay', 'written_off']);
    t.text('resolution_note');
    t.uuid('resolved_by').references('operator_users.id');
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Keyed by dealer (docs/scaling.md): the item and the account can only be the dealer's own.
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.foreign(['dealer_id', 'invoice_id']).references(['dealer_id', 'id']).inTable('invoices');
    t.foreign(['dealer_id', 'adjustment_id']).references(['dealer_id', 'id']).inTable('adjustments');
    t.index(['dealer_id', 'status', 'created_at']);
    t.index(['invoice_id']);
    t.index(['adjustment_id']);
  });
  await knex.raw(`alter table short_pays add constraint short_pays_one_item
    check ((item_type = 'invoice' and invoice_id is not null and adjustment_id is null) or (item_type = 'debit' and adjustment_id is not null and invoice_id is null))`);
  await knex.raw('alter table short_pays add constraint short_pays_partial check (paid_cents > 0 and paid_cents < open_before_cents)');
  await knex.raw(`alter table short_pays add constraint short_pays_resolved
    check ((status = 'open' and resolution is null and resolved_at is null) or (status = 'resolved' and resolution is not null and resolved_at is not null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('short_pays');
}
