import { Router } from 'express';
import { linkedDocumentInvoice, recordDocumentDownload } from '../../db/item-documents';
import { portalScope } from '../../db/portal-scope';
import { isGuid } from '../../contracts/fields';
import { invoiceDocuments, openDocument } from '../../services/item-documents';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { sendDocument } from '../document-response';
import { notFound } from '../errors';

const invoiceIdOf = (value: unknown) => {
  if (!isGuid(value)) throw notFound('Invoice');
  return value;
};

/**
 * The invoice copies and delivery tickets behind the invoices of the accounts the customer's
 * company linked (docs/item-documents.md). Every delivery ticket a customer pulls is audited:
 * dealers want to know who took which ticket.
 */
export function documentRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/invoices/:id/documents', async (req, res) => {
    const invoice = await linkedDocumentInvoice(db, await portalScope(db, customerOf(req)), invoiceIdOf(req.params.id));
    res.json({ documents: await invoiceDocuments(deps, invoice) });
  });

  router.get('/invoices/:id/documents/:documentId', async (req, res) => {
    const customer = customerOf(req);
    const invoice = await linkedDocumentInvoice(db, await portalScope(db, customer), invoiceIdOf(req.params.id));
    const opened = await openDocument(deps, invoice, String(req.params.documentId));
    if (opened.document.kind === 'delivery_ticket') await recordDocumentDownload(db, invoice, opened.document, customer);
    await sendDocument(res, opened);
  });

  return router;
}
