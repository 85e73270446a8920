import { CsvError, parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UploadDecoder } from '../../domain/ingestion/encoding';
import { FileRefused } from '../../domain/ingestion/refusal';

/** Few reads: under load each read is a round trip through libuv's thread pool. */
const READ_CHUNK_BYTES = 1 << 20;
/**
 * The parser turns each chunk it is given into records at once, and they wait in its buffer
 * until taken: 64 KB is some 700 invoice rows, where 1 MB was 12,000 (about 12 MB of
 * short-lived objects that lived long enough to reach V8's old generation and grow the heap).
 */
const PARSE_CHUNK_BYTES = 64 * 1024;
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
      // The file is read in large chunks (few reads), the parser fed in small ones (see PARSE_CHUNK_BYTES).
      const text = this.decoder.push(chunk);
      for (let start = 0; start < text.length; start += PARSE_CHUNK_BYTES) this.push(text.subarray(start, start + PARSE_CHUNK_BYTES));
      done();
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
 * Every record of a CSV file in order, in batches of up to `batchSize`, blank lines included
 * (as `['']`) so the caller can number rows the way a spreadsheet shows them. Records are
 * taken from the parser synchronously as long as it has any, so a million-row file costs a few
 * hundred awaits rather than a million. Streams: the parser holds a chunk of the file at a time,
 * and nothing more is read while the caller works on a batch (backpressure). `decoder.encoding`
 * says, once the records are read, which encoding the file was read in.
 */
export async function* csvRecordBatches(path: string, decoder: UploadDecoder = new UploadDecoder(), batchSize = 2000): AsyncGenerator<string[][]> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_CHARS,
  });
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  parser.on('readable', notify);
  parser.on('end', () => {
    ended = true;
    notify();
  });
  const feeding = pipeline(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), new DecodingGate(decoder), parser).catch((error: unknown) => {
    failure ??= error;
    notify();
  });
  try {
    let batch: string[][] = [];
    for (;;) {
      let record: string[] | null;
      while (failure === undefined && (record = parser.read() as string[] | null) !== null) {
        batch.push(record);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (failure !== undefined || ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure === undefined && batch.length > 0) yield batch;
  } finally {
    if (!ended && failure === undefined) parser.destroy();
    await feeding;
  }
  if (failure) {
    if (failure instanceof FileRefused) throw failure;
    if (failure instanceof CsvError) throw malformed(failure);
    throw failure;
  }
}
