import type { Knex } from 'knex';

/**
 * A credit used in a payment is applied to a charge so GL posting can post it against that
 * document: normally an invoice, but when the selection holds only debit adjustments it is
 * applied to a debit. Exactly one target (or none) per credit line.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_applications', (t) => {
    t.uuid('applied_to_adjustment_id').references('adjustments.id');
  });
  await knex.raw(`alter table payment_applications add constraint payment_applications_one_credit_target
    check (applied_to_invoice_id is null or applied_to_adjustment_id is null)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table payment_applications drop constraint payment_applications_one_credit_target');
  await knex.schema.alterTable('payment_applications', (t) => {
    t.dropColumn('applied_to_adjustment_id');
  });
}
