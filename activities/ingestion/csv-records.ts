import { CsvError, parse } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { binaryRefusal, completeUtf8Length, countNewlines, encodingRefusal, firstInvalidUtf8, sniffStart } from '../../domain/ingestion/bytes';
import { FileRefused } from '../../domain/ingestion/refusal';

/** One row larger than this means a quote was never closed, not a real record. */
const MAX_RECORD_CHARS = 1_000_000;

/**
 * Passes through only UTF-8 text, cut on character boundaries; refuses binary data and
 * other encodings with the line where they start.
 */
class Utf8Gate extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private lines = 0;
  private started = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.started) {
      this.started = true;
      const refusal = sniffStart(chunk);
      if (refusal) return done(new FileRefused(refusal));
    }
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const nul = data.indexOf(0);
    if (nul !== -1) return done(new FileRefused(binaryRefusal(this.lines + countNewlines(data, nul) + 1)));
    const cut = completeUtf8Length(data);
    const whole = data.subarray(0, cut);
    if (!isUtf8(whole)) {
      const at = firstInvalidUtf8(whole, false);
      return done(new FileRefused(encodingRefusal(this.lines + countNewlines(whole, Math.max(at, 0)) + 1)));
    }
    this.lines += countNewlines(whole);
    this.carry = Buffer.from(data.subarray(cut));
    done(null, whole);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) return done(new FileRefused(encodingRefusal(this.lines + 1)));
    done();
  }
}

function malformed(error: CsvError): FileRefused {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line ? `near line ${line}` : 'in the file';
  const reason = error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE'
    ? 'a quoted value is never closed (a stray " character)'
    : error.code === 'CSV_INVALID_CLOSING_QUOTE'
      ? 'a quoted value is followed by more text before the next comma'
      : error.message;
  return new FileRefused({ code: 'malformed', message: `The file cannot be read as CSV ${where}: ${reason}.` });
}

/**
 * Every record of a CSV file in order, blank lines included (as `['']`) so the caller can
 * number rows the way a spreadsheet shows them. Streams: memory stays flat for any size.
 */
export async function* csvRecords(path: string): AsyncGenerator<string[]> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_CHARS,
  });
  const feeding = pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), new Utf8Gate(), parser);
  let failure: unknown;
  feeding.catch((error: unknown) => {
    failure = error;
  });
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (error) {
    failure ??= error;
  }
  await feeding.catch(() => undefined);
  if (failure) {
    if (failure instanceof FileRefused) throw failure;
    if (failure instanceof CsvError) throw malformed(failure);
    throw failure;
  }
}
