import type { Request } from 'express';
import { z } from 'zod';
import { isIsoDate } from '../domain/dates';
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

/**
 * The one schema for a calendar date anywhere in the API (filters, query parameters, bodies):
 * 'YYYY-MM-DD' naming a day that exists. A pattern alone let 2026-02-30 and 2026-13-45 through
 * to PostgreSQL, which refused them with an error the API answered as a 500 (and which cut a
 * CSV download already under way). Years before 100 are refused too (domain/dates.ts).
 */
export const calendarDate = z.string().refine(isIsoDate, 'must be a calendar date that exists, as YYYY-MM-DD');

/**
 * An instant as ISO 8601 with an offset or Z ('2026-11-05T17:00:00-06:00'), on a calendar day
 * that exists, with an offset some place on Earth uses (−12:00 to +14:00). zod's own pattern
 * checks the day and the time but lets year 0000 and offsets to ±23:59 through, and PostgreSQL
 * refuses both (it reads offsets up to ±15:59 only).
 */
export const instant = z.iso.datetime({ offset: true })
  .refine((value) => isIsoDate(value.slice(0, 10)), 'must be a date and time that exist')
  .refine(hasEarthlyOffset, 'must have an offset between -14:00 and +14:00, or Z');

function hasEarthlyOffset(value: string): boolean {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (!offset) return true; // Z
  const minutes = Number(offset[2]) * 60 + Number(offset[3]);
  return minutes <= 14 * 60;
}

/** A time filter that takes either a whole calendar day or an exact instant. */
export const instantOrDate = z.union([instant, calendarDate], { error: 'must be a calendar date (YYYY-MM-DD) or an ISO 8601 date and time with an offset' });
