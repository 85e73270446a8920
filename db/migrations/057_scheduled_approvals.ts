import type { Knex } from 'knex';

/**
 * A scheduled payment above the company's approval threshold waits for an owner like a payment
 * made now (docs/company-roles.md): the approval keeps the date it is to be paid on, and once
 * approved, the schedule it became.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_approvals', (t) => {
    // Null: a payment to be made at once when approved.
    t.date('scheduled_for');
    t.uuid('scheduled_payment_id');
    t.foreign(['dealer_id', 'scheduled_payment_id']).references(['dealer_id', 'id']).inTable('scheduled_payments');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_approvals', (t) => {
    t.dropForeign(['dealer_id', 'scheduled_payment_id']);
    t.dropColumn('scheduled_payment_id');
    t.dropColumn('scheduled_for');
  });
}
