import PDFDocument from 'pdfkit';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SpruceError, type SpruceStore, type Tenant } from './store';

/**
 * The documents Spruce keeps behind an invoice (docs/spruce-api.md, "Documents"): the invoice
 * copy and the signed delivery tickets scanned at the yard. Attached through the admin API or a
 * book; a document sent without its bytes gets a small generated PDF, so demo books stay tiny.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;

export const documentInput = z.object({
  id: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only').optional(),
  invoice_id: z.string().trim().min(1).max(64),
  kind: z.enum(['invoice_copy', 'delivery_ticket']),
  file_name: z.string().trim().min(1).max(200).optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  content_base64: z.string().optional(),
  ticket_number: z.string().max(60).nullable().default(null),
  delivered_date: isoDate.nullable().default(null),
  signed_by: z.string().max(120).nullable().default(null),
});
export type DocumentInput = z.input<typeof documentInput>;

export interface SpruceDocument {
  id: string;
  invoice_id: string;
  kind: 'invoice_copy' | 'delivery_ticket';
  file_name: string;
  content_type: (typeof CONTENT_TYPES)[number];
  size_bytes: number;
  ticket_number: string | null;
  delivered_date: string | null;
  signed_by: string | null;
  created_at: string;
  /** Kept in the snapshot as base64; never listed. */
  content_base64: string;
}

export type DocumentView = Omit<SpruceDocument, 'content_base64'>;
export const documentView = ({ content_base64: _content, ...view }: SpruceDocument): DocumentView => view;

/** Attaches (or replaces, by id) a document of an existing invoice. */
export async function attachDocument(store: SpruceStore, tenant: Tenant, body: unknown): Promise<SpruceDocument> {
  const parsed = documentInput.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SpruceError(400, 'invalid_document', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const input = parsed.data;
  if (!tenant.objects.invoice.has(input.invoice_id)) throw new SpruceError(422, 'unknown_reference', `document refers to invoice ${input.invoice_id}, which does not exist.`);
  const content = input.content_base64 === undefined ? await generatedPdf(input) : Buffer.from(input.content_base64, 'base64');
  const contentType = input.content_base64 === undefined ? 'application/pdf' : input.content_type;
  if (!contentType) throw new SpruceError(400, 'invalid_document', 'content_type: required when content_base64 is sent.');
  const id = input.id ?? `DOC-${randomUUID().slice(0, 12)}`;
  const document: SpruceDocument = {
    id, invoice_id: input.invoice_id, kind: input.kind, file_name: input.file_name ?? defaultName(input), content_type: contentType, size_bytes: content.length,
    ticket_number: input.ticket_number, delivered_date: input.delivered_date, signed_by: input.signed_by, created_at: new Date().toISOString(), content_base64: content.toString('base64'),
  };
  store.putDocument(tenant.id, document);
  return document;
}

export function invoiceDocuments(tenant: Tenant, invoiceId: string): SpruceDocument[] {
  if (!tenant.objects.invoice.has(invoiceId)) throw new SpruceError(404, 'not_found', `No invoice ${invoiceId}.`);
  return [...tenant.documents.values()]
    .filter((document) => document.invoice_id === invoiceId)
    .sort((a, b) => (a.kind === b.kind ? a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id) : a.kind === 'invoice_copy' ? -1 : 1));
}

function defaultName(input: z.infer<typeof documentInput>): string {
  return input.kind === 'invoice_copy' ? `invoice-${input.invoice_id}.pdf` : `ticket-${input.ticket_number ?? input.invoice_id}.pdf`;
}

function generatedPdf(input: z.infer<typeof documentInput>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: [420, 300], margin: 28, compress: true, info: { Title: defaultName(input) } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(16).text(input.kind === 'invoice_copy' ? `Invoice ${input.invoice_id}` : `Delivery ticket ${input.ticket_number ?? ''}`.trim());
    doc.moveDown(0.5).font('Helvetica').fontSize(11);
    if (input.kind === 'delivery_ticket') {
      doc.text(`Invoice: ${input.invoice_id}`);
      if (input.delivered_date) doc.text(`Delivered: ${input.delivered_date}`);
      doc.moveDown().text(`Received by: ${input.signed_by ?? '(unsigned)'}`);
    } else {
      doc.text('Copy of the invoice as printed by Spruce.');
    }
    doc.end();
  });
}
