import { get } from './api';
import { MAX_ITEMS_PAGE } from '../../contracts/portal/outstanding';
import type { OutstandingItemRow, OutstandingItemsPage, View } from './types';

/**
 * Items the Outstanding page's first answer left out (a job's later pages), fetched when the
 * customer opens the job, asks for more, selects all of it, pays a whole statement or follows
 * an emailed link to items that may sit on any page.
 */
export interface ItemsFilter {
  dealerId: string;
  view: View;
  accountId?: string;
  /** A job id, or null for the items not assigned to a job. */
  jobId?: string | null;
  ids?: readonly string[];
}

function itemsPath(filter: ItemsFilter, offset: number, limit: number): string {
  const params = new URLSearchParams({ dealerId: filter.dealerId, view: filter.view, offset: String(offset), limit: String(limit) });
  if (filter.accountId !== undefined) params.set('accountId', filter.accountId);
  if (filter.jobId !== undefined) params.set('jobId', filter.jobId ?? 'none');
  if (filter.ids !== undefined) params.set('ids', filter.ids.join(','));
  return `/outstanding/items?${params.toString()}`;
}

export const itemsPage = (filter: ItemsFilter, offset: number, limit: number) => get<OutstandingItemsPage>(itemsPath(filter, offset, limit));

/** Every matching item from `offset` on, page by page. */
export async function allItems(filter: ItemsFilter, offset = 0): Promise<OutstandingItemRow[]> {
  const items: OutstandingItemRow[] = [];
  let next: number | null = offset;
  while (next !== null) {
    const page: OutstandingItemsPage = await itemsPage(filter, next, MAX_ITEMS_PAGE);
    items.push(...page.items);
    next = page.nextOffset;
  }
  return items;
}
