/**
 * The papers behind an invoice (docs/item-documents.md): the invoice copy and the signed
 * delivery tickets contractors re-bill from. What a document may be is said once here, for
 * the console, the v1 API and the Spruce emulator alike.
 */
export const DOCUMENT_KINDS = ['invoice_copy', 'delivery_ticket'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

/** A scanned multi-page ticket stays well under this; anything larger is almost always the wrong file. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** A Spruce document id or our own uuid: both travel in a URL path segment. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

const SIGNATURES: Array<[DocumentContentType, number[]]> = [
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
];

/**
 * The type the bytes really are, by their signature. The declared type of an upload is a
 * browser's guess from the file name, so the bytes decide what we later serve inline.
 */
export function sniffContentType(bytes: Uint8Array): DocumentContentType | null {
  for (const [type, signature] of SIGNATURES) {
    if (bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte)) return type;
  }
  return null;
}

export interface DocumentProblem {
  code: 'file_too_large' | 'empty_file' | 'unsupported_file_type';
  field: string;
  message: string;
}

/**
 * Why a file cannot be kept as a document, naming the field it came in; null when it can.
 * `sizeBytes` is the size sent, which is more than `bytes` holds when the reader stopped at the limit.
 */
export function documentFileProblem(field: string, fileName: string, bytes: Uint8Array, sizeBytes = bytes.length): DocumentProblem | null {
  if (sizeBytes > MAX_DOCUMENT_BYTES) {
    return { code: 'file_too_large', field, message: `${field}: ${fileName} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; scan it at a lower resolution or split it.` };
  }
  if (bytes.length === 0) return { code: 'empty_file', field, message: `${field}: ${fileName} is empty.` };
  if (!sniffContentType(bytes)) {
    return { code: 'unsupported_file_type', field, message: `${field}: ${fileName} is not a PDF, PNG or JPEG file; only those can be attached.` };
  }
  return null;
}

/** A file name safe for a Content-Disposition header and for a person's downloads folder. */
export function safeFileName(raw: string, fallback: string): string {
  const base = raw.replace(/\\/g, '/').split('/').pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean || fallback;
}
