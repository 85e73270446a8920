import type { Knex } from 'knex';
import type { DocumentContentType, DocumentKind } from '../domain/item-documents';
import { refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import { withinJobs, type PortalScope } from './portal-scope';

/**
 * Documents behind invoices: the invoice a document hangs on, reached only inside a dealer
 * or a customer's linked accounts; file-based dealers' stored documents (the bytes only when
 * one is served); and the audit of who uploaded and who pulled a delivery ticket.
 */
type Executor = Knex | Knex.Transaction;

export interface DocumentInvoice {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  invoice_number: string;
  integration_mode: 'spruce' | 'file';
}

const invoiceColumns = ['i.id', 'i.dealer_id', 'i.customer_account_id', 'i.invoice_number', 'd.integration_mode'] as const;

/** One of the dealer's invoices, or not found. */
export async function dealerDocumentInvoice(db: Executor, dealerId: string, invoiceId: string): Promise<DocumentInvoice> {
  const invoice = await db('invoices as i').join('dealers as d', 'd.id', 'i.dealer_id').where({ 'i.dealer_id': dealerId, 'i.id': invoiceId }).first(...invoiceColumns);
  if (!invoice) throw refuseNotFound('Invoice');
  return invoice as DocumentInvoice;
}

/** An invoice of one of the accounts a customer's company linked, or not found. */
export async function linkedDocumentInvoice(db: Executor, scope: Pick<PortalScope, 'accountIds' | 'jobIds'>, invoiceId: string): Promise<DocumentInvoice> {
  const invoice = scope.accountIds.length === 0 ? undefined
    : await withinJobs(db('invoices as i'), scope.jobIds, 'i.job_id').join('dealers as d', 'd.id', 'i.dealer_id').where('i.id', invoiceId).whereIn('i.customer_account_id', scope.accountIds).first(...invoiceColumns);
  if (!invoice) throw refuseNotFound('Invoice');
  return invoice as DocumentInvoice;
}

export interface StoredDocumentRow {
  id: string;
  dealer_id: string;
  invoice_id: string;
  kind: DocumentKind;
  file_name: string;
  content_type: DocumentContentType;
  size_bytes: number;
  ticket_number: string | null;
  delivered_on: string | null;
  signed_by: string | null;
  created_at: Date;
}

const listColumns = ['id', 'dealer_id', 'invoice_id', 'kind', 'file_name', 'content_type', 'size_bytes', 'ticket_number', 'delivered_on', 'signed_by', 'created_at'] as const;
const withDate = (row: StoredDocumentRow): StoredDocumentRow => ({ ...row, delivered_on: row.delivered_on ? String(row.delivered_on) : null });

/** The invoice's stored documents, invoice copies first, without their bytes. */
export async function storedDocuments(db: Executor, dealerId: string, invoiceId: string): Promise<StoredDocumentRow[]> {
  const rows = await db('item_documents').where({ dealer_id: dealerId, invoice_id: invoiceId })
    .orderByRaw("kind = 'invoice_copy' desc, created_at, id").select(...listColumns);
  return rows.map(withDate);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One stored document of the invoice with its bytes, or undefined (a Spruce-style id is simply not one of ours). */
export async function storedDocumentContent(db: Executor, dealerId: string, invoiceId: string, documentId: string): Promise<(StoredDocumentRow & { content: Buffer }) | undefined> {
  if (!UUID.test(documentId)) return undefined;
  const row = await db('item_documents').where({ dealer_id: dealerId, invoice_id: invoiceId, id: documentId }).first(...listColumns, 'content');
  return row ? { ...withDate(row), content: row.content } : undefined;
}

export interface NewDocument {
  dealerId: string;
  invoiceId: string;
  kind: DocumentKind;
  fileName: string;
  contentType: DocumentContentType;
  content: Buffer;
  sha256: string;
  ticketNumber: string | null;
  deliveredOn: string | null;
  signedBy: string | null;
}

/** Keeps an uploaded document and records who uploaded it, in one transaction. */
export async function saveDocument(db: Knex, document: NewDocument, actor: { kind: 'operator' | 'api_key'; id: string }): Promise<StoredDocumentRow> {
  return db.transaction(async (trx) => {
    const [row] = await trx('item_documents').insert({
      dealer_id: document.dealerId, invoice_id: document.invoiceId, kind: document.kind, file_name: document.fileName, content_type: document.contentType,
      size_bytes: document.content.length, sha256: document.sha256, content: document.content, ticket_number: document.ticketNumber,
      delivered_on: document.deliveredOn, signed_by: document.signedBy, uploaded_by_kind: actor.kind, uploaded_by_id: actor.id,
    }).returning([...listColumns]);
    await recordAudit(trx, {
      dealerId: document.dealerId, actorKind: actor.kind, actorId: actor.id, action: 'document.uploaded', entityType: 'invoice', entityId: document.invoiceId,
      data: { document_id: row.id, kind: document.kind, file_name: document.fileName, content_type: document.contentType, size_bytes: document.content.length, sha256: document.sha256, ticket_number: document.ticketNumber },
    });
    return withDate(row);
  });
}

/** A customer pulled a document: the dealer sees who took which ticket of which invoice. */
export async function recordDocumentDownload(
  db: Executor,
  invoice: DocumentInvoice,
  document: { id: string; kind: DocumentKind; file_name: string; ticket_number: string | null; source: 'spruce' | 'upload' },
  customer: { id: string; email: string },
): Promise<void> {
  await recordAudit(db, {
    dealerId: invoice.dealer_id, actorKind: 'customer', actorId: customer.id, action: 'document.downloaded', entityType: 'invoice', entityId: invoice.id,
    data: {
      document_id: document.id, kind: document.kind, file_name: document.file_name, ticket_number: document.ticket_number, source: document.source,
      invoice_number: invoice.invoice_number, customer_account_id: invoice.customer_account_id, email: customer.email,
    },
  });
}
