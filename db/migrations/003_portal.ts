import type { Knex } from 'knex';

/**
 * Customer side: a company (the contractor) with portal users; links from the company to
 * the dealer accounts it may see and pay (one login can pay several dealers); invitations;
 * saved payment methods (only processor ids and display data — never card or bank numbers).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_companies', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('moov_account_id');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('portal_users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('company_id').notNullable().references('customer_companies.id').onDelete('cascade');
    t.specificType('email', 'citext').notNullable().unique();
    t.text('name').notNullable();
    t.text('password_hash').notNullable();
    t.text('terms_version').notNullable();
    t.timestamp('terms_accepted_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'disabled']);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['company_id']);
  });

  await knex.schema.createTable('company_account_links', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('company_id').notNullable().references('customer_companies.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable().unique();
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'disabled']);
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['company_id', 'dealer_id']);
  });

  await knex.schema.createTable('invitations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.specificType('email', 'citext').notNullable();
    t.text('token_hash').notNullable().unique();
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'accepted', 'declined', 'expired', 'superseded']);
    t.uuid('invited_by').references('operator_users.id');
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('responded_at', { useTz: true });
    t.uuid('accepted_by_portal_user_id').references('portal_users.id');
    t.timestamps(true, true);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['customer_account_id', 'created_at']);
  });
  // At most one live invitation per account: a resend supersedes the previous one.
  await knex.raw(`create unique index invitations_one_pending on invitations (customer_account_id) where status = 'pending'`);

  await knex.schema.createTable('payment_methods', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('company_id').notNullable().references('customer_companies.id').onDelete('cascade');
    t.text('kind').notNullable().checkIn(['ach', 'card']);
    t.text('moov_payment_method_id').notNullable();
    t.text('moov_source_id').notNullable();
    t.text('label').notNullable();
    t.text('last4').notNullable();
    t.text('bank_name');
    t.text('card_brand');
    t.text('card_funding').checkIn(['credit', 'debit', 'prepaid', 'unknown']);
    t.text('billing_state');
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'disabled']);
    t.text('disabled_reason');
    t.timestamps(true, true);
    t.unique(['company_id', 'moov_payment_method_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['payment_methods', 'invitations', 'company_account_links', 'portal_users', 'customer_companies']) {
    await knex.schema.dropTable(table);
  }
}
