import type { Knex } from 'knex';

/** Dealers, their operators, sessions and single-use tokens, and the append-only audit log. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists citext');

  await knex.schema.createTable('dealers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
    t.text('integration_mode').notNullable().checkIn(['spruce', 'file']);
    t.text('time_zone').notNullable().defaultTo('America/Chicago');
    // Local wall-clock time (HH:MM) at which the day's settlement closes.
    t.text('settlement_cutoff').notNullable().defaultTo('17:00');
    t.text('fee_payer').notNullable().defaultTo('customer').checkIn(['dealer', 'customer']);
    t.bigInteger('ach_fee_cents').notNullable().defaultTo(0);
    // Rates in basis points (1/100 of a percent) keep fee maths in integers.
    t.integer('card_credit_rate_bps').notNullable().defaultTo(0);
    t.integer('card_debit_rate_bps').notNullable().defaultTo(0);
    t.bigInteger('card_flat_fee_cents').notNullable().defaultTo(0);
    t.specificType('surcharge_forbidden_states', 'text[]').notNullable().defaultTo('{}');
    t.boolean('allow_partial_payments').notNullable().defaultTo(true);
    t.boolean('bills_by_statement').notNullable().defaultTo(false);
    t.text('spruce_base_url');
    t.text('spruce_api_key');
    t.text('spruce_tenant_id');
    t.text('moov_account_id');
    t.timestamps(true, true);
  });
  await knex.raw(`alter table dealers add constraint dealers_fees_non_negative check (
    ach_fee_cents >= 0 and card_flat_fee_cents >= 0 and card_credit_rate_bps between 0 and 10000
    and card_debit_rate_bps between 0 and 10000)`);
  await knex.raw(`alter table dealers add constraint dealers_cutoff_format check (settlement_cutoff ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`);

  await knex.schema.createTable('operator_users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.specificType('email', 'citext').notNullable().unique();
    t.text('name').notNullable();
    t.text('role').notNullable().checkIn(['admin', 'ar_operator']);
    t.text('password_hash');
    t.text('status').notNullable().defaultTo('invited').checkIn(['invited', 'active', 'disabled']);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['dealer_id']);
  });

  await knex.schema.createTable('sessions', (t) => {
    // The cookie carries a random token; only its SHA-256 is stored.
    t.text('token_hash').primary();
    t.text('user_kind').notNullable().checkIn(['operator', 'customer']);
    t.uuid('user_id').notNullable();
    t.text('csrf_token').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_kind', 'user_id']);
  });

  await knex.schema.createTable('auth_tokens', (t) => {
    t.text('token_hash').primary();
    t.text('purpose').notNullable().checkIn(['operator_invite', 'operator_password_reset', 'portal_password_reset']);
    t.uuid('subject_id').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id');
    t.uuid('dealer_id').references('dealers.id').onDelete('cascade');
    t.text('actor_kind').notNullable().checkIn(['operator', 'customer', 'system', 'processor', 'erp']);
    t.text('actor_id');
    t.text('action').notNullable();
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id', 'entity_type', 'entity_id']);
    t.index(['dealer_id', 'at']);
  });
  // Append-only: history that can be edited is not history.
  await knex.raw(`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_events is append-only'; end $$;
    create trigger audit_events_no_update before update or delete on audit_events
      for each row execute function audit_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
  await knex.raw('drop function if exists audit_events_append_only()');
  await knex.schema.dropTable('auth_tokens');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('operator_users');
  await knex.schema.dropTable('dealers');
}
