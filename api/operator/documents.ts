import { Router } from 'express';
import { dealerDocumentInvoice, saveDocument } from '../../db/item-documents';
import { refuseConflict } from '../../domain/refusal';
import { fromStore, invoiceDocuments, openDocument } from '../../services/item-documents';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { sendDocument } from '../document-response';
import { receiveDocument } from '../document-upload';
import { routeId } from './list-helpers';

/**
 * The documents behind one of the dealer's invoices (docs/item-documents.md): listed and
 * served from Spruce or the document store, and uploaded from the invoice's page by a
 * file-based dealer's operators (audited).
 */
export function documentRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/invoices/:id/documents', async (req, res) => {
    const invoice = await dealerDocumentInvoice(db, operatorOf(req).dealerId, routeId(req.params.id, 'Invoice'));
    res.json({ documents: await invoiceDocuments(deps, invoice) });
  });

  router.post('/invoices/:id/documents', async (req, res) => {
    const operator = operatorOf(req);
    const invoice = await dealerDocumentInvoice(db, operator.dealerId, routeId(req.params.id, 'Invoice')).catch((error) => {
      req.resume();
      throw error;
    });
    if (invoice.integration_mode === 'spruce') {
      req.resume();
      throw refuseConflict('documents_in_spruce', 'This dealer\'s invoice copies and delivery tickets come from Spruce; attach the document there and it shows here.');
    }
    const received = await receiveDocument(req);
    const row = await saveDocument(db, {
      dealerId: operator.dealerId, invoiceId: invoice.id, kind: received.fields.kind, fileName: received.fileName, contentType: received.contentType, content: received.content, sha256: received.sha256,
      ticketNumber: received.fields.ticket_number ?? null, deliveredOn: received.fields.delivered_on ?? null, signedBy: received.fields.signed_by ?? null,
    }, { kind: 'operator', id: operator.id });
    res.status(201).json(fromStore(row));
  });

  router.get('/invoices/:id/documents/:documentId', async (req, res) => {
    const invoice = await dealerDocumentInvoice(db, operatorOf(req).dealerId, routeId(req.params.id, 'Invoice'));
    await sendDocument(res, await openDocument(deps, invoice, String(req.params.documentId)));
  });

  return router;
}
