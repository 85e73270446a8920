import { CsvError, parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UploadDecoder } from '../../domain/ingestion/encoding';
import { FileRefused } from '../../domain/ingestion/refusal';

/** One row larger than this means a quote was never closed, not a real record. */
const MAX_RECORD_CHARS = 1_000_000;

/**
 * Passes on the file's text as UTF-8, whatever encoding it was written in (a UTF-8 file goes
 * through untouched); refuses binary data and bytes that fit no encoding with the line where
 * they start (domain/ingestion/encoding.ts).
 */
class DecodingGate extends Transform {
  constructor(private readonly decoder: UploadDecoder) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.decoder.push(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.push(Buffer.alloc(0), true));
    } catch (error) {
      done(error as Error);
    }
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
 * `decoder.encoding` says, once the records are read, which encoding the file was read in.
 */
export async function* csvRecords(path: string, decoder: UploadDecoder = new UploadDecoder()): AsyncGenerator<string[]> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_CHARS,
  });
  const feeding = pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), new DecodingGate(decoder), parser);
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
