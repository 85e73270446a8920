import type { Knex } from 'knex';

/**
 * An ACH debit is only as good as the authorization behind it: each ACH payment keeps the
 * version of the wording the customer saw beside the Pay button and the exact text it rendered
 * to (amount, account, dealer, date), so a dealer answering an unauthorized-return claim can
 * show what was agreed. Null for card payments and for ACH payments made before this existed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.text('ach_authorization_version').nullable();
    t.text('ach_authorization_text').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('ach_authorization_text');
    t.dropColumn('ach_authorization_version');
  });
}
