import type { SortPayload } from 'react-admin';

/** `?filter=..&sort=..` exactly as a list sends them, for downloads of the current view. */
export function listQueryString(params: { filter?: Record<string, unknown>; sort?: SortPayload }): string {
  const query = new URLSearchParams();
  if (params.filter && Object.keys(params.filter).length) query.set('filter', JSON.stringify(params.filter));
  if (params.sort?.field) query.set('sort', JSON.stringify([params.sort.field, params.sort.order]));
  const text = query.toString();
  return text ? `?${text}` : '';
}
