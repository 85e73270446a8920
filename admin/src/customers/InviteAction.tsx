import MailOutlineIcon from '@mui/icons-material/EmailOutlined';
import { Button as MuiButton, Dialog, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useState } from 'react';
import { Button, useDataProvider, useRecordContext, useRefresh } from 'react-admin';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { CustomerDetail } from '../../../contracts/operator/customers';

/**
 * Invite one customer to the Payments portal (or send a new invitation), after a confirmation
 * that names the address it goes to: an email reaches a customer and cannot be taken back.
 */
export function InviteAction() {
  const record = useRecordContext<CustomerDetail>();
  const [open, setOpen] = useState(false);
  // The list row stands in for the record until the detail arrives; it has no portal_access.
  if (!record?.portal_access) return null;
  const access = record.portal_access;
  if (access.state === 'active') return null;
  const resend = access.invitation !== null;
  return (
    <>
      <Button
        label={resend ? 'Resend invitation' : 'Invite to portal'}
        onClick={() => setOpen(true)}
        disabled={access.disabled}
        startIcon={<MailOutlineIcon />}
        data-testid="invite-action"
      />
      {open ? <ConfirmInvite record={record} resend={resend} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ConfirmInvite({ record, resend, onClose }: { record: CustomerDetail; resend: boolean; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  const to = record.portal_access.invite_to;

  const confirm = () => run(async () => {
    const answer = await dataProvider.inviteCustomers([record.id]);
    const [outcome] = answer.results;
    // The API answers per customer; a refusal of this one is this dialog's refusal.
    if (outcome?.outcome === 'error') throw new Error(outcome.error.message);
  }, `Invitation sent to ${to}`);

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="invite-title">
      <DialogTitle id="invite-title">{resend ? 'Send a new invitation?' : 'Invite to the Payments portal?'}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {to
            ? `${record.name} (${record.erp_account_id}) is emailed an invitation at ${to} to register and pay online.${resend ? ' The earlier invitation link stops working.' : ''}`
            : `${record.name} (${record.erp_account_id}) has no contact email on file; add one in the ERP, then invite.`}
        </DialogContentText>
        <DialogRefusal refusal={refusal} testId="invite-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <MuiButton variant="contained" disabled={busy || !to} onClick={confirm}>
          {resend ? 'Send new invitation' : 'Send invitation'}
        </MuiButton>
      </ActionDialogButtons>
    </Dialog>
  );
}
