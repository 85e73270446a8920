import type { RequestHandler } from 'express';
import { badRequest } from './errors';

/**
 * PostgreSQL text cannot hold the NUL character: a query carrying one fails inside the
 * database ("invalid byte sequence for encoding UTF8: 0x00") and would answer 500. No field
 * of the API has a use for it, so a query string or JSON body containing one (in a value or
 * a key, at any depth) is refused here with a 400 naming where it was found.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const where = nulPath(req.query, 'query') ?? nulPath(req.body, 'body');
  next(where ? nulRefusal(where) : undefined);
};

/** The 400 for a NUL found at `where`; also used for JSON that arrives inside a query parameter. */
export const nulRefusal = (where: string) =>
  badRequest('nul_character', `${where} contains a NUL character (\\u0000), which no field accepts. Remove it and send the request again.`);

/** The path of the first string holding a NUL, or null. Iterative, so deeply nested JSON cannot exhaust the stack. */
export function nulPath(root: unknown, name: string): string | null {
  const pending: Array<[unknown, string]> = [[root, name]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path} (a field name)`;
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  return null;
}
