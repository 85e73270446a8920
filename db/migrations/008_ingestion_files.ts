import type { Knex } from 'knex';

/**
 * CSV ingestion details: statement items arrive as their own file type; each file keeps the
 * header as the operator wrote it (so row errors show values in the file's column order),
 * the columns it ignored, and where its validated rows were staged for the commit step.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table ingestion_files drop constraint ingestion_files_data_type_check');
  await knex.raw(`alter table ingestion_files add constraint ingestion_files_data_type_check
    check (data_type in ('accounts', 'contacts', 'invoices', 'adjustments', 'statements', 'statement_items'))`);
  await knex.schema.alterTable('ingestion_files', (t) => {
    // [{ header: "Invoice #", column: "invoice_id" | null }] in file order; null = ignored column.
    t.jsonb('columns').notNullable().defaultTo('[]');
    t.jsonb('warnings').notNullable().defaultTo('[]');
    t.text('staging_path');
    t.timestamp('validated_at', { useTz: true });
    t.timestamp('applied_at', { useTz: true });
  });
  await knex.schema.alterTable('ingestion_runs', (t) => {
    t.index(['dealer_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ingestion_runs', (t) => {
    t.dropIndex(['dealer_id', 'status']);
  });
  await knex.schema.alterTable('ingestion_files', (t) => {
    t.dropColumns('columns', 'warnings', 'staging_path', 'validated_at', 'applied_at');
  });
  await knex.raw("delete from ingestion_files where data_type = 'statement_items'");
  await knex.raw('alter table ingestion_files drop constraint ingestion_files_data_type_check');
  await knex.raw(`alter table ingestion_files add constraint ingestion_files_data_type_check
    check (data_type in ('accounts', 'contacts', 'invoices', 'adjustments', 'statements'))`);
}
