import type { Knex } from 'knex';

/**
 * A bank account linked through Plaid remembers its Plaid item (the id Plaid's webhooks name,
 * and the access token, sealed with DATA_ENCRYPTION_KEY, that update mode needs), and whether
 * the bank asks the customer to reconnect before the account is debited again, and why.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_methods', (t) => {
    t.text('plaid_item_id');
    t.text('plaid_access_token_sealed');
    t.timestamp('relink_required_at', { useTz: true });
    t.text('relink_reason');
    t.index(['plaid_item_id'], 'payment_methods_plaid_item');
  });
  await knex.raw(`alter table payment_methods add constraint payment_methods_relink_reason
    check (relink_reason is null or relink_reason in ('login_required', 'pending_expiration', 'pending_disconnect', 'permission_revoked'))`);
  await knex.raw(`alter table payment_methods add constraint payment_methods_relink_pair
    check ((relink_required_at is null) = (relink_reason is null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_methods', (t) => {
    t.dropChecks(['payment_methods_relink_reason', 'payment_methods_relink_pair']);
    t.dropIndex(['plaid_item_id'], 'payment_methods_plaid_item');
    t.dropColumns('plaid_item_id', 'plaid_access_token_sealed', 'relink_required_at', 'relink_reason');
  });
}
