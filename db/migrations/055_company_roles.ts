import type { Knex } from 'knex';

/**
 * Contractor-side roles (docs/company-roles.md): every portal user has a role in its company
 * (existing users are the owners who set the company up); a project manager reaches only the
 * jobs assigned to them; a company may set an amount above which a non-owner's payment waits
 * for an owner's approval, with the items held meanwhile; and a job pay link pays one job's
 * open items without a login.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('portal_users', (t) => {
    t.text('role').notNullable().defaultTo('owner').checkIn(['owner', 'ap', 'project_manager']);
  });
  await knex.schema.alterTable('customer_companies', (t) => {
    // Null: no approval needed at any amount.
    t.bigInteger('approval_threshold_cents');
  });
  await knex.raw('alter table customer_companies add constraint customer_companies_approval_threshold_check check (approval_threshold_cents is null or approval_threshold_cents >= 0)');

  await knex.schema.createTable('portal_user_jobs', (t) => {
    t.uuid('portal_user_id').notNullable().references('portal_users.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('job_id').notNullable();
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['portal_user_id', 'job_id']);
    t.foreign(['dealer_id', 'job_id']).references(['dealer_id', 'id']).inTable('jobs').onDelete('cascade');
    t.index(['job_id']);
  });

  await knex.schema.createTable('payment_approvals', (t) => {
    t.uuid('id').primary();
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('customer_account_id').notNullable();
    t.uuid('company_id').notNullable().references('customer_companies.id');
    t.uuid('requested_by').notNullable().references('portal_users.id');
    t.text('status').notNullable().defaultTo('awaiting_approval').checkIn(['awaiting_approval', 'approved', 'declined', 'expired', 'failed']);
    // The portal's payment request as the requester made it; submitted as is once approved.
    t.jsonb('request').notNullable();
    t.bigInteger('quoted_amount_cents').notNullable();
    t.bigInteger('threshold_cents').notNullable();
    t.text('idempotency_key').notNullable();
    t.text('request_hash').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.uuid('decided_by').references('portal_users.id');
    t.timestamp('decided_at', { useTz: true });
    t.text('decline_reason');
    t.text('failure_reason');
    t.uuid('payment_id').references('payments.id');
    t.integer('reminders_sent').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dealer_id', 'id']);
    t.unique(['company_id', 'idempotency_key']);
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['company_id', 'status']);
  });
  await knex.schema.createTable('payment_approval_items', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('payment_approval_id').notNullable();
    t.text('item_type').notNullable().checkIn(['invoice', 'debit', 'credit']);
    t.uuid('invoice_id');
    t.uuid('adjustment_id');
    t.bigInteger('amount_cents').notNullable();
    t.text('state').notNullable().defaultTo('reserved').checkIn(['reserved', 'released']);
    t.foreign(['dealer_id', 'payment_approval_id']).references(['dealer_id', 'id']).inTable('payment_approvals').onDelete('cascade');
    t.foreign(['dealer_id', 'invoice_id']).references(['dealer_id', 'id']).inTable('invoices');
    t.foreign(['dealer_id', 'adjustment_id']).references(['dealer_id', 'id']).inTable('adjustments');
    t.index(['payment_approval_id']);
  });
  await knex.raw(`alter table payment_approval_items add constraint payment_approval_items_target check (
    amount_cents > 0 and ((item_type = 'invoice' and invoice_id is not null and adjustment_id is null)
      or (item_type in ('debit', 'credit') and adjustment_id is not null and invoice_id is null)))`);

  // A link that pays one job's open items without a login; only the token's hash is kept.
  // Whoever opens it pays as the link's own payer company (no users, no account links), so
  // the cards and bank accounts they link never mix with the contractor's.
  await knex.schema.createTable('job_pay_links', (t) => {
    t.uuid('id').primary();
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('job_id').notNullable();
    t.uuid('customer_account_id').notNullable();
    t.uuid('payer_company_id').notNullable().references('customer_companies.id');
    t.text('token_hash').notNullable().unique();
    t.text('payer_label');
    t.text('created_by_kind').notNullable().checkIn(['customer', 'operator']);
    t.uuid('created_by').notNullable();
    t.uuid('company_id').references('customer_companies.id');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_by_kind').checkIn(['customer', 'operator']);
    t.uuid('revoked_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['dealer_id', 'job_id']).references(['dealer_id', 'id']).inTable('jobs').onDelete('cascade');
    t.foreign(['dealer_id', 'customer_account_id']).references(['dealer_id', 'id']).inTable('customer_accounts').onDelete('cascade');
    t.index(['dealer_id', 'job_id']);
    t.index(['company_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_pay_links');
  await knex.schema.dropTable('payment_approval_items');
  await knex.schema.dropTable('payment_approvals');
  await knex.schema.dropTable('portal_user_jobs');
  await knex.raw('alter table customer_companies drop constraint customer_companies_approval_threshold_check');
  await knex.schema.alterTable('customer_companies', (t) => t.dropColumn('approval_threshold_cents'));
  await knex.schema.alterTable('portal_users', (t) => t.dropColumn('role'));
}
