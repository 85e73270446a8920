import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { logger } from '../../runtime/logger';

/**
 * CSV downloads for operators (docs/csv-formats.md, "Downloads and formula injection").
 *
 * Spreadsheets run a cell that starts with = + - @ as a formula, and a leading tab, carriage
 * return or line feed (or spaces) can hide such a start from a reader while Excel or
 * LibreOffice still evaluates it. Text from the ERP, from CSV uploads and from customers
 * reaches these files, so every such cell is prefixed with a single quote, which the
 * spreadsheet shows as text and does not evaluate.
 *
 * The one exception is a plain decimal number ("-12.50", "42"): it cannot hold a formula,
 * whoever wrote it, and it is how every amount leaves Drypowder (centsToDecimal), so a
 * negative amount stays a number a spreadsheet can add up instead of becoming the text
 * "'-12.50". Anything else that starts with a minus ("-1+1", "-SUM(A1)", "-12.50 ") is
 * treated as a possible formula.
 */
const FORMULA_START = /^\s*[=+\-@\t\r\n]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value
    : value instanceof Date ? value.toISOString()
      : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/**
 * Streams rows as a CSV attachment, every cell neutralised; `pipeline` handles back-pressure
 * (50,000 rows never sit in memory) and stops reading when the client goes away.
 * `header: null` leaves the header row out, as ERP imports want.
 *
 * Callers validate their input before calling; the first row is still read before the status
 * and headers go out, so a query that fails anyway (the database refusing a value) is answered
 * as an error the client can read, not as a 200 cut off after its headers.
 */
export async function sendCsv(res: Response, filename: string, header: readonly string[] | null, rows: AsyncIterable<readonly unknown[]>): Promise<void> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  async function* records() {
    try {
      if (header) yield header.map(neutraliseCell);
      for (let next = first; !next.done; next = await iterator.next()) yield next.value.map(neutraliseCell);
    } finally {
      // As `for await` would: a download stopped early closes the rows' source too.
      await iterator.return?.();
    }
  }
  try {
    // csv-stringify quotes only the record delimiter itself (CRLF); a lone LF or CR in a value
    // (a PO number on two lines) would otherwise split the row in every spreadsheet.
    await pipeline(Readable.from(records()), stringify({ record_delimiter: 'windows', quoted_match: /[\r\n]/ }), res);
  } catch (error) {
    // Once bytes are out the status cannot change; cut the download so it is visibly incomplete.
    if (!res.headersSent) throw error;
    logger.error({ err: error, filename }, 'csv export failed mid-stream');
    res.destroy();
  }
}
