import type { Knex } from 'knex';
import { localDate } from '../domain/dates';
import { refuseInvalid } from '../domain/refusal';
import type { Db } from './connection';
import { findDealerTimeZone } from './dealers';

/**
 * The pieces every paged list in the store shares: LIKE escaping, whitelisted multi-column
 * ordering with a stable tie-breaker, one page plus its total, and the dealer's "today" (past
 * due flips at midnight in the dealer's office). The HTTP protocol that asks for a page lives
 * in `api/simple-rest.ts`; what a page is lives here.
 */
export interface PageRequest {
  sort: { field: string; order: 'ASC' | 'DESC' } | undefined;
  range: { start: number; end: number };
}

/** `%text%` for LIKE with the user's own wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

export function prefixPattern(text: string): string {
  return `${escapeLike(text.toLowerCase())}%`;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Orders by a whitelisted field. A field may map to several SQL expressions that all follow
 * the chosen direction (priority ties broken by the larger balance), then a stable tie-breaker
 * so paging never shows a row twice.
 */
export function orderBy(query: Knex.QueryBuilder, sort: PageRequest['sort'], sortable: Record<string, string | string[]>, tieBreaker: string): Knex.QueryBuilder {
  // react-admin asks for `id` when a list names no sort; the tie-breaker is that order.
  if (sort && sort.field !== 'id') {
    const columns = sortable[sort.field];
    if (!columns) throw refuseInvalid('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(sortable).join(', ')}`);
    for (const column of Array.isArray(columns) ? columns : [columns]) query.orderByRaw(`${column} ${sort.order} nulls last`);
  }
  // The tie-breaker follows the direction: "newest first" stays newest first among equal times.
  return query.orderByRaw(`${tieBreaker} ${sort?.order ?? 'ASC'}`);
}

/** Orders by one whitelisted column, then the tie-breaker ascending (lists whose ids carry no time order). */
export function applySort(query: Knex.QueryBuilder, sort: PageRequest['sort'], sortable: Record<string, string>, tieBreaker: string): Knex.QueryBuilder {
  if (sort) {
    const column = sortable[sort.field];
    if (!column) throw refuseInvalid('invalid_sort', `Cannot sort by ${sort.field}; sortable fields: ${Object.keys(sortable).join(', ')}`);
    query.orderByRaw(`${column} ${sort.order} nulls last`);
  }
  return query.orderBy(tieBreaker, 'asc');
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
  page: PageRequest,
  sortable: Record<string, string | string[]>,
  tieBreaker: string,
): Promise<{ rows: Row[]; total: number }> {
  const query = orderBy(base.clone().select(columns), page.sort, sortable, tieBreaker)
    .offset(page.range.start)
    .limit(page.range.end - page.range.start + 1);
  const [rows, [counted]] = await Promise.all([query, base.clone().count({ total: '*' })]);
  return { rows: rows as Row[], total: Number((counted as { total: number | string }).total) };
}

export async function dealerTimeZone(db: Db | Knex.Transaction, dealerId: string): Promise<string> {
  return (await findDealerTimeZone(db, dealerId)) ?? 'America/Chicago';
}

/** The calendar date in the dealer's office right now. */
export async function dealerToday(db: Db | Knex.Transaction, dealerId: string, now: Date = new Date()): Promise<string> {
  return localDate(now, await dealerTimeZone(db, dealerId));
}

/**
 * A page by keyset for the public API: rows after the cursor's id in id order, read with
 * `id > cursor` rather than OFFSET, so a page costs the same however deep the walk is and a
 * row inserted or deleted meanwhile cannot shift the pages (each row is seen at most once).
 */
export interface KeysetRequest {
  afterId?: string;
  limit: number;
}

export async function keysetPageOf<Row>(base: Knex.QueryBuilder, columns: Array<string | Knex.Raw>, idColumn: string, request: KeysetRequest): Promise<{ rows: Row[]; hasMore: boolean }> {
  const query = base.clone().select(columns).orderBy(idColumn, 'asc').limit(request.limit + 1);
  if (request.afterId !== undefined) query.where(idColumn, '>', request.afterId);
  const rows = (await query) as Row[];
  return { rows: rows.slice(0, request.limit), hasMore: rows.length > request.limit };
}
