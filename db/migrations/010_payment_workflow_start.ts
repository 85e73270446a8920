import type { Knex } from 'knex';

/**
 * A payment row is committed before its workflow starts (so the customer gets a clear 409
 * on a reservation conflict in the same request). `workflow_started_at` lets a sweeper
 * start the workflow of any payment whose API process died between the two steps.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.timestamp('workflow_started_at', { useTz: true });
  });
  await knex.raw(`create index payments_unstarted on payments (submitted_at) where workflow_started_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index payments_unstarted');
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('workflow_started_at');
  });
}
