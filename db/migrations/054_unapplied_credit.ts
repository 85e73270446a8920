import type { Knex } from 'knex';

/**
 * Unapplied (on-account) credit (docs/unapplied-credit.md). A payment may carry more than the
 * items it pays, when the dealer allows it: the excess is an `unapplied` application, posted to
 * the GL as unapplied cash, and becomes an entry in the customer account's credit ledger once
 * the payment settles. Applying that credit to a later invoice is a negative entry, posted as
 * an `unapplied_cash_application` line under the payment the money came from. The balance is the
 * sum of the entries and never goes below zero (checked in db/account-credits.ts under the
 * account row's lock). A payment whose invoice was paid elsewhere while it was in flight is
 * flagged (`paid_elsewhere_cents`), and its excess becomes credit the same way when it settles.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dealers', (t) => {
    t.boolean('allow_overpayment').notNullable().defaultTo(false);
  });

  await knex.schema.alterTable('payments', (t) => {
    t.bigInteger('on_account_cents').notNullable().defaultTo(0);
    // What the ERP says was paid some other way on items this payment holds, seen by the sync while it was in flight.
    t.bigInteger('paid_elsewhere_cents').notNullable().defaultTo(0);
    t.timestamp('paid_elsewhere_at', { useTz: true });
  });
  await knex.raw('alter table payments drop constraint payments_money');
  await knex.raw(`alter table payments add constraint payments_money check (
    items_cents >= 0 and credits_cents >= 0 and discount_cents >= 0 and fee_cents >= 0 and on_account_cents >= 0
    and processing_cost_cents >= 0 and amount_cents > 0 and paid_elsewhere_cents >= 0
    and amount_cents = items_cents - credits_cents - discount_cents + on_account_cents + fee_cents)`);

  await knex.raw('alter table payment_applications drop constraint payment_applications_item_type_check');
  await knex.raw(`alter table payment_applications add constraint payment_applications_item_type_check
    check (item_type in ('invoice', 'debit', 'credit', 'discount', 'terms_discount', 'unapplied'))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_target');
  await knex.raw(`alter table payment_applications add constraint payment_applications_target check (
    amount_cents > 0 and (
      (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)
      or (item_type = 'discount' and statement_id is not null and invoice_id is null and adjustment_id is null)
      or (item_type = 'terms_discount' and invoice_id is not null and statement_id is null and adjustment_id is null)
      or (item_type = 'unapplied' and invoice_id is null and statement_id is null and adjustment_id is null)))`);

  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_line_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_line_type_check
    check (line_type in ('invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'terms_discount', 'unapplied_cash', 'unapplied_cash_application', 'reversal'))`);
  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_document_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_document_type_check
    check (document_type in ('invoice', 'debit', 'credit_memo', 'discount', 'unapplied_cash', 'reversal'))`);

  await knex.schema.createTable('account_credit_entries', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.text('kind').notNullable().checkIn(['overpayment', 'paid_elsewhere', 'application', 'application_reversed', 'credit_reversed']);
    // Signed: credit created (+), applied (−), an application undone (+), credit taken back (−).
    t.bigInteger('amount_cents').notNullable();
    // Whose money it is: the payment that brought it in (for an application, the one it draws on).
    t.uuid('payment_id').notNullable().references('payments.id');
    // A creation: the payment's `unapplied` application it stands for (one entry each).
    t.bigInteger('payment_application_id').unique().references('payment_applications.id');
    // An application or a reversal: the creation entry it draws on or takes back.
    t.uuid('source_entry_id').references('account_credit_entries.id');
    // An undone application: the application entry it undoes (once).
    t.uuid('reverses_entry_id').unique().references('account_credit_entries.id');
    t.uuid('invoice_id');
    t.uuid('gl_line_id').references('gl_posting_lines.id');
    t.text('actor_kind').notNullable().checkIn(['system', 'operator', 'customer']);
    t.uuid('actor_id');
    t.text('note');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.foreign(['dealer_id', 'invoice_id']).references(['dealer_id', 'id']).inTable('invoices');
    t.index(['customer_account_id', 'created_at']);
    t.index(['payment_id']);
    t.index(['source_entry_id']);
  });
  await knex.raw(`alter table account_credit_entries add constraint account_credit_entries_shape check (
    amount_cents <> 0 and (
      (kind in ('overpayment', 'paid_elsewhere') and amount_cents > 0 and payment_application_id is not null and source_entry_id is null)
      or (kind = 'application' and amount_cents < 0 and source_entry_id is not null and invoice_id is not null)
      or (kind = 'application_reversed' and amount_cents > 0 and source_entry_id is not null and reverses_entry_id is not null)
      or (kind = 'credit_reversed' and amount_cents < 0 and source_entry_id is not null)))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('account_credit_entries');
  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_document_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_document_type_check
    check (document_type in ('invoice', 'debit', 'credit_memo', 'discount', 'reversal'))`);
  await knex.raw('alter table gl_posting_lines drop constraint gl_posting_lines_line_type_check');
  await knex.raw(`alter table gl_posting_lines add constraint gl_posting_lines_line_type_check
    check (line_type in ('invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'terms_discount', 'reversal'))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_target');
  await knex.raw(`alter table payment_applications add constraint payment_applications_target check (
    amount_cents > 0 and (
      (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)
      or (item_type = 'discount' and statement_id is not null and invoice_id is null and adjustment_id is null)
      or (item_type = 'terms_discount' and invoice_id is not null and statement_id is null and adjustment_id is null)))`);
  await knex.raw('alter table payment_applications drop constraint payment_applications_item_type_check');
  await knex.raw(`alter table payment_applications add constraint payment_applications_item_type_check
    check (item_type in ('invoice', 'debit', 'credit', 'discount', 'terms_discount'))`);
  await knex.raw('alter table payments drop constraint payments_money');
  await knex.raw(`alter table payments add constraint payments_money check (
    items_cents >= 0 and credits_cents >= 0 and discount_cents >= 0 and fee_cents >= 0
    and processing_cost_cents >= 0 and amount_cents > 0
    and amount_cents = items_cents - credits_cents - discount_cents + fee_cents)`);
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('on_account_cents');
    t.dropColumn('paid_elsewhere_cents');
    t.dropColumn('paid_elsewhere_at');
  });
  await knex.schema.alterTable('dealers', (t) => t.dropColumn('allow_overpayment'));
}
