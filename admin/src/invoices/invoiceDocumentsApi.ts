import type { ItemDocument } from '../../../contracts/item-documents';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL, currentSession } from '../session';

/** The documents behind an invoice: read, opened and (for a file-based dealer) uploaded through our API. */

export const documentUrl = (invoiceId: string, documentId: string) => `${API_URL}/invoices/${invoiceId}/documents/${encodeURIComponent(documentId)}`;

export async function invoiceDocuments(invoiceId: string): Promise<ItemDocument[]> {
  const response = await apiFetch(`${API_URL}/invoices/${invoiceId}/documents`);
  if (!response.ok) throw new Error(await errorMessage(response));
  return ((await response.json()) as { documents: ItemDocument[] }).documents;
}

export interface DocumentUpload {
  file: File;
  kind: ItemDocument['kind'];
  ticketNumber: string;
  deliveredOn: string;
  signedBy: string;
}

export async function uploadInvoiceDocument(invoiceId: string, upload: DocumentUpload): Promise<ItemDocument> {
  const form = new FormData();
  form.append('kind', upload.kind);
  if (upload.ticketNumber.trim()) form.append('ticket_number', upload.ticketNumber.trim());
  if (upload.deliveredOn) form.append('delivered_on', upload.deliveredOn);
  if (upload.signedBy.trim()) form.append('signed_by', upload.signedBy.trim());
  form.append('file', upload.file, upload.file.name);
  const headers = new Headers();
  const csrf = currentSession()?.csrfToken;
  if (csrf) headers.set('X-CSRF-Token', csrf);
  // Plain fetch: the browser writes the multipart boundary into Content-Type itself.
  const response = await fetch(`${API_URL}/invoices/${invoiceId}/documents`, { method: 'POST', body: form, headers, credentials: 'include' });
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as ItemDocument;
}
