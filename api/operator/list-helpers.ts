import { z } from 'zod';
import { isGuid } from '../../contracts/fields';
import { notFound } from '../errors';
import { parse } from '../validate';

/**
 * Filter validation every operator list shares. The query side of a list (ordering, paging,
 * LIKE patterns, the dealer's today) is the store's: `db/list-query.ts`.
 */

// The field schemas are the contracts' (contracts/fields.ts); re-exported for the routes' filters.
export { boolFilter, guid, idFilter, isGuid, oneOrMany } from '../../contracts/fields';

/** A route id that is not even a well-formed id cannot name a row: answer 404, not a SQL error. */
export function routeId(value: unknown, what: string): string {
  if (!isGuid(value)) throw notFound(what);
  return value;
}

// A date filter is `calendarDate` from ../validate, the one date schema of every route.

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Validates the `filter` of a list request; an unknown filter is refused rather than silently ignored. */
export function parseFilter<S extends z.ZodObject>(schema: S, filter: Record<string, unknown>): z.infer<S> {
  // react-admin may send a cleared input as an empty string or null: treat as absent.
  const cleaned = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== '' && value !== null && value !== undefined));
  return parse(schema.strict(), cleaned, 'invalid_filter') as z.infer<S>;
}
