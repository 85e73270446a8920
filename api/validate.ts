import type { Request } from 'express';
import { z } from 'zod';
import { HttpError, refusalCode, zodDetails } from './errors';

/** Parses a request part with a zod schema, refusing with a 400 that lists every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, code = 'invalid_request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = zodDetails(result.error);
    throw new HttpError(400, refusalCode(details, code), details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

export const body = <S extends z.ZodType>(req: Request, schema: S) => parse(schema, req.body ?? {});
export const query = <S extends z.ZodType>(req: Request, schema: S) => parse(schema, req.query ?? {});

/** The shared field schemas live with the contracts; re-exported for the routes that name them here. */
export { calendarDate, instant, instantOrDate } from '../contracts/fields';
