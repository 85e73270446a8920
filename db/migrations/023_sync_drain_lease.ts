import type { Knex } from 'knex';

/**
 * While the sync's apply activity is draining stored Spruce deliveries it holds a short lease
 * on its dealer's sync_state row: a webhook stored meanwhile will be picked up by that drain,
 * so the API need not signal the workflow for it. A signal per delivery at 200 changes a
 * second grew the workflow's history by thousands of events a minute, and each continue-as-new
 * under that stream of signals stalled the sync for seconds.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_state', (t) => {
    t.timestamp('draining_until', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_state', (t) => {
    t.dropColumn('draining_until');
  });
}
