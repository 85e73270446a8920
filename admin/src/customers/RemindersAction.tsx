import NotificationsOffIcon from '@mui/icons-material/NotificationsOff';
import NotificationsIcon from '@mui/icons-material/Notifications';
import { Button as MuiButton, Dialog, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Button, useRecordContext } from 'react-admin';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { useDialogAction } from '../common/useDialogAction';
import { remindersApi } from '../settings/remindersApi';

/**
 * Turn payment reminders off for this customer (they asked, or pay another way) or back on.
 * Turning them off asks for a reason, which goes to the audit trail with who did it.
 */
export function RemindersAction() {
  const record = useRecordContext<CustomerDetail>();
  const [optedOut, setOptedOut] = useState<boolean | null>(null);
  const [open, setOpen] = useState(false);
  const load = useCallback(() => {
    if (!record?.id) return;
    remindersApi.customer(String(record.id)).then((state) => setOptedOut(state.opted_out), () => setOptedOut(null));
  }, [record?.id]);
  useEffect(load, [load]);
  if (!record?.portal_access || optedOut === null) return null;
  return (
    <>
      <Button
        label={optedOut ? 'Resume reminders' : 'Stop reminders'}
        onClick={() => setOpen(true)}
        startIcon={optedOut ? <NotificationsIcon /> : <NotificationsOffIcon />}
        data-testid="reminders-action"
      />
      {open ? <ConfirmDialog record={record} optOut={!optedOut} onClose={() => setOpen(false)} onDone={load} /> : null}
    </>
  );
}

function ConfirmDialog({ record, optOut, onClose, onDone }: { record: CustomerDetail; optOut: boolean; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: onDone });
  const tooShort = optOut && reason.trim().length < 3;
  const confirm = () => run(() => remindersApi.setOptOut(String(record.id), optOut, reason.trim()), optOut ? 'Reminders stopped' : 'Reminders resumed');
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="reminders-title">
      <DialogTitle id="reminders-title">{optOut ? 'Stop payment reminders?' : 'Resume payment reminders?'}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          {optOut
            ? `${record.name} (${record.erp_account_id}) gets no payment reminders until they are resumed. Payment notices and receipts still go out.`
            : `${record.name} (${record.erp_account_id}) gets payment reminders again from the next daily run, as the cadence in Settings says.`}
        </DialogContentText>
        <TextField
          autoFocus fullWidth multiline minRows={2}
          label={optOut ? 'Reason (required)' : 'Reason (optional)'}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          helperText="Recorded in the audit trail."
          slotProps={{ htmlInput: { maxLength: 500 } }}
        />
        <DialogRefusal refusal={refusal} testId="reminders-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <MuiButton variant="contained" disabled={busy || tooShort} onClick={confirm}>{optOut ? 'Stop reminders' : 'Resume reminders'}</MuiButton>
      </ActionDialogButtons>
    </Dialog>
  );
}
