import type { Knex } from 'knex';

/**
 * Settlements batch settled payments per dealer and business day; each posts to the ERP
 * general ledger in three categories with their own state. Every GL line carries an
 * idempotency key derived from its business ids, so no retry can post it twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('settlements', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('number').notNullable().unique();
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.date('business_date').notNullable();
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'ready', 'partially_posted', 'posted', 'resolved']);
    t.integer('payment_count').notNullable().defaultTo(0);
    t.bigInteger('gross_cents').notNullable().defaultTo(0);
    t.bigInteger('fee_cents').notNullable().defaultTo(0);
    t.bigInteger('net_cents').notNullable().defaultTo(0);
    t.text('workflow_id').notNullable().unique();
    t.timestamp('closes_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.uuid('resolved_by').references('operator_users.id');
    t.timestamps(true, true);
    t.unique(['dealer_id', 'business_date']);
    t.index(['dealer_id', 'status']);
  });

  await knex.schema.createTable('settlement_categories', (t) => {
    t.uuid('settlement_id').notNullable().references('settlements.id').onDelete('cascade');
    t.text('category').notNullable().checkIn(['invoices', 'credit_adjustments', 'debit_adjustments']);
    t.integer('line_count').notNullable().defaultTo(0);
    t.bigInteger('amount_cents').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('unposted').checkIn(['empty', 'unposted', 'posting', 'posted']);
    t.timestamp('posted_at', { useTz: true });
    t.text('post_method').checkIn(['auto', 'manual']);
    t.uuid('posted_by').references('operator_users.id');
    t.primary(['settlement_id', 'category']);
  });

  await knex.schema.createTable('gl_posting_lines', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('settlement_id').notNullable().references('settlements.id');
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.uuid('payment_id').notNullable().references('payments.id');
    t.text('category').notNullable().checkIn(['invoices', 'credit_adjustments', 'debit_adjustments']);
    t.text('line_type').notNullable().checkIn(['invoice_payment', 'credit_application', 'debit_payment', 'statement_discount', 'reversal']);
    t.text('erp_account_id').notNullable();
    t.text('erp_job_id');
    t.text('document_type').notNullable().checkIn(['invoice', 'debit', 'credit_memo', 'discount', 'reversal']);
    t.text('document_id').notNullable();
    t.text('applied_document_id');
    t.text('gl_account');
    // Signed: a reversal line is negative.
    t.bigInteger('amount_cents').notNullable();
    t.text('idempotency_key').notNullable().unique();
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'posted', 'rejected']);
    t.text('erp_posting_id');
    t.text('rejected_reason');
    t.timestamp('posted_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['settlement_id', 'category', 'status']);
    t.index(['payment_id']);
  });
  await knex.raw('alter table gl_posting_lines add constraint gl_posting_lines_nonzero check (amount_cents <> 0)');

  await knex.raw('alter table payments add constraint payments_settlement_fk foreign key (settlement_id) references settlements(id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table payments drop constraint payments_settlement_fk');
  for (const table of ['gl_posting_lines', 'settlement_categories', 'settlements']) {
    await knex.schema.dropTable(table);
  }
}
