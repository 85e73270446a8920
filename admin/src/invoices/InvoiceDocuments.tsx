import UploadFileIcon from '@mui/icons-material/UploadFile';
import {
  Alert, Box, Button, Card, CardContent, Link as MuiLink, MenuItem, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { ItemDocument } from '../../../contracts/item-documents';
import { calendarDate, humanize } from '../common/format';
import { currentSession } from '../session';
import { documentUrl, invoiceDocuments, uploadInvoiceDocument } from './invoiceDocumentsApi';

const ACCEPT = 'application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg';

function size(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function UploadForm({ invoiceId, onUploaded }: { invoiceId: string; onUploaded: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ItemDocument['kind']>('delivery_ticket');
  const [ticketNumber, setTicketNumber] = useState('');
  const [deliveredOn, setDeliveredOn] = useState('');
  const [signedBy, setSignedBy] = useState('');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    setError(null);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadInvoiceDocument(invoiceId, { file, kind, ticketNumber, deliveredOn, signedBy });
      setFile(null);
      setTicketNumber('');
      setDeliveredOn('');
      setSignedBy('');
      onUploaded();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack spacing={1} sx={{ mt: 2 }}>
      <Box
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        onClick={() => picker.current?.click()}
        role="button"
        tabIndex={0}
        onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && picker.current?.click()}
        sx={{
          border: 2, borderStyle: 'dashed', borderColor: dragging ? 'primary.main' : 'divider', borderRadius: 1, p: 2, textAlign: 'center', cursor: 'pointer',
          bgcolor: dragging ? 'action.hover' : 'background.paper',
        }}
        data-testid="document-drop-zone"
      >
        <UploadFileIcon color="action" />
        <Typography variant="body2">{file ? `${file.name} · ${size(file.size)}` : 'Drop a signed delivery ticket or invoice copy here, or click to choose'}</Typography>
        <Typography variant="caption" color="text.secondary">PDF, PNG or JPEG, up to 10 MB. The customer sees it under this invoice in the Payments portal.</Typography>
        <input
          ref={picker}
          type="file"
          accept={ACCEPT}
          hidden
          onChange={(event) => {
            choose(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
      </Box>
      {file && (
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
          <TextField select size="small" label="Kind" value={kind} onChange={(event) => setKind(event.target.value as ItemDocument['kind'])} sx={{ width: 180 }}>
            <MenuItem value="delivery_ticket">Delivery ticket</MenuItem>
            <MenuItem value="invoice_copy">Invoice copy</MenuItem>
          </TextField>
          {kind === 'delivery_ticket' && (
            <>
              <TextField size="small" label="Ticket number" value={ticketNumber} onChange={(event) => setTicketNumber(event.target.value)} sx={{ width: 160 }} />
              <TextField size="small" type="date" label="Delivered on" value={deliveredOn} onChange={(event) => setDeliveredOn(event.target.value)} slotProps={{ inputLabel: { shrink: true } }} sx={{ width: 180 }} />
              <TextField size="small" label="Signed by" value={signedBy} onChange={(event) => setSignedBy(event.target.value)} sx={{ width: 220 }} />
            </>
          )}
          <Button variant="contained" onClick={upload} disabled={busy}>Upload</Button>
          <Button onClick={() => setFile(null)} disabled={busy}>Cancel</Button>
        </Stack>
      )}
      {error && <Alert severity="error">{error}</Alert>}
    </Stack>
  );
}

/**
 * The invoice copy and signed delivery tickets behind the invoice, each opened through our
 * API; a file-based dealer's operators upload them here (a Spruce dealer's come from Spruce).
 */
export function InvoiceDocuments({ invoiceId }: { invoiceId: string }) {
  const [documents, setDocuments] = useState<ItemDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileBased = currentSession()?.dealer.integration_mode === 'file';

  const load = useCallback(() => {
    invoiceDocuments(invoiceId).then(setDocuments, (failure: Error) => setError(failure.message));
  }, [invoiceId]);
  useEffect(load, [load]);

  return (
    <Card variant="outlined" data-testid="invoice-documents">
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          Documents
        </Typography>
        {error ? (
          <Alert severity="warning">{error}</Alert>
        ) : !documents ? (
          <Skeleton variant="rectangular" height={40} />
        ) : documents.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No invoice copy or delivery ticket {fileBased ? 'uploaded yet.' : 'in Spruce for this invoice.'}
          </Typography>
        ) : (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Document</TableCell>
                <TableCell>Kind</TableCell>
                <TableCell>Ticket</TableCell>
                <TableCell>Delivered</TableCell>
                <TableCell>Signed by</TableCell>
                <TableCell align="right">Size</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {documents.map((document) => (
                <TableRow key={document.id}>
                  <TableCell>
                    <MuiLink href={documentUrl(invoiceId, document.id)} target="_blank" rel="noopener">{document.file_name}</MuiLink>
                  </TableCell>
                  <TableCell>{humanize(document.kind)}</TableCell>
                  <TableCell>{document.ticket_number ?? '—'}</TableCell>
                  <TableCell>{document.delivered_on ? calendarDate(document.delivered_on) : '—'}</TableCell>
                  <TableCell>{document.signed_by ?? '—'}</TableCell>
                  <TableCell align="right">{size(document.size_bytes)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {fileBased && <UploadForm invoiceId={invoiceId} onUploaded={load} />}
      </CardContent>
    </Card>
  );
}
