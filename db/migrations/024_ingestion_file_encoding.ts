import type { Knex } from 'knex';

/**
 * The text encoding each uploaded file was read in: UTF-8, or Windows-1252 ("ANSI") and
 * UTF-16 with a byte-order mark, which Excel on Windows and older ERPs write. The console shows
 * it on the file's card; null for files refused before any text was read, and for files
 * uploaded before this column (all of them UTF-8: nothing else was accepted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ingestion_files', (t) => {
    t.text('encoding').nullable();
  });
  await knex.raw(`alter table ingestion_files add constraint ingestion_files_encoding_check
    check (encoding in ('utf-8', 'windows-1252', 'utf-16le', 'utf-16be'))`);
  await knex.raw("update ingestion_files set encoding = 'utf-8' where status in ('validated', 'applied')");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ingestion_files', (t) => {
    t.dropColumn('encoding');
  });
}
