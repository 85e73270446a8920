import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { localDate } from '../../domain/dates';
import { badRequest, notFound } from '../errors';
import type { ListParams } from '../simple-rest';
import { parse } from '../validate';

/**
 * Small pieces every operator list shares: filter validation, LIKE escaping, multi-column
 * ordering and the dealer's "today" (past due flips at midnight in the dealer's office).
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

/** `%text%` for LIKE with the user's own wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function prefixPattern(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Orders by a whitelisted field. A field may map to several SQL expressions that all follow
 * the chosen direction (priority ties broken by the larger balance), then a stable tie-breaker
 * so paging never shows a row twice.
 */
export function orderBy(query: Knex.QueryBuilder, sort: ListParams['sort'], sortable: Record<string, string | string[]>, tieBreaker: string): Knex.QueryBuilder {
  // react-admin asks for `id` when a list names no sort; the tie-breaker is that order.
  if (sort && sort.field !== 'id') {
    const columns = sortable[sort.field];
    if (!columns) throw badRequest('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(sortable).join(', ')}`);
    for (const column of Array.isArray(columns) ? columns : [columns]) query.orderByRaw(`${column} ${sort.order} nulls last`);
  }
  // The tie-breaker follows the direction: "newest first" stays newest first among equal times.
  return query.orderByRaw(`${tieBreaker} ${sort?.order ?? 'ASC'}`);
}

export async function dealerTimeZone(db: Db, dealerId: string): Promise<string> {
  const dealer = await db('dealers').where({ id: dealerId }).first('time_zone');
  return dealer?.time_zone ?? 'America/Chicago';
}

/** The calendar date in the dealer's office right now. */
export async function dealerToday(db: Db, dealerId: string, now: Date = new Date()): Promise<string> {
  return localDate(now, await dealerTimeZone(db, dealerId));
}

/** Sums come back from PostgreSQL as numeric; cast them so the int8 parser yields integer cents. */
export const sumCents = (column: string) => `coalesce(sum(${column}), 0)::bigint`;

/**
 * One page of a filtered query plus its total. `base` carries joins and filters only; the
 * columns are added to the page query so the count stays a plain count.
 */
export async function pageOf<Row>(
  base: Knex.QueryBuilder,
  columns: Array<string | Knex.Raw>,
  params: ListParams,
  sortable: Record<string, string | string[]>,
  tieBreaker: string,
): Promise<{ rows: Row[]; total: number }> {
  const page = orderBy(base.clone().select(columns), params.sort, sortable, tieBreaker)
    .offset(params.range.start)
    .limit(params.range.end - params.range.start + 1);
  const [rows, [counted]] = await Promise.all([page, base.clone().count({ total: '*' })]);
  return { rows: rows as Row[], total: Number((counted as { total: number | string }).total) };
}
