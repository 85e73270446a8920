import { Router, type RequestHandler } from 'express';
import { dealerDocumentInvoice, saveDocument, type DocumentInvoice } from '../../db/item-documents';
import { refuseConflict } from '../../domain/refusal';
import { fromStore, invoiceDocuments, openDocument } from '../../services/item-documents';
import { apiClientOf, requireWriteScope } from '../auth/api-key';
import type { AppDeps } from '../deps';
import { sendDocument } from '../document-response';
import { receiveDocument, type ReceivedDocument } from '../document-upload';
import { routeId } from '../operator/list-helpers';
import { idempotencyKeyOf, idempotentPost } from './idempotency';

/**
 * Documents behind an invoice for dealers' own systems (docs/api-v1.md, "Documents"): the list,
 * the bytes, and a file-based dealer's upload (multipart, write scope, Idempotency-Key).
 */

interface PendingDocument {
  invoice: DocumentInvoice;
  received: ReceivedDocument;
}

/**
 * Reads the upload before the Idempotency-Key is claimed, so the key's request hash covers the
 * file (by SHA-256) and its fields: the same key with another file is refused, not replayed.
 */
function receiveUpload(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      idempotencyKeyOf(req);
      const invoice = await dealerDocumentInvoice(deps.db, apiClientOf(req).dealerId, routeId(req.params.id, 'Invoice'));
      if (invoice.integration_mode === 'spruce') {
        throw refuseConflict('documents_in_spruce', 'This dealer\'s invoice copies and delivery tickets come from Spruce; attach the document there and it is served here.');
      }
      const received = await receiveDocument(req);
      res.locals.document = { invoice, received } satisfies PendingDocument;
      req.body = { ...received.fields, file: { name: received.fileName, sha256: received.sha256, size_bytes: received.content.length } };
      next();
    } catch (error) {
      req.resume();
      next(error);
    }
  };
}

export function documentRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/invoices/:id/documents', async (req, res) => {
    const invoice = await dealerDocumentInvoice(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Invoice'));
    res.json({ documents: await invoiceDocuments(deps, invoice) });
  });

  router.post('/invoices/:id/documents', requireWriteScope(), receiveUpload(deps), idempotentPost(db), async (req, res) => {
    const client = apiClientOf(req);
    const { invoice, received } = res.locals.document as PendingDocument;
    const row = await saveDocument(db, {
      dealerId: client.dealerId, invoiceId: invoice.id, kind: received.fields.kind, fileName: received.fileName, contentType: received.contentType, content: received.content, sha256: received.sha256,
      ticketNumber: received.fields.ticket_number ?? null, deliveredOn: received.fields.delivered_on ?? null, signedBy: received.fields.signed_by ?? null,
    }, { kind: 'api_key', id: client.keyId });
    res.status(201).json(fromStore(row));
  });

  router.get('/invoices/:id/documents/:documentId', async (req, res) => {
    const invoice = await dealerDocumentInvoice(db, apiClientOf(req).dealerId, routeId(req.params.id, 'Invoice'));
    await sendDocument(res, await openDocument(deps, invoice, String(req.params.documentId)));
  });

  return router;
}
