import {
  Alert, Button as MuiButton, Chip, Dialog, DialogContent, DialogContentText, DialogTitle, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Link, useRecordContext } from 'react-admin';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import type { ScheduledPayment } from '../../../contracts/portal/scheduled-payments';
import { ActionDialogButtons, DialogNoteField, DialogRefusal } from '../common/ActionDialogParts';
import { calendarDate, instant, money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

const STATUS_COLOR: Record<ScheduledPayment['status'], 'default' | 'info' | 'success' | 'error'> = {
  scheduled: 'info',
  submitted: 'success',
  canceled: 'default',
  failed: 'error',
};

/**
 * Payments the customer scheduled in the portal for a later date, so an operator on the phone
 * can say what will be taken and when, and stop one the customer asks to stop.
 */
export function CustomerSchedules() {
  const record = useRecordContext<CustomerDetail>();
  const [schedules, setSchedules] = useState<ScheduledPayment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [canceling, setCanceling] = useState<ScheduledPayment | null>(null);
  const customerId = record?.id ? String(record.id) : null;

  const load = useCallback(() => {
    if (!customerId) return;
    httpClient(`${API_URL}/customers/${encodeURIComponent(customerId)}/scheduled-payments`)
      .then(({ json }) => {
        setSchedules((json as { scheduledPayments: ScheduledPayment[] }).scheduledPayments);
        setError(null);
      })
      .catch((failure: Error) => setError(failure.message));
  }, [customerId]);
  useEffect(load, [load]);

  if (error) return <Alert severity="error" sx={{ m: 1 }}>Scheduled payments could not be loaded: {error}</Alert>;
  if (!schedules) return <LinearProgress sx={{ m: 2 }} />;
  if (schedules.length === 0) return <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>No scheduled payments.</Typography>;
  return (
    <>
      <Table size="small" aria-label="Scheduled payments">
        <TableHead>
          <TableRow>
            <TableCell>Pays on</TableCell>
            <TableCell>Items</TableCell>
            <TableCell>Method</TableCell>
            <TableCell align="right">Amount</TableCell>
            <TableCell>Status</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {schedules.map((schedule) => (
            <TableRow key={schedule.id}>
              <TableCell>{calendarDate(schedule.scheduledFor)}<Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>set up {instant(schedule.createdAt)}</Typography></TableCell>
              <TableCell>
                {schedule.items.map((item) => `${item.number}${item.state === 'dropped' ? ' (left out: paid another way)' : ''}`).join(', ')}
              </TableCell>
              <TableCell>{schedule.methodLabel}</TableCell>
              <TableCell align="right">{money(schedule.quotedAmountCents)}</TableCell>
              <TableCell>
                <Chip size="small" label={schedule.statusLabel} color={STATUS_COLOR[schedule.status]} />
                {schedule.paymentId && <Typography variant="caption" sx={{ display: 'block' }}><Link to={`/payments/${schedule.paymentId}/show`}>The payment</Link></Typography>}
                {schedule.failureReason && <Typography variant="caption" color="error" sx={{ display: 'block' }}>{schedule.failureReason}</Typography>}
              </TableCell>
              <TableCell align="right">
                {schedule.status === 'scheduled' && (
                  <MuiButton size="small" color="error" onClick={() => setCanceling(schedule)} aria-label={`Cancel the payment scheduled for ${calendarDate(schedule.scheduledFor)}`}>
                    Cancel
                  </MuiButton>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {canceling && <CancelDialog schedule={canceling} onClose={() => setCanceling(null)} onDone={load} />}
    </>
  );
}

function CancelDialog({ schedule, onClose, onDone }: { schedule: ScheduledPayment; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: onDone });
  const confirm = () => run(
    () => httpClient(`${API_URL}/scheduled-payments/${encodeURIComponent(schedule.id)}/cancel`, { method: 'POST', body: JSON.stringify({ reason: reason.trim() }) }),
    'Scheduled payment cancelled; the customer has been emailed',
  );
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="cancel-schedule-title">
      <DialogTitle id="cancel-schedule-title">Cancel the payment scheduled for {calendarDate(schedule.scheduledFor)}?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          Nothing will be taken for it: {money(schedule.quotedAmountCents)} by {schedule.methodLabel}. Its items are open to pay again, and the customer
          is emailed that you cancelled it, with your reason.
        </DialogContentText>
        <DialogNoteField autoFocus label="Reason (required, sent to the customer)" value={reason} onChange={setReason} maxLength={500} />
        <DialogRefusal refusal={refusal} testId="cancel-schedule-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <MuiButton variant="contained" color="error" disabled={busy || reason.trim().length < 3} onClick={confirm}>Cancel payment</MuiButton>
      </ActionDialogButtons>
    </Dialog>
  );
}
