import { z } from 'zod';
import { notFound } from '../errors';
import { parse } from '../validate';

/**
 * Filter validation every operator list shares. The query side of a list (ordering, paging,
 * LIKE patterns, the dealer's today) is the store's: `db/list-query.ts`.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: unknown): value is string => typeof value === 'string' && GUID.test(value);
export const guid = z.string().regex(GUID, 'must be an id');

/** A route id that is not even a well-formed id cannot name a row: answer 404, not a SQL error. */
export function routeId(value: unknown, what: string): string {
  if (!isGuid(value)) throw notFound(what);
  return value;
}

/** react-admin sends `getMany` as `{ id: [..] }` and a reference filter as a single id. */
export const idFilter = z.union([guid, z.array(guid).max(1000)]);
// A date filter is `calendarDate` from ../validate, the one date schema of every route.

/** Boolean filters arrive as JSON booleans from the UI, or as strings from hand-written URLs. */
export const boolFilter = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export function oneOrMany<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.array(schema).max(50)]);
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Validates the `filter` of a list request; an unknown filter is refused rather than silently ignored. */
export function parseFilter<S extends z.ZodObject>(schema: S, filter: Record<string, unknown>): z.infer<S> {
  // react-admin may send a cleared input as an empty string or null: treat as absent.
  const cleaned = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== '' && value !== null && value !== undefined));
  return parse(schema.strict(), cleaned, 'invalid_filter') as z.infer<S>;
}
