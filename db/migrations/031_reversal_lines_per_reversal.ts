import type { Knex } from 'knex';

/**
 * A GL line can now be reversed more than once: a partial refund, then a chargeback, then a
 * return of the rest each reverse their own part of the same line, each under its own key.
 * One reversal per line was a unique key; it becomes a plain index (the reversal's
 * idempotency key stays unique, and what a line may still give back is checked when the
 * reversal is booked).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gl_posting_lines', (t) => {
    t.dropUnique(['reverses_line_id']);
    t.index(['reverses_line_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gl_posting_lines', (t) => {
    t.dropIndex(['reverses_line_id']);
    t.unique(['reverses_line_id']);
  });
}
