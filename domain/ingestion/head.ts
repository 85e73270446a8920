import { parse } from 'csv-parse/sync';
import type { DataType } from './columns';
import { type TextEncodingName, UploadDecoder } from './encoding';
import { type HeaderResult, resolveHeader } from './header';
import { FileRefused, type Refusal } from './refusal';

/** Enough of a file to hold its header many times over. */
export const HEAD_BYTES = 64 * 1024;

/** What the start of a file says: its header (or why it is refused) and the encoding it reads in so far. */
export type HeadResult = HeaderResult & { encoding: TextEncodingName };

/**
 * Checks the start of an uploaded file (at most HEAD_BYTES, `complete` when that is the whole
 * file) so an unreadable file is refused the moment it arrives, with one message. The encoding
 * is the one the head reads in; a file whose head is ASCII may still turn out to be
 * Windows-1252 further on, which validation, reading every byte, records.
 */
export function inspectHead(head: Uint8Array, complete: boolean, explicit?: DataType): HeadResult {
  const decoder = new UploadDecoder();
  const refuse = (refusal: Refusal): HeadResult => ({ ok: false, refusal, encoding: decoder.encoding });
  let text: string;
  try {
    text = decoder.push(head, complete).toString('utf8');
  } catch (error) {
    if (error instanceof FileRefused) return refuse(error.refusal);
    throw error;
  }
  if (!complete) {
    const lastLineEnd = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    text = lastLineEnd === -1 ? text : text.slice(0, lastLineEnd + 1);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'], to: 50 });
  } catch {
    // The head may end inside a quoted value; the first records are what matters.
    records = parse(text.split(/\r\n|\n|\r/)[0] ?? '', { bom: true, relax_column_count: true, relax_quotes: true });
  }
  const header = records.find((record) => record.some((cell) => cell.trim() !== ''));
  if (!header) return refuse({ code: 'empty', message: 'The file is empty: it has no header row and no data.' });
  return { ...resolveHeader(header, explicit), encoding: decoder.encoding };
}
