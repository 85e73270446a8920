import type { Knex } from 'knex';

/**
 * The dealer's receivables as they come from Spruce or CSV: accounts, contacts, jobs,
 * invoices, credit/debit adjustments and statements. `erp_seq` is the Spruce change-feed
 * sequence that last wrote the row, so a replayed or out-of-order change never regresses it.
 * `reserved_cents` holds amounts in flight in unfinished payments; the check
 * `reserved_cents <= balance_cents` makes over-payment impossible even under races.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_accounts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('erp_account_id').notNullable();
    t.text('name').notNullable();
    t.text('account_type').notNullable().defaultTo('credit');
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'inactive']);
    t.bigInteger('credit_limit_cents');
    t.text('address_line1');
    t.text('city');
    t.text('state');
    t.text('postal_code');
    t.text('phone');
    t.boolean('portal_access_disabled').notNullable().defaultTo(false);
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamp('deleted_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['dealer_id', 'erp_account_id']);
    t.unique(['dealer_id', 'id']);
  });
  await knex.raw('alter table customer_accounts add constraint customer_accounts_credit_limit check (credit_limit_cents is null or credit_limit_cents >= 0)');
  await knex.raw('create index customer_accounts_name_trgm on customer_accounts (dealer_id, lower(name) text_pattern_ops)');

  await knex.schema.createTable('contacts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.text('erp_contact_id').notNullable();
    t.text('name').notNullable();
    t.specificType('email', 'citext');
    t.text('phone');
    t.text('role');
    t.boolean('is_primary').notNullable().defaultTo(false);
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamp('deleted_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['dealer_id', 'erp_contact_id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['customer_account_id']);
  });

  await knex.schema.createTable('jobs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.text('erp_job_id').notNullable();
    t.text('name').notNullable();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'closed']);
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.unique(['dealer_id', 'erp_job_id']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['customer_account_id']);
  });

  await knex.schema.createTable('statements', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.text('statement_number').notNullable();
    t.date('statement_date').notNullable();
    t.bigInteger('balance_cents').notNullable();
    t.bigInteger('discount_cents').notNullable().defaultTo(0);
    t.date('discount_date');
    t.date('due_date').notNullable();
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'paid', 'closed']);
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.unique(['dealer_id', 'statement_number']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['customer_account_id', 'statement_date']);
  });
  await knex.raw('alter table statements add constraint statements_money check (balance_cents >= 0 and discount_cents >= 0 and discount_cents <= balance_cents)');

  await knex.schema.createTable('invoices', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('job_id');
    t.uuid('statement_id');
    t.text('invoice_number').notNullable();
    t.date('invoice_date').notNullable();
    t.date('due_date').notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.bigInteger('balance_cents').notNullable();
    t.bigInteger('reserved_cents').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'partially_paid', 'paid', 'void']);
    t.text('po_number');
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.unique(['dealer_id', 'invoice_number']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.foreign(['dealer_id', 'job_id']).references(['dealer_id', 'id']).inTable('jobs');
    t.foreign(['dealer_id', 'statement_id']).references(['dealer_id', 'id']).inTable('statements');
    t.index(['customer_account_id', 'status']);
    t.index(['dealer_id', 'status', 'due_date']);
  });
  await knex.raw(`alter table invoices add constraint invoices_money check (
    amount_cents >= 0 and balance_cents >= 0 and balance_cents <= amount_cents
    and reserved_cents >= 0 and reserved_cents <= balance_cents)`);

  await knex.schema.createTable('adjustments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('job_id');
    t.uuid('statement_id');
    // credit: credits, discounts, write-offs (reduce what is owed); debit: extra charges, corrections.
    t.text('kind').notNullable().checkIn(['credit', 'debit']);
    t.text('reason').notNullable().defaultTo('other').checkIn(['credit', 'discount', 'write_off', 'charge', 'correction', 'finance_charge', 'other']);
    t.text('adjustment_number').notNullable();
    t.text('voucher_id');
    t.text('applies_to_invoice_number');
    t.text('currency').notNullable().defaultTo('USD');
    t.date('transaction_date');
    t.date('due_date');
    // Magnitudes: kind carries the sign.
    t.bigInteger('amount_cents').notNullable();
    t.bigInteger('balance_cents').notNullable();
    t.bigInteger('reserved_cents').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'partially_applied', 'applied', 'void']);
    t.text('description');
    t.bigInteger('erp_seq').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.unique(['dealer_id', 'adjustment_number']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.foreign(['dealer_id', 'job_id']).references(['dealer_id', 'id']).inTable('jobs');
    t.foreign(['dealer_id', 'statement_id']).references(['dealer_id', 'id']).inTable('statements');
    t.index(['customer_account_id', 'kind', 'status']);
  });
  await knex.raw(`alter table adjustments add constraint adjustments_money check (
    amount_cents >= 0 and balance_cents >= 0 and balance_cents <= amount_cents
    and reserved_cents >= 0 and reserved_cents <= balance_cents and currency = 'USD')`);

  await knex.schema.createTable('statement_items', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('statement_id').notNullable();
    t.text('item_type').notNullable().checkIn(['invoice', 'credit', 'debit']);
    t.uuid('invoice_id').references('invoices.id').onDelete('cascade');
    t.uuid('adjustment_id').references('adjustments.id').onDelete('cascade');
    t.bigInteger('amount_cents').notNullable();
    t.foreign(['dealer_id', 'statement_id']).references(['dealer_id', 'id']).inTable('statements').onDelete('cascade');
    t.index(['statement_id']);
  });
  await knex.raw(`alter table statement_items add constraint statement_items_one_target check (
    (item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
    or (item_type <> 'invoice' and adjustment_id is not null and invoice_id is null))`);

  // Precomputed per-account statistics for the Customers Dashboard, kept current for the
  // accounts each change touches. Days overdue are hundredths of a day (no floats).
  await knex.schema.createTable('account_stats', (t) => {
    t.uuid('customer_account_id').primary().references('customer_accounts.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.bigInteger('outstanding_cents').notNullable().defaultTo(0);
    t.bigInteger('current_cents').notNullable().defaultTo(0);
    t.bigInteger('past_due_cents').notNullable().defaultTo(0);
    t.bigInteger('aging_1_30_cents').notNullable().defaultTo(0);
    t.bigInteger('aging_31_60_cents').notNullable().defaultTo(0);
    t.bigInteger('aging_61_90_cents').notNullable().defaultTo(0);
    t.bigInteger('aging_91_plus_cents').notNullable().defaultTo(0);
    t.bigInteger('debit_adjustments_cents').notNullable().defaultTo(0);
    t.bigInteger('credit_adjustments_cents').notNullable().defaultTo(0);
    t.bigInteger('discounts_cents').notNullable().defaultTo(0);
    t.integer('open_invoice_count').notNullable().defaultTo(0);
    t.integer('current_invoice_count').notNullable().defaultTo(0);
    t.integer('past_due_invoice_count').notNullable().defaultTo(0);
    t.integer('weighted_days_overdue_x100').notNullable().defaultTo(0);
    t.smallint('collection_priority').notNullable().defaultTo(0);
    t.jsonb('priority_components').notNullable().defaultTo('{}');
    t.date('as_of').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id', 'collection_priority']);
    t.index(['dealer_id', 'outstanding_cents']);
  });
  await knex.raw('alter table account_stats add constraint account_stats_priority check (collection_priority between 0 and 10)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['account_stats', 'statement_items', 'adjustments', 'invoices', 'statements', 'jobs', 'contacts', 'customer_accounts']) {
    await knex.schema.dropTable(table);
  }
}
