import busboy from 'busboy';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { documentFileProblem, MAX_DOCUMENT_BYTES, safeFileName, sniffContentType, type DocumentContentType } from '../domain/item-documents';
import { documentUploadFields, type DocumentUploadFields } from '../contracts/item-documents';
import { badRequest, HttpError } from './errors';

/**
 * One document upload (docs/item-documents.md), the same multipart request from the console
 * and from /api/v1: a `file` part and text fields. The file is read into memory up to the
 * limit (the store keeps bytes in the row anyway); past it the rest is drained and refused.
 */

export interface ReceivedDocument {
  fields: DocumentUploadFields;
  fileName: string;
  contentType: DocumentContentType;
  content: Buffer;
  sha256: string;
}

const FILE_FIELD = 'file';

const problemStatus = { file_too_large: 413, empty_file: 400, unsupported_file_type: 415 } as const;

export async function receiveDocument(req: Request): Promise<ReceivedDocument> {
  if (!req.is('multipart/form-data')) {
    throw new HttpError(415, 'not_multipart', 'Upload the document as multipart/form-data: a "file" part (PDF, PNG or JPEG) and a "kind" field.', { field: '(body)' });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 10, fieldSize: 1024 } });
  } catch {
    throw badRequest('not_multipart', 'The multipart request has no boundary; let the browser or HTTP client build it.');
  }
  const fields: Record<string, string> = {};
  let file: { name: string; chunks: Buffer[]; truncated: boolean } | undefined;
  let extraFile: string | undefined;
  await new Promise<void>((resolve, reject) => {
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || file) {
        extraFile ??= name;
        stream.resume();
        return;
      }
      const received = { name: safeFileName(info.filename ?? '', 'document'), chunks: [] as Buffer[], truncated: false };
      file = received;
      stream.on('data', (chunk: Buffer) => received.chunks.push(chunk));
      stream.on('limit', () => {
        received.truncated = true;
      });
    });
    parser.on('filesLimit', () => {
      extraFile ??= FILE_FIELD;
    });
    parser.on('error', reject);
    parser.on('close', resolve);
    req.pipe(parser);
  }).catch((error: Error) => {
    throw badRequest('malformed_upload', `The upload could not be read: ${error.message}`);
  });

  if (extraFile) throw badRequest('unexpected_file', `${extraFile}: send exactly one file, in the "file" part.`, [{ field: extraFile, message: 'one file per upload, in "file"' }]);
  if (!file) throw badRequest('file_required', 'file: attach the document (PDF, PNG or JPEG) in a part named "file".', [{ field: FILE_FIELD, message: 'required' }]);
  const parsedFields = documentUploadFields.parse(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '')));
  const content = Buffer.concat(file.chunks);
  const problem = documentFileProblem(FILE_FIELD, file.name, content, file.truncated ? MAX_DOCUMENT_BYTES + 1 : content.length);
  if (problem) throw new HttpError(problemStatus[problem.code], problem.code, problem.message, [{ field: problem.field, message: problem.message }]);
  return { fields: parsedFields, fileName: file.name, contentType: sniffContentType(content)!, content, sha256: createHash('sha256').update(content).digest('hex') };
}
