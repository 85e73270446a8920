import { parse } from 'csv-parse/sync';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { centsToDecimal } from '../../domain/money';
import { errorHandler, HttpError } from '../errors';
import { neutraliseCell, sendCsv } from './csv';

/**
 * Formula injection in CSV downloads: what a spreadsheet would evaluate is made text, plain
 * numbers (every amount Drypowder writes) stay numbers, and the file read back holds every
 * value exactly, quote aside.
 */
const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n'];

/** Would a spreadsheet that opens this cell evaluate it? (What the test holds the module to.) */
const evaluates = (cell: string) => /^\s*[=+\-@]/.test(cell) || /^[\t\r\n]/.test(cell);

describe('neutraliseCell', () => {
  it.each([
    ['=cmd|\' /C calc\'!A0', '\'=cmd|\' /C calc\'!A0'],
    ['=HYPERLINK("http://evil.test","x")', '\'=HYPERLINK("http://evil.test","x")'],
    ['+1+1', '\'+1+1'],
    ['-2+3+cmd|\' /C calc\'!A0', '\'-2+3+cmd|\' /C calc\'!A0'],
    ['@SUM(1+1)*cmd|\' /C calc\'!A0', '\'@SUM(1+1)*cmd|\' /C calc\'!A0'],
    ['\t=1+1', '\'\t=1+1'],
    ['\r=1+1', '\'\r=1+1'],
    ['  =1+1', '\'  =1+1'],
    ['-SUM(A1:A9)', '\'-SUM(A1:A9)'],
    ['-12.50 ', '\'-12.50 '],
    ['-1e3', '\'-1e3'],
  ])('makes %j text', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it.each([
    ['-12.34', '-12.34'],
    ['-0.05', '-0.05'],
    ['42', '42'],
    ['1234.56', '1234.56'],
    ['Alder Framing', 'Alder Framing'],
    ['INV-5001', 'INV-5001'],
    ['PO-12\nsecond line', 'PO-12\nsecond line'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('leaves %j as it is', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it('writes numbers, dates, null and objects as text without losing them', () => {
    expect(neutraliseCell(-1234)).toBe('-1234');
    expect(neutraliseCell(-12.5)).toBe('-12.5');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
    expect(neutraliseCell(new Date('2026-11-20T15:00:00.000Z'))).toBe('2026-11-20T15:00:00.000Z');
    expect(neutraliseCell({ a: '=1' })).toBe('{"a":"=1"}');
  });

  it('keeps every amount Drypowder writes a number, negative ones included', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (cents) => neutraliseCell(centsToDecimal(cents)) === centsToDecimal(cents)),
      { numRuns: 5_000, seed: 7 },
    );
  });

  it('never lets a cell a spreadsheet would evaluate through, and changes nothing else', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.tuple(fc.constantFrom(...TRIGGERS, ' ', '  ', ' \t'), fc.constantFrom(...TRIGGERS), fc.string({ maxLength: 20 })).map((parts) => parts.join('')),
      fc.tuple(fc.constantFrom('-', ''), fc.nat(), fc.option(fc.nat({ max: 99 }))).map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`),
    );
    fc.assert(
      fc.property(cell, (text) => {
        const out = neutraliseCell(text);
        if (/^-?\d+(\.\d+)?$/.test(text)) return out === text;
        if (evaluates(text)) return out === `'${text}` && !evaluates(out);
        // Harmless text is untouched, except that leading blanks before a line break may be quoted too.
        return out === text || (/^\s/.test(text) && out === `'${text}`);
      }),
      { numRuns: 20_000, seed: 8 },
    );
  });
});

describe('sendCsv', () => {
  const rows = [
    ['=cmd|\' /C calc\'!A0', '-125.00', 'C-1, "quoted"', '@evil', 'line\nbreak'],
    ['Alder Framing', '0.07', '+1', '-', '\tTabbed'],
    ['Birch\rBuilders', '1.00', 'C-2', 'x', 'y'],
  ];
  const app = express();
  app.get('/with-header', async (_req, res) => sendCsv(res, 'test file.csv', ['name', 'amount', 'account', 'note', 'memo'], (async function* () { yield* rows; })()));
  app.get('/no-header', async (_req, res) => sendCsv(res, 'posting.csv', null, (async function* () { yield* rows; })()));

  it('streams a neutralised attachment that parses back to the same values, quote aside', async () => {
    const response = await request(app).get('/with-header').expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="test_file.csv"');
    expect(response.headers['cache-control']).toBe('no-store');
    const parsed: string[][] = parse(response.text, { relax_column_count: false });
    expect(parsed).toEqual([
      ['name', 'amount', 'account', 'note', 'memo'],
      ['\'=cmd|\' /C calc\'!A0', '-125.00', 'C-1, "quoted"', '\'@evil', 'line\nbreak'],
      ['Alder Framing', '0.07', '\'+1', '\'-', '\'\tTabbed'],
      ['Birch\rBuilders', '1.00', 'C-2', 'x', 'y'],
    ]);
    for (const cell of parsed.flat()) expect(evaluates(cell) && !/^-?\d+(\.\d+)?$/.test(cell)).toBe(false);
  });

  it('quotes a value with a lone line feed or carriage return so the row stays whole in any reader', async () => {
    // Found by the test below: a bare LF was written unquoted and split the row.
    const response = await request(app).get('/no-header').expect(200);
    expect(response.text).toContain(',"line\nbreak"\r\n');
    expect(response.text.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(response.text).toContain('"Birch\rBuilders"');
  });

  it('answers an error, not a 200 cut short, when the rows fail before the first one', async () => {
    // Found with the payments export: a filter PostgreSQL refused failed the first page after
    // the 200 and headers were out, and the download was cut with nothing to say why.
    const failing = express();
    failing.get('/refused', async (_req, res) => sendCsv(res, 'x.csv', ['a'], (async function* () { throw new HttpError(400, 'invalid_filter', 'submitted_gte: no such day'); })()));
    failing.get('/broken', async (_req, res) => sendCsv(res, 'x.csv', ['a'], (async function* (): AsyncGenerator<string[]> { throw new Error('database went away'); })()));
    failing.use(errorHandler);
    const refused = await request(failing).get('/refused').expect(400);
    expect(refused.headers['content-disposition']).toBeUndefined();
    expect(refused.body.error).toMatchObject({ code: 'invalid_filter' });
    const broken = await request(failing).get('/broken').expect(500);
    expect(broken.body.error.code).toBe('internal');
  });

  it('leaves the header out when asked, as ERP imports want', async () => {
    const response = await request(app).get('/no-header').expect(200);
    expect(parse(response.text)).toHaveLength(3);
    expect(response.text.startsWith('\'=cmd')).toBe(true);
  });
});
