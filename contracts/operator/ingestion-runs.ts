import { z } from 'zod';
import { DATA_TYPES } from '../../domain/ingestion/columns';
import { count, id, instantOrDate, timestamp } from '../fields';

/** CSV uploads: a run of files validated first, then committed or cancelled by an operator. */

export const RUN_STATUSES = ['validating', 'validated', 'processing', 'succeeded', 'failed', 'cancelled'] as const;
export const runStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatus>;
export const dataType = z.enum(DATA_TYPES);

/** Unlike the other lists, these filters read one value or many and always hand on an array. */
const manyOf = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.infer<T>[]);

export const runFilter = z.object({
  id: manyOf(z.string().uuid()).optional(),
  status: manyOf(runStatus).optional(),
  data_type: dataType.optional(),
  created_at_gte: instantOrDate.optional(),
  created_at_lte: instantOrDate.optional(),
}).strict();

export const rowErrorFilter = z.object({
  file_id: z.string().uuid().optional(),
  data_type: dataType.optional(),
  column: z.string().max(100).optional(),
}).strict();

export const ingestionCounts = z.strictObject({
  files: count, lines: count, valid: count, invalid: count, inserted: count, updated: count, unchanged: count,
});
export type IngestionCounts = z.infer<typeof ingestionCounts>;

export const ingestionFile = z.strictObject({
  id,
  filename: z.string(),
  data_type: dataType.nullable(),
  status: z.string(),
  refusal: z.string().nullable(),
  size_bytes: z.number().int(),
  content_sha256: z.string(),
  total_lines: count,
  valid_rows: count,
  invalid_rows: count,
  inserted: count,
  updated: count,
  unchanged: count,
  columns: z.array(z.record(z.string(), z.unknown())).nullable(),
  warnings: z.array(z.string()).nullable(),
  /** The text encoding the file was read in; null when it was refused. */
  encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le', 'utf-16be']).nullable(),
  /** `csv`: a file as uploaded; `json`: the rows of a JSON batch sent through /api/v1, validated as the equivalent CSV. */
  source: z.enum(['csv', 'json']),
  validated_at: timestamp.nullable(),
  applied_at: timestamp.nullable(),
  previously_applied: z.strictObject({ run_id: id, applied_at: timestamp }).nullable(),
});
export type IngestionFile = z.infer<typeof ingestionFile>;

export const ingestionRun = z.strictObject({
  id,
  status: runStatus,
  error: z.string().nullable(),
  workflow_id: z.string().nullable(),
  created_at: timestamp,
  validated_at: timestamp.nullable(),
  committed_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  uploaded_by: z.strictObject({ id, name: z.string(), email: z.string() }).nullable(),
  /** The dealer's API key that uploaded the run through /api/v1 (then `uploaded_by` is null). */
  uploaded_by_api_key: z.strictObject({ id, name: z.string(), prefix: z.string() }).nullable(),
  files: z.array(ingestionFile),
  counts: z.record(z.string(), ingestionCounts),
  totals: ingestionCounts,
});
export type IngestionRun = z.infer<typeof ingestionRun>;

export const rowError = z.strictObject({
  id: z.number().int(),
  file_id: id,
  filename: z.string(),
  data_type: dataType,
  row_number: z.number().int(),
  values: z.array(z.strictObject({ header: z.string(), value: z.string() })),
  errors: z.array(z.object({ column: z.string().nullable(), message: z.string() })),
});
export type RowError = z.infer<typeof rowError>;

/** The upload itself: multipart/form-data, one part per file (a part named after a data type forces that type). */
export const uploadBody = z.object({ file: z.array(z.string().meta({ format: 'binary' })) });

/** What a refused upload answers in `error.details` (422 file_refused). */
export const uploadRefusalDetails = z.object({ run_id: id, files: z.array(z.object({ filename: z.string(), message: z.string() })) });
