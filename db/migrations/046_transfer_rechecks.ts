import type { Knex } from 'knex';

/**
 * The re-check of settled payments' transfers at the processor (activities/transfer-recheck.ts):
 * when each payment was last read back, what the processor showed (a fingerprint of its
 * return, refunds and disputes), and when that news was last handed to the payment's workflow.
 * One row per payment; a payment is read back at most once per interval while its money can
 * still come back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transfer_rechecks', (t) => {
    t.uuid('payment_id').primary().references('payments.id').onDelete('cascade');
    t.timestamp('checked_at', { useTz: true }).notNullable();
    t.text('fingerprint');
    t.timestamp('signalled_at', { useTz: true });
  });
  await knex.schema.alterTable('payments', (t) => {
    t.index(['settled_at'], 'payments_settled_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => t.dropIndex(['settled_at'], 'payments_settled_at'));
  await knex.schema.dropTable('transfer_rechecks');
}
