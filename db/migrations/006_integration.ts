import type { Knex } from 'knex';

/** ERP integration bookkeeping (Spruce sync cursor, CSV ingestion runs) and the email outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_state', (t) => {
    t.uuid('dealer_id').primary().references('dealers.id').onDelete('cascade');
    t.bigInteger('cursor').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('starting').checkIn(['starting', 'catching_up', 'live', 'degraded', 'resyncing']);
    t.timestamp('last_event_at', { useTz: true });
    t.timestamp('last_synced_at', { useTz: true });
    t.integer('lag_ms');
    t.bigInteger('events_applied').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('last_error_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('ingestion_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('uploaded_by').references('operator_users.id');
    t.text('status').notNullable().defaultTo('validating')
      .checkIn(['validating', 'validated', 'processing', 'succeeded', 'failed', 'cancelled']);
    t.text('error');
    t.text('workflow_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('validated_at', { useTz: true });
    t.timestamp('committed_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.index(['dealer_id', 'created_at']);
  });

  await knex.schema.createTable('ingestion_files', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('run_id').notNullable().references('ingestion_runs.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('data_type').notNullable().checkIn(['accounts', 'contacts', 'invoices', 'adjustments', 'statements']);
    t.text('filename').notNullable();
    t.text('content_sha256').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('storage_path').notNullable();
    t.text('status').notNullable().defaultTo('validating').checkIn(['validating', 'validated', 'refused', 'applied', 'failed']);
    t.text('refusal');
    t.integer('total_lines').notNullable().defaultTo(0);
    t.integer('valid_rows').notNullable().defaultTo(0);
    t.integer('invalid_rows').notNullable().defaultTo(0);
    t.integer('inserted').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('unchanged').notNullable().defaultTo(0);
    t.index(['run_id']);
    t.index(['dealer_id', 'content_sha256']);
  });

  await knex.schema.createTable('ingestion_row_errors', (t) => {
    t.bigIncrements('id');
    t.uuid('file_id').notNullable().references('ingestion_files.id').onDelete('cascade');
    t.integer('row_number').notNullable();
    t.jsonb('row_values').notNullable();
    // [{ column, message }]
    t.jsonb('errors').notNullable();
    t.index(['file_id', 'row_number']);
  });

  await knex.schema.createTable('email_outbox', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').references('dealers.id').onDelete('cascade');
    t.text('kind').notNullable();
    t.text('to_address').notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.text('html_body');
    t.text('status').notNullable().defaultTo('queued').checkIn(['queued', 'sent', 'failed']);
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.text('message_id');
    t.text('dedupe_key').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });

  // Submit-once for portal requests: same key and same body returns the first answer.
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('status_code');
    t.jsonb('response');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['scope', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['idempotency_keys', 'email_outbox', 'ingestion_row_errors', 'ingestion_files', 'ingestion_runs', 'sync_state']) {
    await knex.schema.dropTable(table);
  }
}
