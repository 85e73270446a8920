import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { completeUtf8Length, firstInvalidUtf8 } from './bytes';
import { DATA_TYPES, FORMATS } from './columns';
import { UploadDecoder } from './encoding';
import { inspectHead } from './head';
import { normalizeHeaderName, resolveHeader, type ResolvedHeader } from './header';
import { readRow } from './rows';
import { readAmount, readDate } from './values';

function headerFor(cells: string[]): ResolvedHeader {
  const result = resolveHeader(cells);
  if (!result.ok) throw new Error(result.refusal.message);
  return result.header;
}

const ADJUSTMENT_HEADER = headerFor(['account_id', 'adjustment_id', 'type', 'amount', 'outstanding_amount', 'currency']);
const adjustment = (type: string, amount: string, outstanding: string) => readRow(ADJUSTMENT_HEADER, ['C-1', 'A-1', type, amount, outstanding, 'USD']);
const messages = (row: { errors: Array<{ column: string; message: string }> }) => row.errors.map((e) => `${e.column}: ${e.message}`);

describe('header names', () => {
  it.each([
    ['Invoice #', 'invoice_number'],
    [' Outstanding Amount ', 'outstanding_amount'],
    ['AccountID', 'account_id'],
    ['\uFEFFaccount-id', 'account_id'],
    ['PO Number', 'po_number'],
  ])('%j → %s', (raw, expected) => expect(normalizeHeaderName(raw)).toBe(expected));

  it('infers the most specific data type and maps aliases', () => {
    const header = headerFor(['Customer ID', 'Invoice #', 'Invoice Date', 'Due Date', 'Amount', 'Balance', 'Name']);
    expect(header.dataType).toBe('invoices');
    expect(header.index).toMatchObject({ account_id: 0, invoice_id: 1, outstanding_amount: 5 });
    expect(header.warnings).toEqual(['Ignored column not in the invoices format: Name.']);
    expect(headerFor(['contact_id', 'account_id', 'name']).dataType).toBe('contacts');
    expect(headerFor(['account_id', 'name']).dataType).toBe('accounts');
  });

  it('keeps the exact column when an alias names the same field', () => {
    const header = headerFor(['account_id', 'invoice_id', 'invoice_date', 'due_date', 'amount', 'balance', 'outstanding_amount']);
    expect(header.index.outstanding_amount).toBe(6);
    expect(header.warnings[0]).toMatch(/balance: another column already supplies/);
  });

  it('refuses a data row, unknown columns, missing and repeated columns with one message each', () => {
    const refusal = (cells: string[], explicit?: 'invoices') => {
      const result = resolveHeader(cells, explicit);
      return result.ok ? null : result.refusal;
    };
    expect(refusal(['C-1', 'INV-1', '2026-10-01', '$5.00'])).toMatchObject({ code: 'no_header' });
    expect(refusal(['sku', 'quantity'])).toMatchObject({ code: 'unknown_type' });
    expect(refusal(['account_id', 'invoice_id', 'amount'], 'invoices')?.message).toBe(
      'This invoices file lacks required columns invoice_date, due_date, outstanding_amount (found: "account_id", "invoice_id", "amount").',
    );
    expect(refusal(['account_id', 'name', 'Name'])).toMatchObject({ code: 'duplicate_column' });
  });
});

describe('adjustments: credit or debit', () => {
  it('takes the kind from the sign when no type is given', () => {
    expect(adjustment('', '(75.00)', '-75.00').values).toMatchObject({ kind: 'credit', amount_cents: 7500, balance_cents: 7500, status: 'open' });
    expect(adjustment('', '$1,025.50', '25.50').values).toMatchObject({ kind: 'debit', amount_cents: 102550, balance_cents: 2550, status: 'partially_applied' });
    expect(messages(adjustment('', '0', '0'))).toEqual([expect.stringMatching(/^amount: is 0 and no type is given/)]);
  });

  it('lets the type decide, accepting credits written either way but no negative debit', () => {
    expect(adjustment('Credit Memo', '150.00', '150.00').values).toMatchObject({ kind: 'credit', amount_cents: 15000 });
    expect(adjustment('CR', '-150.00', '0').values).toMatchObject({ kind: 'credit', status: 'applied' });
    expect(messages(adjustment('debit', '-5.00', '-5.00'))).toContain('amount: -5.00 is negative on a debit adjustment; credits are type credit');
    expect(messages(adjustment('refund', '5.00', '5.00'))).toEqual([expect.stringMatching(/^type: "refund" is not a valid adjustment type \(expected credit, debit\)/)]);
  });

  it('checks the outstanding amount against the amount', () => {
    expect(messages(adjustment('', '-10.00', '5.00'))).toEqual(['outstanding_amount: 5.00 has the opposite sign of amount -10.00']);
    expect(messages(adjustment('', '10.00', '12.00'))).toEqual(['outstanding_amount: 12.00 is more than the adjustment amount 10.00']);
  });

  it('needs US dollars', () => {
    expect(messages(readRow(ADJUSTMENT_HEADER, ['C-1', 'A-1', '', '5', '5', 'EUR']))).toEqual(['currency: "EUR" is not supported: amounts must be in US dollars (USD)']);
  });
});

