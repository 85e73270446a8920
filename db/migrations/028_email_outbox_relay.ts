import type { Knex } from 'knex';

/**
 * The outbox relay delivers `email_outbox` rows over SMTP. `next_attempt_at` is both the
 * backoff after a failed send and the lease while a relay is sending: a relay claims a row by
 * moving it a few minutes ahead, so a relay that dies mid-send leaves the row to be picked up
 * again, and two relays never claim the same row at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_outbox', (t) => {
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create index email_outbox_due on email_outbox (next_attempt_at) where status = 'queued'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists email_outbox_due');
  await knex.schema.alterTable('email_outbox', (t) => {
    t.dropColumn('next_attempt_at');
  });
}
