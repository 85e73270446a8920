import type { Knex } from 'knex';

/**
 * A file refused on arrival may not say what it holds (a workbook, a file without a header):
 * its data type stays unknown, but the refusal is still kept in the ingestion history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table ingestion_files alter column data_type drop not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('delete from ingestion_files where data_type is null');
  await knex.raw('alter table ingestion_files alter column data_type set not null');
}
