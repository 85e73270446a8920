import type { Knex } from 'knex';

/**
 * GL posting bookkeeping. A line remembers the payment application it came from (so a return
 * can reverse exactly that line) and, for a reversal, the line it reverses. A posting run is
 * the persisted progress of one `gl-posting-<settlementId>` workflow, so the API can show
 * "waiting for Spruce" and the last error without asking Temporal. Each dealer names the GL
 * account its statement discounts post to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gl_posting_lines', (t) => {
    t.bigInteger('payment_application_id').references('payment_applications.id');
    t.uuid('reverses_line_id').references('gl_posting_lines.id');
    t.unique(['reverses_line_id']);
    t.index(['settlement_id', 'payment_id']);
  });

  await knex.schema.alterTable('dealers', (t) => {
    t.text('discount_gl_account').notNullable().defaultTo('4900');
  });

  await knex.schema.createTable('gl_posting_runs', (t) => {
    t.uuid('settlement_id').primary().references('settlements.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable().defaultTo('running').checkIn(['running', 'completed', 'failed']);
    t.text('current_category').checkIn(['invoices', 'credit_adjustments', 'debit_adjustments']);
    t.boolean('waiting_for_erp').notNullable().defaultTo(false);
    t.text('last_error');
    t.timestamp('last_error_at', { useTz: true });
    t.integer('run_count').notNullable().defaultTo(1);
    t.uuid('started_by').references('operator_users.id');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gl_posting_runs');
  await knex.schema.alterTable('dealers', (t) => {
    t.dropColumn('discount_gl_account');
  });
  await knex.schema.alterTable('gl_posting_lines', (t) => {
    t.dropIndex(['settlement_id', 'payment_id']);
    t.dropUnique(['reverses_line_id']);
    t.dropColumn('reverses_line_id');
    t.dropColumn('payment_application_id');
  });
}
