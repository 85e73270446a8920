import type { Request, Response } from 'express';
import type { PageRequest } from '../db/list-query';
import { badRequest } from './errors';
import { nulPath, nulRefusal } from './nul-characters';

/**
 * The `ra-data-simple-rest` protocol: `?sort=["field","ASC"]&range=[0,24]&filter={...}` in,
 * a bare JSON array with `Content-Range: <resource> 0-24/319` out.
 */
export interface ListParams extends PageRequest {
  filter: Record<string, unknown>;
}

const MAX_PAGE = 1000;

function parseJsonParam(req: Request, name: string): unknown {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw badRequest('invalid_list_params', `${name} must be a JSON string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('invalid_list_params', `${name} is not valid JSON`);
  }
  // "\u0000" inside the JSON becomes a NUL only now, past the check on the raw query.
  const nul = nulPath(parsed, `query.${name}`);
  if (nul) throw nulRefusal(nul);
  return parsed;
}

export function listParams(req: Request, defaults: { sort?: ListParams['sort']; pageSize?: number } = {}): ListParams {
  const sortRaw = parseJsonParam(req, 'sort');
  const rangeRaw = parseJsonParam(req, 'range');
  const filterRaw = parseJsonParam(req, 'filter');

  let sort = defaults.sort;
  if (sortRaw !== undefined) {
    if (!Array.isArray(sortRaw) || typeof sortRaw[0] !== 'string' || !['ASC', 'DESC'].includes(String(sortRaw[1]).toUpperCase())) {
      throw badRequest('invalid_list_params', 'sort must be ["field","ASC"|"DESC"]');
    }
    sort = { field: sortRaw[0], order: String(sortRaw[1]).toUpperCase() as 'ASC' | 'DESC' };
  }

  let range = { start: 0, end: (defaults.pageSize ?? 25) - 1 };
  if (rangeRaw !== undefined) {
    // Safe integers only: 1e20 is an integer to JavaScript but no OFFSET PostgreSQL can read.
    if (!Array.isArray(rangeRaw) || !Number.isSafeInteger(rangeRaw[0]) || !Number.isSafeInteger(rangeRaw[1]) || rangeRaw[0] < 0 || rangeRaw[1] < rangeRaw[0]) {
      throw badRequest('invalid_list_params', 'range must be [start,end] with 0 <= start <= end');
    }
    range = { start: rangeRaw[0], end: Math.min(rangeRaw[1], rangeRaw[0] + MAX_PAGE - 1) };
  }

  if (filterRaw !== undefined && (typeof filterRaw !== 'object' || filterRaw === null || Array.isArray(filterRaw))) {
    throw badRequest('invalid_list_params', 'filter must be a JSON object');
  }
  return { sort, range, filter: (filterRaw as Record<string, unknown>) ?? {} };
}

export function sendList(res: Response, resource: string, rows: unknown[], range: ListParams['range'], total: number): void {
  const end = rows.length === 0 ? range.start : range.start + rows.length - 1;
  res.setHeader('Content-Range', `${resource} ${range.start}-${end}/${total}`);
  res.json(rows);
}
