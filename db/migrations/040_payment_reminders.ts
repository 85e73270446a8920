import type { Knex } from 'knex';

/**
 * Payment reminders (docs/reminders.md): each dealer's cadence and templates (off until an
 * admin turns them on), a per-account opt-out set by operators, and the sent log: one row per
 * contact and dealer-local date, which is also what holds "at most one reminder per contact
 * per day" (the unique key) beside the outbox's dedupe key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reminder_settings', (t) => {
    t.uuid('dealer_id').primary().references('dealers.id').onDelete('cascade');
    t.boolean('enabled').notNullable().defaultTo(false);
    // [{ kind: 'before_due' | 'on_due' | 'past_due' | 'statement_ready', days?: number }]
    t.jsonb('rules').notNullable();
    t.text('subject_template').notNullable();
    t.text('body_template').notNullable();
    t.uuid('updated_by').references('operator_users.id').onDelete('set null');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.alterTable('customer_accounts', (t) => {
    t.boolean('reminders_opted_out').notNullable().defaultTo(false);
  });

  await knex.schema.createTable('reminder_sends', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.specificType('contact_email', 'citext').notNullable();
    t.date('local_date').notNullable();
    t.uuid('email_id').notNullable().references('email_outbox.id').onDelete('cascade');
    // The rule ids that matched (`before_due:7`, `on_due`, …) and each item with its rule.
    t.jsonb('rules').notNullable();
    t.jsonb('items').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'contact_email', 'local_date']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['email_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reminder_sends');
  await knex.schema.alterTable('customer_accounts', (t) => t.dropColumn('reminders_opted_out'));
  await knex.schema.dropTable('reminder_settings');
}