describe('invoices', () => {
  const header = headerFor(['account_id', 'invoice_id', 'invoice_date', 'due_date', 'amount', 'outstanding_amount', 'status', 'job_id', 'job_name']);
  const invoice = (cells: Partial<Record<'date' | 'due' | 'amount' | 'open' | 'status' | 'job' | 'jobName', string>>) =>
    readRow(header, ['C-1', 'INV-1', cells.date ?? '10/01/2026', cells.due ?? '2026-10-31', cells.amount ?? '100', cells.open ?? '100', cells.status ?? '', cells.job ?? '', cells.jobName ?? '']);

  it('reads US and ISO dates and works out the status', () => {
    expect(invoice({ open: '40' }).values).toMatchObject({ invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 10000, balance_cents: 4000, status: 'partially_paid' });
    expect(invoice({ status: 'Void' }).values.status).toBe('void');
    expect(invoice({ open: '0', status: 'Closed' }).values.status).toBe('paid');
  });

  it('reports each bad column with a message', () => {
    expect(messages(invoice({ date: '13/45/2026', amount: '12.3.4', open: '' }))).toEqual([
      'invoice_date: "13/45/2026" is not a date (expected YYYY-MM-DD or MM/DD/YYYY)',
      'amount: "12.3.4" is not an amount (expected e.g. 1234.56, $1,234.56, -12.00 or (12.00))',
      'outstanding_amount: is empty; every row needs an outstanding_amount',
    ]);
    expect(messages(invoice({ due: '2026-09-01' }))).toEqual(['due_date: 2026-09-01 is before invoice_date 2026-10-01']);
    expect(messages(invoice({ status: 'paid' }))).toEqual(['status: says paid but outstanding_amount is 100.00']);
    expect(messages(invoice({ jobName: 'Maple St' }))).toEqual(['job_name: needs a job_id: a job is identified by its id, not its name']);
  });

  describe('cash-discount terms', () => {
    const withTerms = headerFor(['Customer ID', 'Invoice #', 'Invoice Date', 'Due Date', 'Amount', 'Balance', 'Terms Code', 'Cash Discount', 'Discount By']);
    const termsRow = (terms: string, discount: string, by: string, amount = '617.37') => readRow(withTerms, ['C-1', 'INV-1', '2026-10-20', '2026-11-25', amount, amount, terms, discount, by]);

    it('maps the aliases and reads the discount to the cent as written, never from the terms', () => {
      expect(withTerms.index).toMatchObject({ terms: 6, discount_amount: 7, discount_date: 8 });
      expect(withTerms.warnings).toEqual([]);
      const row = termsRow('2% 10th Prox', '$12.35', '11/10/2026');
      expect(row.errors).toEqual([]);
      expect(row.values).toMatchObject({ amount_cents: 61737, terms: '2% 10th Prox', terms_discount_cents: 1235, terms_discount_date: '2026-11-10' });
      expect(termsRow('Net 30', '', '').values).toMatchObject({ terms: 'Net 30', terms_discount_cents: null, terms_discount_date: null });
      expect(termsRow('', '', '').values).toMatchObject({ terms: null, terms_discount_cents: null, terms_discount_date: null });
      expect(termsRow('', '0.01', '2026-11-10', '0.02').values).toMatchObject({ terms_discount_cents: 1, amount_cents: 2 });
    });

    it('refuses a discount that does not hold together, naming the column', () => {
      expect(messages(termsRow('2% 10th Prox', '12.35', ''))).toEqual(['discount_date: is empty; a discount needs the last day it applies']);
      expect(messages(termsRow('2% 10th Prox', '', '2026-11-10'))).toEqual(['discount_amount: is empty but discount_date is 2026-11-10; a discount date needs the discount it applies to']);
      expect(messages(termsRow('', '617.37', '2026-11-10'))).toEqual(['discount_amount: 617.37 is not less than the invoice amount 617.37']);
      expect(messages(termsRow('', '700.00', '2026-11-10'))).toEqual(['discount_amount: 700.00 is not less than the invoice amount 617.37']);
      expect(messages(termsRow('', '0.00', '2026-11-10'))).toEqual(['discount_amount: 0.00 is not above 0; leave it empty when the invoice has no discount']);
      expect(messages(termsRow('', '(5.00)', '2026-11-10'))).toEqual(['discount_amount: -5.00 is not above 0; leave it empty when the invoice has no discount']);
      expect(messages(termsRow('', '12.35', '11/31/2026'))).toEqual(['discount_date: "11/31/2026" is not a date (expected YYYY-MM-DD or MM/DD/YYYY)']);
      expect(messages(termsRow('', '12,35', '2026-11-10'))).toEqual([expect.stringMatching(/^discount_amount: "12,35" is not an amount/)]);
    });
  });

  it('reports an unquoted comma as a row error', () => {
    const row = readRow(header, ['C-1', 'INV-1', '2026-10-01', '2026-10-31', '1', '250.00', '1', '', '', '', 'extra']);
    expect(row.errors.map((e) => e.column)).toContain('(row)');
  });
});

