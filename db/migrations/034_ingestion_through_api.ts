import type { Knex } from 'knex';

/**
 * Ingestion through the public API (POST /api/v1/ingestion-runs, docs/api-v1.md):
 *
 * - `ingestion_runs.uploaded_by_api_key`: the dealer's key that uploaded a run, when no operator
 *   did (`uploaded_by` names operators only), so the console's history says which system sent it.
 * - `ingestion_files.source`: `csv` for a file as uploaded, `json` for rows sent as a JSON batch
 *   (stored as the equivalent CSV and validated the same way), so a row error of a JSON batch can
 *   be told by its index in the batch rather than by a spreadsheet row number.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ingestion_runs', (t) => {
    t.uuid('uploaded_by_api_key').references('api_keys.id').onDelete('set null');
  });
  await knex.schema.alterTable('ingestion_files', (t) => {
    t.text('source').notNullable().defaultTo('csv');
  });
  await knex.raw(`alter table ingestion_files add constraint ingestion_files_source check (source in ('csv', 'json'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ingestion_files drop constraint ingestion_files_source');
  await knex.schema.alterTable('ingestion_files', (t) => {
    t.dropColumn('source');
  });
  await knex.schema.alterTable('ingestion_runs', (t) => {
    t.dropColumn('uploaded_by_api_key');
  });
}
