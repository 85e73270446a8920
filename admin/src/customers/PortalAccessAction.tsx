import BlockIcon from '@mui/icons-material/Block';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { Button as MuiButton, Dialog, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useState } from 'react';
import { Button, useDataProvider, useRecordContext, useRefresh } from 'react-admin';
import { ActionDialogButtons, DialogNoteField, DialogRefusal } from '../common/ActionDialogParts';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { CustomerDetail } from '../../../contracts/operator/customers';

/**
 * Turn the customer's Payments portal access off or back on, after a confirmation that says
 * what happens to their users. Turning it off asks for a reason, which goes to the audit trail.
 */
export function PortalAccessAction() {
  const record = useRecordContext<CustomerDetail>();
  const [open, setOpen] = useState(false);
  // The list row stands in for the record until the detail arrives; it has no portal_access.
  if (!record?.portal_access) return null;
  const disabled = record.portal_access.disabled;
  // Nothing to take away from a customer who was never invited and never registered.
  if (!disabled && record.portal_access.invitation === null && record.portal_access.companies.length === 0) return null;
  return (
    <>
      <Button
        label={disabled ? 'Restore portal access' : 'Disable portal access'}
        onClick={() => setOpen(true)}
        color={disabled ? 'primary' : 'error'}
        startIcon={disabled ? <LockOpenIcon /> : <BlockIcon />}
        data-testid="portal-access-action"
      />
      {open ? <ConfirmDialog record={record} change={disabled ? 'restore' : 'disable'} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ConfirmDialog({ record, change, onClose }: { record: CustomerDetail; change: 'disable' | 'restore'; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const [reason, setReason] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  const users = record.portal_access.companies.reduce((sum, company) => sum + company.active_users, 0);
  const tooShort = change === 'disable' && reason.trim().length < 3;

  const confirm = () => run(
    () => dataProvider.setPortalAccess(record.id, change, reason.trim()),
    change === 'disable' ? 'Portal access disabled' : 'Portal access restored',
  );

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="portal-access-title">
      <DialogTitle id="portal-access-title">{change === 'disable' ? 'Disable portal access?' : 'Restore portal access?'}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          {change === 'disable'
            ? `${record.name} (${record.erp_account_id}) disappears from the Payments portal at once${users ? `: its ${users} user${users === 1 ? '' : 's'} can no longer see or pay this account, and those with no other account are signed out` : ''}. Payments already made keep processing. Invitations cannot be sent until access is restored.`
            : `${record.name} (${record.erp_account_id}) shows in the Payments portal again for the users of its linked company, who can sign in and pay as before.`}
        </DialogContentText>
        <DialogNoteField autoFocus label={change === 'disable' ? 'Reason (required)' : 'Reason (optional)'} value={reason} onChange={setReason} maxLength={500} helperText="Recorded in the audit trail." />
        <DialogRefusal refusal={refusal} testId="portal-access-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <MuiButton variant="contained" color={change === 'disable' ? 'error' : 'primary'} disabled={busy || tooShort} onClick={confirm}>
          {change === 'disable' ? 'Disable access' : 'Restore access'}
        </MuiButton>
      </ActionDialogButtons>
    </Dialog>
  );
}
