import { useState } from 'react';
import { get } from '../api';
import { dateOnly } from '../format';
import type { ItemDocument } from '../types';
import { useLoad } from '../use-load';
import { ErrorMessage, Loading } from './ui';

const KIND_LABEL = { invoice_copy: 'Invoice copy', delivery_ticket: 'Delivery ticket' } as const;

function describe(document: ItemDocument): string {
  return [
    document.delivered_on ? `delivered ${dateOnly(document.delivered_on)}` : null,
    document.signed_by ? `signed by ${document.signed_by}` : null,
  ].filter(Boolean).join(' · ');
}

function DocumentLinks({ invoiceId, invoiceNumber }: { invoiceId: string; invoiceNumber: string }) {
  const { data, error } = useLoad(() => get<{ documents: ItemDocument[] }>(`/invoices/${invoiceId}/documents`), invoiceId);
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what={`Loading the documents of invoice ${invoiceNumber}`} />;
  if (data.documents.length === 0) return <p className="small muted">The supplier has no invoice copy or delivery ticket on file for this invoice.</p>;
  return (
    <ul className="documents" aria-label={`Documents of invoice ${invoiceNumber}`}>
      {data.documents.map((document) => (
        <li key={document.id}>
          <a href={`/api/portal/invoices/${invoiceId}/documents/${encodeURIComponent(document.id)}`} target="_blank" rel="noopener">
            {KIND_LABEL[document.kind]}{document.ticket_number ? ` ${document.ticket_number}` : ''}
          </a>
          <span className="small muted"> {describe(document)}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The invoice copy and signed delivery tickets behind one invoice, read only when asked for:
 * a supplier on Spruce answers from its ERP, so a long Outstanding list asks nothing up front.
 */
export function InvoiceDocuments({ invoiceId, invoiceNumber }: { invoiceId: string; invoiceNumber: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="item-documents">
      <button type="button" className="link-button small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide documents' : `Documents for invoice ${invoiceNumber}`}
      </button>
      {open && <DocumentLinks invoiceId={invoiceId} invoiceNumber={invoiceNumber} />}
    </div>
  );
}
