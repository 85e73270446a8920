import type { Knex } from 'knex';

/**
 * Outgoing webhooks (docs/webhooks.md): a dealer's endpoints and what was sent to them.
 *
 * - `webhook_endpoints`: URL, the event types it takes, its signing secret sealed like the
 *   dealer's Spruce key (the secret must be read back to sign, so it cannot be hashed), and
 *   `failing_since`, the first failed attempt of the current run of failures: an endpoint that
 *   has failed for the whole retry window is disabled.
 * - `webhook_deliveries`: one row per (endpoint, event), written in the transaction that writes
 *   the event, so an event is owed to every subscribed endpoint exactly when it committed.
 *   `workflow_id` is set once its delivery workflow was started; the worker starts the ones
 *   without (the outbox pattern the email relay uses). A resend starts a new workflow under a
 *   new id and counts in `resends`.
 * - `webhook_delivery_attempts`: every HTTP attempt, for the delivery log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.text('url').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.specificType('event_types', 'text[]').notNullable();
    t.text('secret_sealed').notNullable();
    t.text('secret_hint').notNullable();
    t.text('status').notNullable().defaultTo('enabled');
    t.timestamp('failing_since', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
    t.text('disabled_reason');
    t.uuid('created_by').references('operator_users.id').onDelete('set null');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dealer_id', 'status']);
  });
  await knex.raw(`alter table webhook_endpoints add constraint webhook_endpoints_status check (status in ('enabled', 'disabled'))`);
  await knex.raw(`alter table webhook_endpoints add constraint webhook_endpoints_event_types check (cardinality(event_types) > 0)`);

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('endpoint_id').notNullable().references('webhook_endpoints.id').onDelete('cascade');
    t.bigInteger('event_id').notNullable().references('domain_events.id').onDelete('cascade');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('resends').notNullable().defaultTo(0);
    t.text('workflow_id');
    t.timestamp('last_attempt_at', { useTz: true });
    t.integer('last_status_code');
    t.integer('last_duration_ms');
    t.text('last_error');
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['endpoint_id', 'event_id']);
    t.index(['endpoint_id', 'created_at']);
  });
  await knex.raw(`alter table webhook_deliveries add constraint webhook_deliveries_status check (status in ('pending', 'delivered', 'failed'))`);
  // The worker's start sweep reads only deliveries still without a workflow.
  await knex.raw('create index webhook_deliveries_unstarted on webhook_deliveries (created_at) where workflow_id is null');

  await knex.schema.createTable('webhook_delivery_attempts', (t) => {
    t.bigIncrements('id');
    t.uuid('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('cascade');
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('status_code');
    t.integer('duration_ms').notNullable();
    t.text('error');
    t.index(['delivery_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_delivery_attempts');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_endpoints');
}
