import { z } from 'zod';

/**
 * The `ra-data-simple-rest` list protocol every operator list speaks:
 * `?sort=["field","ASC"]&range=[0,24]&filter={...}` in (each a JSON text), a bare JSON array
 * out with `Content-Range: <resource> 0-24/319`. api/simple-rest.ts parses these; the
 * contract names the filter each list accepts so the OpenAPI document can show it.
 */
export const listQuery = z.object({
  sort: z.string().optional().describe('JSON ["field","ASC"|"DESC"]'),
  range: z.string().optional().describe('JSON [start,end], inclusive, at most 1000 rows'),
  filter: z.string().optional().describe('JSON object; the filter contract of the list names its keys'),
});

/** A list route's contract: its filter (inside `filter=`) and its row. */
export interface ListContract<F extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  filter: F;
  row: R;
}

export const listOf = <R extends z.ZodType>(row: R) => z.array(row);
