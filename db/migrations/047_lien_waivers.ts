import type { Knex } from 'knex';

/**
 * Lien waivers tied to payments (docs/lien-waivers.md). One row per waiver document: a
 * conditional waiver per job a payment touches, written with the payment, and the
 * unconditional one that replaces it once the payment's money can no longer come back. What
 * the document says (job, customer, amount, through-date, form) is stored as it was issued,
 * so a later rename in the ERP never rewrites a waiver someone already received.
 * `lien_waiver_forms` is the dealer's choice of form (progress or final) per US state.
 * The payment key cannot go through dealer_id yet: payments has no (dealer_id, id) key
 * (test/tenant-keys.test.ts lists it with the others that wait for docs/scaling.md's migration).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('lien_waivers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('job_id').notNullable();
    t.text('kind').notNullable().checkIn(['conditional', 'unconditional']);
    t.text('form').notNullable().checkIn(['progress', 'final']);
    t.text('state');
    t.bigInteger('amount_cents').notNullable();
    t.date('through_date').notNullable();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'replaced', 'void']);
    t.text('job_name').notNullable();
    t.text('erp_job_id').notNullable();
    t.text('customer_name').notNullable();
    t.text('customer_address');
    t.text('void_reason');
    t.timestamp('status_changed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['payment_id', 'job_id', 'kind']);
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.foreign(['dealer_id', 'job_id']).references(['dealer_id', 'id']).inTable('jobs').onDelete('cascade');
    t.index(['dealer_id', 'job_id']);
    t.index(['customer_account_id']);
  });
  await knex.raw('alter table lien_waivers add constraint lien_waivers_amount check (amount_cents > 0)');
  await knex.raw("alter table lien_waivers add constraint lien_waivers_state check (state is null or state ~ '^[A-Z]{2}$')");

  await knex.schema.createTable('lien_waiver_forms', (t) => {
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('state').notNullable();
    t.text('form').notNullable().checkIn(['progress', 'final']);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['dealer_id', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('lien_waiver_forms');
  await knex.schema.dropTable('lien_waivers');
}
