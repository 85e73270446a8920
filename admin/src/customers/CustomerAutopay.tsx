import DownloadIcon from '@mui/icons-material/Download';
import PauseCircleIcon from '@mui/icons-material/PauseCircle';
import PlayCircleIcon from '@mui/icons-material/PlayCircle';
import {
  Alert, Button as MuiButton, Chip, Dialog, DialogContent, DialogContentText, DialogTitle, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useRecordContext } from 'react-admin';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import type { Enrolment } from '../../../contracts/portal/autopay';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

const STATUS_COLOR: Record<Enrolment['status'], 'success' | 'error' | 'warning' | 'default'> = { active: 'success', needs_attention: 'error', suspended: 'warning', canceled: 'default' };

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}
const autopayApi = {
  list: async (customerId: string) => json<{ enrolments: Enrolment[] }>(await apiFetch(`${API_URL}/customers/${encodeURIComponent(customerId)}/autopay`)),
  resume: async (id: string) => json<Enrolment>(await apiFetch(`${API_URL}/autopay/${encodeURIComponent(id)}/resume`, { method: 'POST', body: '{}' })),
  suspend: async (id: string, reason: string) => json<Enrolment>(await apiFetch(`${API_URL}/autopay/${encodeURIComponent(id)}/suspend`, { method: 'POST', body: JSON.stringify({ reason }) })),
  pdfUrl: (id: string) => `${API_URL}/autopay/${encodeURIComponent(id)}/authorization.pdf`,
};

/**
 * The account's autopay enrolments (docs/autopay.md): status, rule, method, maximum and next
 * debit, the authorization PDF, and Suspend, which stops debits until the dealer turns it back
 * on and is recorded in the audit trail with the reason.
 */
export function CustomerAutopay() {
  const record = useRecordContext<CustomerDetail>();
  const [rows, setRows] = useState<Enrolment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [suspending, setSuspending] = useState<Enrolment | null>(null);
  const load = useCallback(() => {
    if (!record?.id) return;
    autopayApi.list(String(record.id)).then((answer) => { setRows(answer.enrolments); setError(null); }, (caught: Error) => setError(caught.message));
  }, [record?.id]);
  useEffect(load, [load]);
  if (error) return <Alert severity="error" sx={{ m: 1 }}>Autopay could not be loaded: {error}</Alert>;
  if (!rows) return <LinearProgress />;
  if (rows.length === 0) return <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>No autopay enrolments.</Typography>;
  return (
    <>
      <Table size="small" data-testid="customer-autopay">
        <TableHead>
          <TableRow>
            <TableCell>Status</TableCell>
            <TableCell>Rule</TableCell>
            <TableCell>Method</TableCell>
            <TableCell align="right">Maximum</TableCell>
            <TableCell>Next debit</TableCell>
            <TableCell>Authorized</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id} data-enrolment={row.id}>
              <TableCell>
                <Chip size="small" color={STATUS_COLOR[row.status]} label={row.statusLabel} />
                {row.attentionReason && <Typography variant="caption" sx={{ display: "block", maxWidth: 280 }}>{row.attentionReason}</Typography>}
              </TableCell>
              <TableCell>{row.ruleText}</TableCell>
              <TableCell>{row.methodLabel}{row.accountHolderType ? ` (${row.accountHolderType})` : ''}</TableCell>
              <TableCell align="right">{row.maxAmountCents === null ? 'None' : money(row.maxAmountCents)}</TableCell>
              <TableCell>{row.nextDebitDate ?? '—'}</TableCell>
              <TableCell>{new Date(row.authorizedAt).toLocaleString()}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                <MuiButton size="small" startIcon={<DownloadIcon />} component="a" href={autopayApi.pdfUrl(row.id)} download>Authorization</MuiButton>
                {(row.status === 'active' || row.status === 'needs_attention') && (
                  <MuiButton size="small" color="warning" startIcon={<PauseCircleIcon />} onClick={() => setSuspending(row)}>Suspend</MuiButton>
                )}
                {row.status === 'suspended' && (
                  <MuiButton size="small" startIcon={<PlayCircleIcon />} onClick={() => autopayApi.resume(row.id).then(load, (caught: Error) => setError(caught.message))}>Resume</MuiButton>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {suspending && <SuspendDialog row={suspending} onClose={() => setSuspending(null)} onDone={load} />}
    </>
  );
}

function SuspendDialog({ row, onClose, onDone }: { row: Enrolment; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: onDone });
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="autopay-suspend-title">
      <DialogTitle id="autopay-suspend-title">Suspend autopay?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>No debit is made from {row.methodLabel} while autopay is suspended. The customer sees it as suspended by you and can still cancel it.</DialogContentText>
        <TextField autoFocus fullWidth multiline minRows={2} label="Reason (required)" value={reason} onChange={(event) => setReason(event.target.value)} helperText="Recorded in the audit trail." slotProps={{ htmlInput: { maxLength: 500 } }} />
        <DialogRefusal refusal={refusal} testId="autopay-suspend-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <MuiButton variant="contained" color="warning" disabled={busy || reason.trim().length < 3} onClick={() => run(() => autopayApi.suspend(row.id, reason.trim()), 'Autopay suspended')}>Suspend autopay</MuiButton>
      </ActionDialogButtons>
    </Dialog>
  );
}
