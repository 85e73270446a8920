import type { Knex } from 'knex';

/**
 * Sign-in and password-reset attempts per client address, counted in PostgreSQL so every API
 * replica draws on the same budget (an attacker spreading guesses over replicas gets no more)
 * and a restart hands out no fresh window. One row per bucket and address: its current window.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_windows', (t) => {
    t.text('key').primary();
    t.timestamp('window_started_at', { useTz: true }).notNullable();
    t.integer('hits').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_windows');
}