describe('values', () => {
  it.each(['$1,234.56', '1,234.56', 'US$ 1234.56', '1234.56 USD', ' $1,234.56 '])('%j is 123456 cents', (raw) => {
    expect(readAmount(raw)).toEqual({ ok: true, value: 123456 });
  });
  it.each(['1.234,56', '12.345', '--5', '€5'])('%j is not an amount', (raw) => expect(readAmount(raw).ok).toBe(false));
  it('reads plain decimals and ISO dates exactly as the general parsers do', () => {
    expect(readAmount('-0.00')).toEqual({ ok: true, value: 0 });
    expect(readAmount('-12.5')).toEqual({ ok: true, value: -1250 });
    expect(readAmount('0012.05')).toEqual({ ok: true, value: 1205 });
    expect(readDate('2028-02-29')).toEqual({ ok: true, value: '2028-02-29' });
    expect(readDate('2026-02-29').ok).toBe(false);
    expect(readDate('2026-13-01').ok).toBe(false);
    expect(readDate('2026-00-10').ok).toBe(false);
    expect(readDate('1900-02-29').ok).toBe(false);
  });

  it('accepts a midnight time after a date and refuses an absurd year', () => {
    expect(readDate('2026-11-05 00:00:00')).toEqual({ ok: true, value: '2026-11-05' });
    expect(readDate('11/5/2026 0:00')).toEqual({ ok: true, value: '2026-11-05' });
    expect(readDate('2206-11-05').ok).toBe(false);
  });
});

describe('bytes', () => {
  it('finds the first byte that is not UTF-8 and allows a character cut at a chunk end', () => {
    const euro = Buffer.from('€');
    expect(firstInvalidUtf8(Buffer.from('plain, ascii'), false)).toBe(-1);
    expect(firstInvalidUtf8(Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(',')]), false)).toBe(3);
    expect(firstInvalidUtf8(euro.subarray(0, 2), true)).toBe(-1);
    expect(firstInvalidUtf8(euro.subarray(0, 2), false)).toBe(0);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]))).toBe(2);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro]))).toBe(5);
  });

  it('refuses workbooks and UTF-16 without a byte-order mark from the first bytes', () => {
    const refusal = (bytes: Buffer | number[]) => {
      const result = inspectHead(Buffer.from(bytes), true);
      return result.ok ? null : result.refusal.code;
    };
    expect(refusal([0x50, 0x4b, 0x03, 0x04, 0x14])).toBe('spreadsheet');
    expect(refusal(Buffer.from('account_id,name\nC-1,Cafe\n', 'utf16le'))).toBe('utf16');
    expect(refusal(Buffer.from('account_id,name\nC-1,Cafe\n', 'utf16le').swap16())).toBe('utf16');
    expect(refusal([])).toBe('empty');
  });
});

