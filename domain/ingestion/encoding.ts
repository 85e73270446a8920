import { isAscii, isUtf8 } from 'node:buffer';
import { binaryRefusal, completeUtf8Length, countNewlines, firstInvalidUtf8, sniffStart } from './bytes';
import { FileRefused, type Refusal, SAVE_AS_CSV } from './refusal';

/**
 * Which text encoding an upload is read in. UTF-8 is the format (docs/csv-formats.md), but
 * Excel on Windows and many older ERPs write Windows-1252 ("ANSI": é is the byte E9, ’ is 92),
 * and Excel's "Unicode Text" writes UTF-16 with a byte-order mark. Those are read too, and the
 * file's card says which encoding was used.
 *
 * - A UTF-16 byte-order mark (FF FE, FE FF) means UTF-16 LE / BE, decoded strictly.
 * - Otherwise the file is UTF-8 as long as its bytes are. At the first byte that is not, a file
 *   that held only ASCII until there is Windows-1252 from its start (ASCII reads the same in
 *   both); one that already held UTF-8 characters (or a UTF-8 byte-order mark) mixes two
 *   encodings, and is refused naming the line.
 * - UTF-16 without a byte-order mark cannot be told apart reliably and is refused.
 */
export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'];

export const ENCODING_LABELS: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252 ("ANSI")',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

/** The note a file read in another encoding than UTF-8 carries among its warnings. */
export function encodingNote(encoding: TextEncodingName): string | null {
  return encoding === 'utf-8' ? null : `Read as ${ENCODING_LABELS[encoding]} text: the file is not UTF-8.`;
}

/**
 * Windows-1252 is ISO-8859-1 but for 0x80–0x9F, where it has € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” •
 * – — ˜ ™ š › œ ž Ÿ (the WHATWG table; 81, 8D, 8F, 90 and 9D stay control characters). Not
 * Node's TextDecoder('windows-1252'): Node 20 decodes that range as ISO-8859-1 controls, so
 * ’ came out as U+0092, invisible.
 */
const WINDOWS_1252_HIGH = '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F'
  + '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    .replace(/[\u0080-\u009F]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]!);
}

const EMPTY = Buffer.alloc(0);
/** Bytes needed before the start of a file can be judged (the longest signature checked). */
const SNIFF_BYTES = 4;

export function mixedEncodingRefusal(line: number): Refusal {
  return {
    code: 'encoding',
    message: `This file mixes two encodings: line ${line} has characters that are not UTF-8 (often Windows-1252/"ANSI"), after earlier lines written in UTF-8. ${SAVE_AS_CSV}`,
  };
}

function utf16Refusal(line: number): Refusal {
  return { code: 'encoding', message: `This file is UTF-16 text, but line ${line} holds bytes that are not UTF-16. ${SAVE_AS_CSV}` };
}

/** Every other byte zero over the first few hundred: ASCII written as UTF-16 with no byte-order mark. */
function looksLikeUtf16WithoutBom(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const half = n / 2;
  return (oddZeros >= half * 0.8 && evenZeros === 0) || (evenZeros >= half * 0.8 && oddZeros === 0);
}

function newlinesIn(text: string, end = text.length): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Turns an upload's bytes into UTF-8 text chunk by chunk, whatever encoding it is in, keeping
 * memory flat: a UTF-8 file passes through untouched. Refuses (FileRefused) binary data, UTF-16
 * without a byte-order mark, and bytes that fit no encoding, with the line where they are.
 */
export class UploadDecoder {
  private mode: TextEncodingName | undefined;
  private started = false;
  /** Whether UTF-8 text so far held anything but ASCII (a character or a byte-order mark). */
  private sawUtf8 = false;
  private carry: Buffer = EMPTY;
  /** Line ends passed on so far. */
  private lines = 0;
  private decoder: TextDecoder | undefined;

  /** The encoding the bytes so far were read in (UTF-8 until something says otherwise). */
  get encoding(): TextEncodingName {
    return this.mode ?? 'utf-8';
  }

  /** The text of the next chunk as UTF-8 bytes; `final` with the last one (or alone, for a whole file). */
  push(chunk: Uint8Array, final = false): Buffer {
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, incoming]) : incoming;
    this.carry = EMPTY;
    if (!this.started) {
      if (data.length < SNIFF_BYTES && !final) {
        this.carry = Buffer.from(data);
        return EMPTY;
      }
      this.started = true;
      this.begin(data);
    }
    switch (this.mode) {
      case 'utf-16le':
      case 'utf-16be': {
        let text: string;
        try {
          text = this.decoder!.decode(data, { stream: !final });
        } catch {
          throw new FileRefused(utf16Refusal(this.lines + 1));
        }
        return this.emit(text);
      }
      case 'windows-1252':
        return this.emit(decodeWindows1252(data));
      default:
        return this.utf8(data, final);
    }
  }

  private begin(start: Buffer): void {
    const refusal = sniffStart(start);
    if (refusal) throw new FileRefused(refusal);
    if (start[0] === 0xff && start[1] === 0xfe) this.mode = 'utf-16le';
    else if (start[0] === 0xfe && start[1] === 0xff) this.mode = 'utf-16be';
    if (this.mode) {
      // The decoder takes the byte-order mark off itself.
      this.decoder = new TextDecoder(this.mode, { fatal: true });
      return;
    }
    if (looksLikeUtf16WithoutBom(start)) {
      throw new FileRefused({ code: 'utf16', message: `This file looks like UTF-16 text without a byte-order mark, which cannot be read reliably. ${SAVE_AS_CSV}` });
    }
    this.mode = 'utf-8';
  }

  private utf8(data: Buffer, final: boolean): Buffer {
    const cut = final ? data.length : completeUtf8Length(data);
    const whole = data.subarray(0, cut);
    const nul = whole.indexOf(0);
    if (nul !== -1) throw new FileRefused(binaryRefusal(this.lines + countNewlines(whole, nul) + 1));
    if (isUtf8(whole)) {
      if (!this.sawUtf8 && !isAscii(whole)) this.sawUtf8 = true;
      this.lines += countNewlines(whole);
      this.carry = Buffer.from(data.subarray(cut));
      return whole;
    }
    const at = firstInvalidUtf8(whole, false);
    if (this.sawUtf8 || !isAscii(whole.subarray(0, at))) throw new FileRefused(mixedEncodingRefusal(this.lines + countNewlines(whole, at) + 1));
    // ASCII until here, which Windows-1252 reads the same: the file is Windows-1252 throughout.
    this.mode = 'windows-1252';
    return this.emit(decodeWindows1252(data));
  }

  private emit(text: string): Buffer {
    const nul = text.indexOf('\u0000');
    if (nul !== -1) throw new FileRefused(binaryRefusal(this.lines + newlinesIn(text, nul) + 1));
    this.lines += newlinesIn(text);
    return Buffer.from(text, 'utf8');
  }
}
