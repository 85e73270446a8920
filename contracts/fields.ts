import { z } from 'zod';
import { isIsoDate } from '../domain/dates';

/**
 * Field schemas every contract shares. Requests validate with them; responses are described
 * with them. No I/O and no HTTP here: api/validate.ts and api/operator/list-helpers.ts wrap
 * them into the refusals a route answers.
 */

/**
 * The one schema for a calendar date anywhere in the API (filters, query parameters, bodies):
 * 'YYYY-MM-DD' naming a day that exists. A pattern alone let 2026-02-30 and 2026-13-45 through
 * to PostgreSQL, which refused them with an error the API answered as a 500 (and which cut a
 * CSV download already under way). Years before 100 are refused too (domain/dates.ts).
 */
export const calendarDate = z.string().refine(isIsoDate, 'must be a calendar date that exists, as YYYY-MM-DD').meta({ format: 'date' });

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

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: unknown): value is string => typeof value === 'string' && GUID.test(value);
export const guid = z.string().regex(GUID, 'must be an id');

/** react-admin sends `getMany` as `{ id: [..] }` and a reference filter as a single id. */
export const idFilter = z.union([guid, z.array(guid).max(1000)]);

/** Boolean filters arrive as JSON booleans from the UI, or as strings from hand-written URLs. */
export const boolFilter = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export function oneOrMany<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.array(schema).max(50)]);
}

export const email = z.string().trim().email().max(320);

// ---- Response fields -------------------------------------------------------------------

/** An id the API hands out (PostgreSQL uuid). */
export const id = z.string();
/** Integer cents; money is never a float on the wire. */
export const cents = z.number().int();
export const count = z.number().int().nonnegative();
/** A timestamp as JSON.stringify writes a Date: ISO 8601 in UTC. */
export const timestamp = z.string().meta({ format: 'date-time' });
/** A DATE column: 'YYYY-MM-DD' as PostgreSQL stores it (read as text, never as a Date). */
export const day = z.string().meta({ format: 'date' });

export const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();
