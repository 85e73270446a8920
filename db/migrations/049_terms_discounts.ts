import type { Knex } from 'knex';

/**
 * Per-invoice cash-discount terms (docs/terms-discounts.md). An invoice may carry the ERP's
 * terms ("2% 10th Prox"), the discount it earns and the last day to earn it, as the ERP
 * computed them: Drypowder never turns a percentage into cents itself, so the amount is the
 * ERP's to the cent. A payment that earns it holds a `terms_discount` application on the
 * invoice, posted to the GL as a `terms_discount` line. Dealers may allow a few days of grace.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.text('terms');
    t.bigInteger('terms_discount_cents');
    t.date('terms_discount_date');
  });
  await knex.raw(`alter table invoices add constraint invoices_terms_discount check (
    (terms_discount_cents is null and terms_discount_date is null)
    or (terms_discount_cents > 0 and terms_discount_cents < amount_cents and terms_discount_date is not null))`);

  await knex.schema.alterTable('dealers', (t) => {
    t.integer('terms_discount_grace_days').notNullable().defaultTo(0);
  });
  await knex.raw('alter table dealers add constraint dealers_terms_discount_grace_days check (terms_discount_grace_days between 0 and 10)');

  await knex.raw('alter table payment_applications drop constraint payment_applications_item_type_check');
  await knex.raw(`alter table payment_applications add constraint payment_applications_item_type_check
    check (item_type in ('invoice', 'debit', 'credit', 'discount', 'terms_discount'))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_target');
  await knex.raw(`alter table payment_applications add constraint payment_applications_target check (
    amount_cents > 0 and (
      (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)
      or (item_type = 'discount' and statement_id is not null and invoice_id is null and adjustment_id is null)
      or (item_type = 'terms_discount' and invoice_id is not null and statement_id is null and adjustment_id is null)))`);

  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_line_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_line_type_check
    check (line_type in ('invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'terms_discount', 'reversal'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_line_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_line_type_check
    check (line_type in ('invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'reversal'))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_target');
  await knex.raw(`alter table payment_applications add constraint payment_applications_target check (
    amount_cents > 0 and (
      (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)
      or (item_type = 'discount' and statement_id is not null and invoice_id is null and adjustment_id is null)))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_item_type_check');
  await knex.raw(`alter table payment_applications add constraint payment_applications_item_type_check check (item_type in ('invoice', 'debit', 'credit', 'discount'))`);
  await knex.raw('alter table dealers drop constraint dealers_terms_discount_grace_days');
  await knex.schema.alterTable('dealers', (t) => t.dropColumn('terms_discount_grace_days'));
  await knex.raw('alter table invoices drop constraint invoices_terms_discount');
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('terms');
    t.dropColumn('terms_discount_cents');
    t.dropColumn('terms_discount_date');
  });
}
