import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError, zodDetails } from './errors';

/** Parses a request part with a zod schema, refusing with a 400 that lists every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, code = 'invalid_request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = zodDetails(result.error);
    throw new HttpError(400, code, details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

export const body = <S extends z.ZodType>(req: Request, schema: S) => parse(schema, req.body ?? {});
export const query = <S extends z.ZodType>(req: Request, schema: S) => parse(schema, req.query ?? {});
