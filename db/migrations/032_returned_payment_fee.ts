import type { Knex } from 'knex';

/**
 * A dealer may charge a fee when a customer's ACH payment comes back (NSF and the other
 * returns). The amount is a dealer setting (0 = off). The fee itself is an ordinary debit
 * adjustment on the customer's account, so the portal, the dashboard and GL posting treat it
 * like any other; `returned_payment_fees` ties it to the payment whose return caused it. Its
 * key is the payment, so one payment can never be charged twice, however often its return is
 * reported. `erp_status` follows the copy sent to Spruce (file-based dealers: `books_only`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dealers', (t) => {
    t.bigInteger('returned_payment_fee_cents').notNullable().defaultTo(0);
  });
  await knex.raw('alter table dealers add constraint dealers_returned_payment_fee check (returned_payment_fee_cents between 0 and 50000)');

  await knex.schema.createTable('returned_payment_fees', (t) => {
    t.uuid('payment_id').primary().references('payments.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('adjustment_id').notNullable().unique().references('adjustments.id');
    t.bigInteger('amount_cents').notNullable();
    t.text('return_code').notNullable();
    t.text('erp_status').notNullable().checkIn(['books_only', 'pending', 'sent', 'refused']);
    t.text('erp_error');
    t.timestamp('erp_sent_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id', 'erp_status']);
  });
  await knex.raw('alter table returned_payment_fees add constraint returned_payment_fees_amount check (amount_cents > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('returned_payment_fees');
  await knex.raw('alter table dealers drop constraint dealers_returned_payment_fee');
  await knex.schema.alterTable('dealers', (t) => {
    t.dropColumn('returned_payment_fee_cents');
  });
}
