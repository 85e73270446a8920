import { type Refusal, SAVE_AS_CSV } from './refusal';

/**
 * Byte-level checks that tell a CSV text file from everything operators upload by mistake
 * (workbooks, PDFs, binary files). Run on the start of the file when it arrives and on every
 * chunk while it streams; which text encoding a file is in is encoding.ts's to work out.
 */
export function sniffStart(head: Uint8Array): Refusal | null {
  const startsWith = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) {
    return { code: 'spreadsheet', message: `This is an Excel workbook (.xlsx) or another zip archive, not a CSV file. ${SAVE_AS_CSV}` };
  }
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0)) {
    return { code: 'spreadsheet', message: `This is an old-style Excel workbook (.xls), not a CSV file. ${SAVE_AS_CSV}` };
  }
  if (startsWith(0x25, 0x50, 0x44, 0x46)) return { code: 'binary', message: 'This is a PDF document, not a CSV file. Export the data from the ERP as CSV instead.' };
  return null;
}

export function binaryRefusal(line: number): Refusal {
  return { code: 'binary', message: `This is not a text file: line ${line} contains binary data (NUL bytes). Upload the CSV export itself.` };
}

/**
 * Index of the first byte that does not belong to valid UTF-8, or -1. With `allowCutTail`
 * an incomplete character at the very end is accepted (the rest is in the next chunk).
 */
export function firstInvalidUtf8(bytes: Uint8Array, allowCutTail: boolean): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return allowCutTail ? -1 : i;
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Length of the prefix that ends on a character boundary (0-3 trailing bytes may be cut). */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return n;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return size > back ? n - back : n;
  }
  return n;
}

export function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}
