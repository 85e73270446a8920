import { Readable } from 'node:stream';
import type { Db } from '../db/connection';
import { dealerIntegration } from '../db/dealers';
import { storedDocumentContent, storedDocuments, type DocumentInvoice, type StoredDocumentRow } from '../db/item-documents';
import { DOCUMENT_CONTENT_TYPES, DOCUMENT_ID_PATTERN } from '../domain/item-documents';
import { refuseNotFound, refuseUnavailable } from '../domain/refusal';
import type { ItemDocument } from '../contracts/item-documents';
import { spruceClientFor, SpruceClientError, SpruceError, type SpruceClient, type SpruceDocument } from '../integrations/spruce';

/**
 * The documents behind an invoice, wherever they live (docs/item-documents.md): a Spruce
 * dealer's are read from Spruce when someone asks, a file-based dealer's from the document
 * store. Callers have already scoped the invoice to an operator's dealer, an API key's dealer
 * or a customer's linked accounts; a document is only ever reached through its invoice.
 */

interface DocumentDeps {
  db: Db;
  config: { DATA_ENCRYPTION_KEY: string };
}

export interface OpenedDocument {
  document: ItemDocument;
  contentType: string;
  sizeBytes: number | null;
  body: Readable;
}

/**
 * Spruce's list, kept a few seconds: the portal asks for the same invoice's list when it shows
 * it and again when a ticket is opened, and Spruce is the dealer's ERP, not our cache.
 */
const LIST_TTL_MS = 30_000;
const LIST_CACHE_MAX = 1000;
const spruceLists = new Map<string, { at: number; documents: SpruceDocument[] }>();

export async function invoiceDocuments(deps: DocumentDeps, invoice: DocumentInvoice): Promise<ItemDocument[]> {
  if (invoice.integration_mode !== 'spruce') return (await storedDocuments(deps.db, invoice.dealer_id, invoice.id)).map(fromStore);
  const documents = await spruceList(deps, invoice, { fresh: false });
  return documents.map((document) => fromSpruce(invoice, document));
}

export async function openDocument(deps: DocumentDeps, invoice: DocumentInvoice, documentId: string): Promise<OpenedDocument> {
  if (!DOCUMENT_ID_PATTERN.test(documentId)) throw refuseNotFound('Document');
  if (invoice.integration_mode !== 'spruce') {
    const stored = await storedDocumentContent(deps.db, invoice.dealer_id, invoice.id, documentId);
    if (!stored) throw refuseNotFound('Document');
    return { document: fromStore(stored), contentType: stored.content_type, sizeBytes: stored.content.length, body: Readable.from([stored.content]) };
  }
  // Only an id Spruce lists for this invoice is fetched, so no route can reach another invoice's papers.
  const listed = (await spruceList(deps, invoice, { fresh: false })).find((document) => document.id === documentId)
    ?? (await spruceList(deps, invoice, { fresh: true })).find((document) => document.id === documentId);
  if (!listed) throw refuseNotFound('Document');
  const content = await spruceCall(() => clientFor(deps, invoice).then((client) => client.documentContent(listed.id)));
  const servable = (DOCUMENT_CONTENT_TYPES as readonly string[]).includes(content.contentType.split(';')[0]!.trim());
  return {
    document: fromSpruce(invoice, listed),
    // Anything Spruce holds beyond the three types is handed over as a file, never rendered by the browser.
    contentType: servable ? content.contentType : 'application/octet-stream',
    sizeBytes: content.sizeBytes,
    body: Readable.fromWeb(content.body as import('node:stream/web').ReadableStream<Uint8Array>),
  };
}

async function spruceList(deps: DocumentDeps, invoice: DocumentInvoice, options: { fresh: boolean }): Promise<SpruceDocument[]> {
  const key = `${invoice.dealer_id}:${invoice.invoice_number}`;
  const cached = spruceLists.get(key);
  if (!options.fresh && cached && Date.now() - cached.at < LIST_TTL_MS) return cached.documents;
  const documents = await spruceCall(async () => (await clientFor(deps, invoice)).invoiceDocuments(invoice.invoice_number));
  spruceLists.delete(key);
  spruceLists.set(key, { at: Date.now(), documents });
  if (spruceLists.size > LIST_CACHE_MAX) spruceLists.delete(spruceLists.keys().next().value!);
  return documents;
}

async function clientFor(deps: DocumentDeps, invoice: DocumentInvoice): Promise<SpruceClient> {
  const dealer = await dealerIntegration(deps.db, invoice.dealer_id);
  if (!dealer.spruce_base_url || !dealer.spruce_tenant_id) throw refuseUnavailable('spruce_not_configured', 'The dealer\'s Spruce connection is not set up, so its documents cannot be read.');
  return spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, deps.config.DATA_ENCRYPTION_KEY);
}

async function spruceCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SpruceClientError && error.status === 404) throw refuseNotFound('Document');
    if (error instanceof SpruceError) throw refuseUnavailable('spruce_unavailable', 'The dealer\'s ERP (Spruce) could not be reached for this document; try again in a minute.');
    throw error;
  }
}

const fromSpruce = (invoice: DocumentInvoice, document: SpruceDocument): ItemDocument => ({
  id: document.id, invoice_id: invoice.id, kind: document.kind, file_name: document.file_name, content_type: document.content_type, size_bytes: document.size_bytes,
  ticket_number: document.ticket_number, delivered_on: document.delivered_date, signed_by: document.signed_by, source: 'spruce', uploaded_at: null,
});

export const fromStore = (row: StoredDocumentRow): ItemDocument => ({
  id: row.id, invoice_id: row.invoice_id, kind: row.kind, file_name: row.file_name, content_type: row.content_type, size_bytes: row.size_bytes,
  ticket_number: row.ticket_number, delivered_on: row.delivered_on, signed_by: row.signed_by, source: 'upload', uploaded_at: new Date(row.created_at).toISOString(),
});
