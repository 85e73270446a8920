import type { Knex } from 'knex';

/**
 * Human-facing numbers for payments and settlements, and one relaxed rule: the ERP is the
 * system of record, so a sync that lowers a balance below what in-flight payments reserved
 * must still apply (the payment is then flagged for investigation). Over-reservation by
 * Drypowder itself is prevented where reservations are taken, by a conditional update.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence payment_number_seq start 100001');
  await knex.raw('create sequence settlement_number_seq start 5001');
  for (const table of ['invoices', 'adjustments']) {
    await knex.raw(`alter table ${table} drop constraint ${table}_money`);
    await knex.raw(`alter table ${table} add constraint ${table}_money check (
      amount_cents >= 0 and balance_cents >= 0 and balance_cents <= amount_cents and reserved_cents >= 0)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop sequence payment_number_seq');
  await knex.raw('drop sequence settlement_number_seq');
  for (const table of ['invoices', 'adjustments']) {
    await knex.raw(`alter table ${table} drop constraint ${table}_money`);
    await knex.raw(`alter table ${table} add constraint ${table}_money check (
      amount_cents >= 0 and balance_cents >= 0 and balance_cents <= amount_cents
      and reserved_cents >= 0 and reserved_cents <= balance_cents)`);
  }
}
