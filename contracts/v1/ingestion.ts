import { z } from 'zod';
import { FORMATS } from '../../domain/ingestion/columns';
import { resolveHeader } from '../../domain/ingestion/header';
import { guid, id } from '../fields';
import { dataType } from '../operator/ingestion-runs';
import { pageQuery } from './common';

/**
 * Ingestion through the public API (docs/api-v1.md, "Ingestion"): the console's CSV files as
 * they are (multipart, the console's upload contract), or the same rows as a JSON batch. A JSON
 * batch is one or more files, each a data type and its rows; a row is an object whose fields are
 * the format's columns (docs/csv-formats.md), so the same names, aliases and value formats apply.
 * The run and its counts are the console's (contracts/operator/ingestion-runs.ts).
 */

export const MAX_JSON_FILES = 10;
export const MAX_JSON_ROWS = 50_000;
/** The largest JSON batch the route parses; larger loads go as CSV files (streamed, up to UPLOAD_MAX_BYTES). */
export const JSON_BATCH_LIMIT_BYTES = 16 * 1024 * 1024;

/** A cell: text as it would be written in the CSV; a number or boolean is written as JSON prints it; null is an empty cell. */
export const rowValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

export const jsonBatchFile = z.strictObject({
  data_type: dataType.describe('The format of the rows: accounts, contacts, statements, invoices, adjustments or statement_items'),
  rows: z.array(z.record(z.string().min(1).max(100), rowValue)).min(1).max(MAX_JSON_ROWS)
    .describe('One object per row; its fields are the columns of the format (docs/csv-formats.md). Every row has the same fields; null for an empty value.'),
}).superRefine((file, ctx) => {
  const first = file.rows[0];
  if (!first) return;
  const fields = Object.keys(first);
  // The header a CSV file would have: every column the format does not know is refused here,
  // rather than ignored with a warning as in a file, so a misspelt field cannot go unnoticed.
  const header = resolveHeader(fields, file.data_type);
  if (!header.ok) {
    ctx.addIssue({ code: 'custom', path: ['rows', 0], message: header.refusal.message, params: { code: 'invalid_columns' } });
    return;
  }
  const columns = FORMATS[file.data_type].columns.map((spec) => spec.name).join(', ');
  for (const column of header.header.columns) {
    if (column.column === null) {
      ctx.addIssue({ code: 'custom', path: ['rows', 0, column.header], message: `is not a field of ${file.data_type} rows (the fields are ${columns})`, params: { code: 'unknown_field' } });
    }
  }
  const expected = new Set(fields);
  file.rows.forEach((row, index) => {
    if (index === 0) return;
    const keys = Object.keys(row);
    const missing = fields.filter((field) => !(field in row));
    const extra = keys.filter((key) => !expected.has(key));
    if (missing.length || extra.length) {
      ctx.addIssue({
        code: 'custom', path: ['rows', index], params: { code: 'inconsistent_fields' },
        message: `has other fields than rows[0] (${[...missing.map((f) => `without ${f}`), ...extra.map((f) => `with ${f}`)].join(', ')}); give every row the same fields, null for an empty value`,
      });
    }
  });
});

/** `POST /api/v1/ingestion-runs` with `Content-Type: application/json`. */
export const jsonBatchBody = z.strictObject({
  files: z.array(jsonBatchFile).min(1).max(MAX_JSON_FILES),
});
export type JsonBatchBody = z.infer<typeof jsonBatchBody>;

/** The upload as the OpenAPI document describes it: a CSV upload (multipart) or a JSON batch. */
export const csvUploadBody = z.object({
  file: z.array(z.string().meta({ format: 'binary' })).describe('One part per CSV file; a part named after a data type (accounts, invoices, …) forces that type'),
});

export const rowErrorListQuery = pageQuery.extend({
  data_type: dataType.optional(),
  file_id: guid.optional(),
  column: z.string().min(1).max(100).optional().describe('Only rows with an error in this column'),
});

/** One refused row: where it is, what it held, and one message per faulty column. */
export const ingestionRowError = z.strictObject({
  id: z.string(),
  file_id: id,
  filename: z.string(),
  data_type: dataType,
  source: z.enum(['csv', 'json']),
  row_number: z.number().int().describe('The row as a spreadsheet shows it: the header is row 1, the first data row is row 2'),
  row_index: z.number().int().nullable().describe('For rows of a JSON batch: the index of the row in its file\'s `rows` (row_number − 2); null for a CSV file'),
  values: z.record(z.string(), z.string()).describe('The row as written, by column header (field name for a JSON batch)'),
  errors: z.array(z.strictObject({ column: z.string().nullable(), message: z.string() })).describe('One per faulty column (the field, for a JSON batch); column null for a fault of the whole row'),
});
export type IngestionRowError = z.infer<typeof ingestionRowError>;
