import busboy from 'busboy';
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, HttpError } from '../errors';

export interface ReceivedFile {
  id: string;
  /** The multipart field name the file came in. */
  field: string;
  filename: string;
  path: string;
  sizeBytes: number;
  sha256: string;
}

function displayName(raw: string | undefined, field: string): string {
  const base = path.basename((raw ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || `${field}.csv`).slice(0, 200);
}

export function describeBytes(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * Streams every file part of a multipart request to `dir` (never into memory), hashing as it
 * writes. Over the size limit the whole upload is refused with a 413 and nothing is kept.
 */
export async function receiveFiles(req: Request, options: { dir: string; maxBytes: number; maxFiles: number }): Promise<ReceivedFile[]> {
  if (!req.is('multipart/form-data')) throw badRequest('not_multipart', 'Upload the files as multipart/form-data, one part per CSV file.');
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: options.maxBytes, files: options.maxFiles, fields: 20, fieldSize: 1024 } });
  } catch {
    throw badRequest('not_multipart', 'The multipart request has no boundary; let the browser or HTTP client build it.');
  }
  await mkdir(options.dir, { recursive: true });
  const files: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  let tooLarge: string | undefined;
  let tooMany = false;
  let order = 0;

  const finished = new Promise<void>((resolve, reject) => {
    parser.on('file', (field, stream, info) => {
      const filename = displayName(info.filename, field);
      if (tooLarge) {
        stream.resume();
        return;
      }
      const id = randomUUID();
      const position = order++;
      const target = path.join(options.dir, `${id}.csv`);
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      stream.on('limit', () => {
        tooLarge ??= filename;
      });
      writes.push(
        pipeline(stream, tap, createWriteStream(target)).then(() => {
          files[position] = { id, field, filename, path: target, sizeBytes: size, sha256: hash.digest('hex') };
        }),
      );
    });
    parser.on('filesLimit', () => {
      tooMany = true;
    });
    parser.on('error', reject);
    parser.on('close', resolve);
  });
  req.pipe(parser);

  try {
    await finished;
    await Promise.all(writes);
  } catch (error) {
    await rm(options.dir, { recursive: true, force: true });
    throw badRequest('malformed_upload', `The upload could not be read: ${(error as Error).message}`);
  }
  if (tooLarge || tooMany || files.length === 0) await rm(options.dir, { recursive: true, force: true });
  if (tooLarge) {
    throw new HttpError(413, 'file_too_large', `${tooLarge} is larger than the upload limit of ${describeBytes(options.maxBytes)}; nothing was uploaded.`, { limitBytes: options.maxBytes });
  }
  if (tooMany) throw badRequest('too_many_files', `Upload at most ${options.maxFiles} files at once.`);
  if (files.length === 0) throw badRequest('no_files', 'The upload has no files: attach one CSV file per data type.');
  return files.filter(Boolean);
}
