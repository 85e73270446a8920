import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { logger } from '../../runtime/logger';

/**
 * CSV downloads for operators. Spreadsheets execute a cell that starts with = + - @ (or a
 * tab / carriage return that hides one), so text from the ERP or from customers is prefixed
 * with a quote. Numbers we produce ourselves ("-12.50", "42") are left as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/**
 * Streams rows as a CSV attachment; `pipeline` handles back-pressure (50,000 rows never sit in
 * memory) and stops reading when the client goes away.
 */
export async function sendCsv(res: Response, filename: string, header: string[], rows: AsyncIterable<unknown[]>): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  async function* records() {
    yield header.map(neutraliseCell);
    for await (const row of rows) yield row.map(neutraliseCell);
  }
  try {
    await pipeline(Readable.from(records()), stringify({ record_delimiter: 'windows' }), res);
  } catch (error) {
    // Once bytes are out the status cannot change; cut the download so it is visibly incomplete.
    if (!res.headersSent) throw error;
    logger.error({ err: error }, 'csv export failed mid-stream');
    res.destroy();
  }
}