describe('encodings', () => {
  const TEXT = 'account_id,name\nC-1,Café ’s “Lumber” €5\n';
  /** Decodes in chunks of `size` bytes, as the validation stream does. */
  function decode(bytes: Buffer, size = 7): { text: string; encoding: string } {
    const decoder = new UploadDecoder();
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) parts.push(decoder.push(bytes.subarray(i, i + size)));
    parts.push(decoder.push(Buffer.alloc(0), true));
    return { text: Buffer.concat(parts).toString('utf8'), encoding: decoder.encoding };
  }
  const refusalOf = (bytes: Buffer, size?: number) => {
    try {
      decode(bytes, size);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const cp1252 = (text: string) => Buffer.from([...text].map((char) => ({ 'é': 0xe9, '’': 0x92, '“': 0x93, '”': 0x94, '€': 0x80 })[char] ?? char.charCodeAt(0)));

  it('reads UTF-8 as it is, with or without a byte-order mark, across any chunk boundary', () => {
    for (const size of [1, 2, 3, 7, 1 << 20]) {
      expect(decode(Buffer.from(TEXT), size)).toEqual({ text: TEXT, encoding: 'utf-8' });
      expect(decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), size)).toEqual({ text: `\uFEFF${TEXT}`, encoding: 'utf-8' });
    }
  });

  it('reads Windows-1252 ("ANSI"): é, ’, “ ”, € from their single bytes', () => {
    const bytes = cp1252(TEXT);
    expect([bytes.includes(0xe9), bytes.includes(0x92), bytes.length]).toEqual([true, true, TEXT.length]);
    for (const size of [1, 3, 1 << 20]) expect(decode(bytes, size)).toEqual({ text: TEXT, encoding: 'windows-1252' });
    // Every byte from 0x80 to 0x9F as the WHATWG table has it (Node 20's own TextDecoder gets these wrong).
    expect(decode(Buffer.from([0x41, ...Array.from({ length: 32 }, (_, i) => 0x80 + i)])).text).toBe('A€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ');
    // A lone byte at the very end of the file, after nothing but ASCII.
    expect(decode(Buffer.concat([Buffer.from('account_id,name\nC-1,Caf'), Buffer.from([0xe9])]))).toEqual({ text: 'account_id,name\nC-1,Café', encoding: 'windows-1252' });
  });

  it('reads UTF-16 LE and BE with a byte-order mark, and refuses bytes that are not UTF-16', () => {
    for (const size of [1, 3, 8, 1 << 20]) {
      expect(decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), size)).toEqual({ text: TEXT, encoding: 'utf-16le' });
      expect(decode(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, 'utf16le').swap16()]), size)).toEqual({ text: TEXT, encoding: 'utf-16be' });
    }
    // A lone high surrogate on line 2.
    expect(refusalOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\nc', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from(',d\n', 'utf16le')]))).toMatch(/UTF-16 text, but line 2/);
  });

  it('refuses a file that mixes UTF-8 and another encoding, naming the line', () => {
    const mixed = Buffer.concat([Buffer.from('account_id,name\nC-1,Café\nC-2,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    for (const size of [1, 5, 1 << 20]) expect(refusalOf(mixed, size)).toMatch(/mixes two encodings: line 3 /);
    expect(refusalOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\nc,'), Buffer.from([0x92])]))).toMatch(/line 2 /);
  });

  it('refuses NUL bytes in any encoding as binary data', () => {
    expect(refusalOf(Buffer.concat([Buffer.from('a,b\nc,d\n'), Buffer.from([0])]))).toMatch(/line 3 contains binary data/);
    expect(refusalOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n\u0000', 'utf16le')]))).toMatch(/line 2 contains binary data/);
  });

  it('tells the encoding of a file from its head when it arrives', () => {
    const head = inspectHead(cp1252('account_id,name\nC-1,Café\n'), true);
    expect(head).toMatchObject({ ok: true, encoding: 'windows-1252', header: { dataType: 'accounts' } });
    expect(inspectHead(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('account_id,name\n', 'utf16le').swap16()]), true)).toMatchObject({ ok: true, encoding: 'utf-16be' });
  });
});

describe('the shipped samples and docs', () => {
  const root = path.resolve(__dirname, '../..');
  it.each(DATA_TYPES)('docs/samples/%s.csv is recognised and every row is readable', (dataType) => {
    const text = readFileSync(path.join(root, 'docs/samples', `${dataType}.csv`));
    const inspected = inspectHead(text, true);
    if (!inspected.ok) throw new Error(inspected.refusal.message);
    expect(inspected.header.dataType).toBe(dataType);
    const [, ...records] = parse(text, { bom: true }) as string[][];
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) expect(readRow(inspected.header, record).errors).toEqual([]);
  });

  it('docs/csv-formats.md documents every column of every format', () => {
    const docs = readFileSync(path.join(root, 'docs/csv-formats.md'), 'utf8');
    for (const dataType of DATA_TYPES) {
      expect(docs).toContain(`### ${dataType} —`);
      for (const column of FORMATS[dataType].columns) expect(docs).toContain(`| \`${column.name}\` |`);
    }
  });
});
