import { z } from 'zod';

/**
 * What every list of the public API shares: `limit` and an opaque `starting_after` cursor in,
 * `{ data, has_more, next_cursor }` out. A cursor is the `next_cursor` of the previous page;
 * it names a position in one list and is refused by another.
 */
export const MAX_PAGE_LIMIT = 200;
export const DEFAULT_PAGE_LIMIT = 50;

export const pageLimit = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT)
  .describe(`Rows per page, 1–${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`);

export const cursor = z.string().min(1).max(200);

export const pageQuery = z.strictObject({
  limit: pageLimit,
  starting_after: cursor.optional().describe('The next_cursor of the previous page'),
});

export const pageOf = <R extends z.ZodType>(row: R) => z.strictObject({
  data: z.array(row),
  has_more: z.boolean(),
  /** Pass as `starting_after` (or `after` for events) to read the next page; null on the last page. */
  next_cursor: z.string().nullable(),
});

/** A comma-separated list of values in one query parameter: `status=returned,failed`. */
export function commaList<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().max(500)
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1, `give one or more of ${values.join(', ')}, separated by commas`).max(values.length * 2));
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;
export const idempotencyKeyHeader = {
  'Idempotency-Key': { required: true, description: 'One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours.' },
};
