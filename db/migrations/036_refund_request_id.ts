import type { Knex } from 'knex';

/**
 * The operator's refund request each refund reversal answers (the console's `request_id`), so
 * the same request sent again — a retried click, a client that lost the answer — finds the
 * refund it already made instead of being judged afresh against the payment's new state.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_reversals', (t) => {
    t.uuid('request_id');
  });
  await knex.raw('create unique index payment_reversals_request on payment_reversals (payment_id, request_id) where request_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists payment_reversals_request');
  await knex.schema.alterTable('payment_reversals', (t) => {
    t.dropColumn('request_id');
  });
}
