import type { Knex } from 'knex';

/**
 * Autopay (docs/autopay.md). An enrolment is a standing instruction from a customer to pay one
 * dealer account with one saved method by a rule, with the recurring ACH authorization the
 * customer gave (its exact words, version, who, from where, when, which account). Each debit
 * cycle is a row in `autopay_cycles` keyed by the enrolment and what it pays, so a retried
 * debit finds its cycle and its payment rather than making a second one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('autopay_enrolments', (t) => {
    t.uuid('id').primary();
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('company_id').notNullable().references('customer_companies.id');
    t.uuid('portal_user_id').references('portal_users.id');
    t.uuid('payment_method_id').notNullable().references('payment_methods.id');
    t.text('rule').notNullable().checkIn(['statement_discount_date', 'statement_due_date', 'invoice_before_due']);
    t.integer('days_before_due');
    t.bigInteger('max_amount_cents');
    t.integer('notice_days').notNullable();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'needs_attention', 'suspended', 'canceled']);
    t.text('attention_reason');
    // The recurring authorization as given: never edited after enrolment.
    t.text('authorization_version');
    t.text('authorization_text');
    t.text('account_mask').notNullable();
    t.text('account_holder_type').checkIn(['business', 'consumer']);
    t.text('authorized_ip');
    t.text('authorized_user_agent');
    t.timestamp('authorized_at', { useTz: true }).notNullable();
    t.timestamp('suspended_at', { useTz: true });
    t.timestamp('canceled_at', { useTz: true });
    t.text('canceled_by_kind').checkIn(['customer', 'operator']);
    t.text('workflow_id').notNullable();
    t.timestamp('workflow_started_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['company_id', 'status']);
    t.index(['dealer_id', 'customer_account_id']);
  });
  await knex.raw(`alter table autopay_enrolments add constraint autopay_enrolments_rule check (
    (rule = 'invoice_before_due' and days_before_due between 0 and 30) or (rule <> 'invoice_before_due' and days_before_due is null))`);
  await knex.raw('alter table autopay_enrolments add constraint autopay_enrolments_max check (max_amount_cents is null or max_amount_cents > 0)');
  // One live enrolment per dealer account: two would debit the same statement twice.
  await knex.raw(`create unique index autopay_enrolments_one_live on autopay_enrolments (customer_account_id) where status <> 'canceled'`);

  await knex.schema.createTable('autopay_cycles', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('enrolment_id').notNullable();
    t.text('cycle_key').notNullable();
    t.date('debit_date').notNullable();
    t.uuid('statement_id');
    t.bigInteger('amount_cents');
    t.text('state').notNullable().defaultTo('planned').checkIn(['planned', 'noticed', 'paid', 'stopped']);
    t.text('stop_reason');
    t.uuid('payment_id').references('payments.id');
    t.timestamp('noticed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'id']);
    t.unique(['enrolment_id', 'cycle_key']);
    t.foreign(['dealer_id', 'enrolment_id']).references(['dealer_id', 'id']).inTable('autopay_enrolments').onDelete('cascade');
    t.foreign(['dealer_id', 'statement_id']).references(['dealer_id', 'id']).inTable('statements').onDelete('cascade');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('autopay_cycles');
  await knex.schema.dropTable('autopay_enrolments');
}
