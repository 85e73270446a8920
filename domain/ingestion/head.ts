import { parse } from 'csv-parse/sync';
import { binaryRefusal, countNewlines, encodingRefusal, firstInvalidUtf8, sniffStart } from './bytes';
import type { DataType } from './columns';
import { type HeaderResult, resolveHeader } from './header';
import type { Refusal } from './refusal';

/** Enough of a file to hold its header many times over. */
export const HEAD_BYTES = 64 * 1024;

/**
 * Checks the start of an uploaded file (at most HEAD_BYTES, `complete` when that is the whole
 * file) so an unreadable file is refused the moment it arrives, with one message.
 */
export function inspectHead(head: Uint8Array, complete: boolean, explicit?: DataType): HeaderResult {
  const refuse = (refusal: Refusal): HeaderResult => ({ ok: false, refusal });
  const start = sniffStart(head);
  if (start) return refuse(start);
  const nul = head.indexOf(0);
  if (nul !== -1) return refuse(binaryRefusal(countNewlines(head, nul) + 1));
  const invalid = firstInvalidUtf8(head, !complete);
  if (invalid !== -1) return refuse(encodingRefusal(countNewlines(head, invalid) + 1));
  let text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
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
  return resolveHeader(header, explicit);
}
