import type { Knex } from 'knex';

/**
 * Documents behind an invoice for file-based dealers (docs/item-documents.md); Spruce dealers'
 * documents stay in Spruce and are read from it on demand. The bytes live in the row because
 * API replicas keep nothing on local disk (ARCHITECTURE.md §7) and a document is capped at 10 MB.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('item_documents', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id').onDelete('cascade');
    t.uuid('invoice_id').notNullable();
    t.text('kind').notNullable().checkIn(['invoice_copy', 'delivery_ticket']);
    t.text('file_name').notNullable();
    t.text('content_type').notNullable().checkIn(['application/pdf', 'image/png', 'image/jpeg']);
    t.integer('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.binary('content').notNullable();
    t.text('ticket_number');
    t.date('delivered_on');
    t.text('signed_by');
    t.text('uploaded_by_kind').notNullable().checkIn(['operator', 'api_key']);
    t.uuid('uploaded_by_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Keyed by dealer: a document can only hang on one of the dealer's own invoices.
    t.unique(['dealer_id', 'id']);
    t.foreign(['dealer_id', 'invoice_id']).references(['dealer_id', 'id']).inTable('invoices').onDelete('cascade');
    t.index(['dealer_id', 'invoice_id', 'created_at']);
  });
  await knex.raw('alter table item_documents add constraint item_documents_size check (size_bytes > 0 and size_bytes = octet_length(content))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('item_documents');
}
