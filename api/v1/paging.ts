import type { Response } from 'express';
import { isGuid } from '../../contracts/fields';
import { badRequest } from '../errors';

/**
 * Cursors of the public API's lists: opaque to clients (base64url of `<list>:<position>`), so
 * the position can change form without breaking them, and a cursor handed to another list is
 * refused rather than read as a position there.
 */
export type ListName = 'customers' | 'invoices' | 'adjustments' | 'statements' | 'payments' | 'settlements' | 'events' | 'ingestion-row-errors';

/** Lists whose positions are integer ids rather than uuids. */
const NUMBERED: readonly ListName[] = ['events', 'ingestion-row-errors'];

const EVENT_ID = /^\d{1,18}$/;

export const encodeCursor = (list: ListName, position: string | number) => Buffer.from(`${list}:${position}`, 'utf8').toString('base64url');

export function decodeCursor(list: ListName, cursor: string | undefined, parameter: string): string | undefined {
  if (cursor === undefined) return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const position = text.startsWith(`${list}:`) ? text.slice(list.length + 1) : undefined;
  const valid = position !== undefined && (NUMBERED.includes(list) ? EVENT_ID.test(position) : isGuid(position));
  if (!valid) throw badRequest('invalid_cursor', `${parameter} is not a cursor of the ${list} list; pass the next_cursor of the previous page.`);
  return position;
}

export function sendPage<Row>(res: Response, list: ListName, page: { rows: Row[]; hasMore: boolean }, positionOf: (row: Row) => string | number): void {
  const last = page.rows[page.rows.length - 1];
  res.json({ data: page.rows, has_more: page.hasMore, next_cursor: page.hasMore && last !== undefined ? encodeCursor(list, positionOf(last)) : null });
}
