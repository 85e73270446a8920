import type { Knex } from 'knex';

/**
 * What the outbox needs to account for every email: the SMTP server's own answer to the last
 * attempt (accepted or refused, in its words), which customer and which payment a row is about
 * (so operators see a customer's mail on the customer's page), and the attachments a receipt
 * carries, so that email too can wait in the outbox through an SMTP outage.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_outbox', (t) => {
    t.text('smtp_response');
    t.uuid('customer_account_id').references('customer_accounts.id').onDelete('set null');
    t.uuid('payment_id').references('payments.id').onDelete('set null');
    // [{ filename, contentType, contentBase64 }]
    t.jsonb('attachments');
  });
  await knex.raw('create index email_outbox_customer on email_outbox (customer_account_id, created_at desc) where customer_account_id is not null');
  // Payment notices already queued carry their payment in the dedupe key (`payment:<id>:<event>`).
  await knex.raw(`
    update email_outbox e set payment_id = p.id, customer_account_id = p.customer_account_id
      from payments p
     where e.dedupe_key like 'payment:%' and p.id::text = split_part(e.dedupe_key, ':', 2)`);
  await knex.raw(`
    update email_outbox e set payment_id = p.id
      from payments p
     where e.kind = 'payment_alert' and e.dedupe_key like 'alert:%' and p.id::text = split_part(e.dedupe_key, ':', 2)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists email_outbox_customer');
  await knex.schema.alterTable('email_outbox', (t) => {
    t.dropColumn('attachments');
    t.dropColumn('payment_id');
    t.dropColumn('customer_account_id');
    t.dropColumn('smtp_response');
  });
}
