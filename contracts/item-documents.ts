import { z } from 'zod';
import { DOCUMENT_CONTENT_TYPES, DOCUMENT_KINDS, MAX_DOCUMENT_BYTES } from '../domain/item-documents';
import { calendarDate } from './fields';

/**
 * The documents behind an invoice (docs/item-documents.md), one shape for the console, the
 * portal and /api/v1: from Spruce for Spruce dealers, from the document store for file-based
 * ones. The bytes are always served by our own content route, never by a Spruce URL.
 */

export const itemDocument = z.strictObject({
  id: z.string().describe('Spruce\'s document id for a Spruce dealer, our id for an uploaded one'),
  invoice_id: z.string().describe('Our invoice id'),
  kind: z.enum(DOCUMENT_KINDS),
  file_name: z.string(),
  content_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
  ticket_number: z.string().nullable(),
  delivered_on: z.string().nullable().describe('YYYY-MM-DD'),
  signed_by: z.string().nullable(),
  source: z.enum(['spruce', 'upload']),
  uploaded_at: z.string().nullable().describe('When it was uploaded (uploads only)'),
});
export type ItemDocument = z.infer<typeof itemDocument>;

export const itemDocuments = z.strictObject({ documents: z.array(itemDocument) });

/** The text fields of an upload, sent as multipart fields beside the `file` part. */
export const documentUploadFields = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS, { error: `must be one of ${DOCUMENT_KINDS.join(', ')}` }),
  ticket_number: z.string().trim().min(1).max(60).optional(),
  delivered_on: calendarDate.optional(),
  signed_by: z.string().trim().min(1).max(120).optional(),
});
export type DocumentUploadFields = z.infer<typeof documentUploadFields>;

/** The multipart body as the OpenAPI document describes it. */
export const documentUploadBody = documentUploadFields.extend({
  file: z.string().meta({ format: 'binary' }).describe(`One PDF, PNG or JPEG file, at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB (${DOCUMENT_CONTENT_TYPES.join(', ')})`),
});
