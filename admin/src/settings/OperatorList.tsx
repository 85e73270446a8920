import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  DataTable,
  List,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextInput,
  Toolbar,
  TopToolbar,
  email,
  required,
  useDataProvider,
  usePermissions,
  useRefresh,
} from 'react-admin';
import { DialogRefusal } from '../common/ActionDialogParts';
import { StatusChip } from '../common/chips';
import { InstantField } from '../common/fields';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';

const ROLE_CHOICES = [
  { id: 'ar_operator', name: 'AR operator' },
  { id: 'admin', name: 'Admin' },
];

function InviteOperatorButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button label="Invite operator" onClick={() => setOpen(true)} startIcon={<PersonAddIcon />} />
      {open ? <InviteOperatorDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function InviteOperatorDialog({ onClose }: { onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });

  const invite = (values: Record<string, unknown>) =>
    run(
      async () => (await dataProvider.create('operators', { data: values })).data,
      (operator) => `Invitation emailed to ${String(operator.email)}; the link works once, for 72 hours.`,
    );

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="xs" fullWidth>
      <DialogTitle>Invite an operator</DialogTitle>
      <SimpleForm
        resource="operators"
        onSubmit={invite}
        defaultValues={{ role: 'ar_operator' }}
        toolbar={
          <Toolbar>
            <SaveButton label="Send invitation" alwaysEnable />
          </Toolbar>
        }
      >
        <DialogContent sx={{ p: 0, width: '100%' }}>
          <TextInput source="email" label="Work email" validate={[required(), email()]} />
          <TextInput source="name" label="Full name" validate={required()} />
          <SelectInput source="role" label="Role" choices={ROLE_CHOICES} validate={required()} />
          <DialogRefusal refusal={refusal} testId="invite-operator-refusal" />
        </DialogContent>
      </SimpleForm>
      <DialogActions>
        <Button label="Cancel" onClick={onClose} disabled={busy} />
      </DialogActions>
    </Dialog>
  );
}

function ResendButton({ record }: { record: { id: string; status: string } }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, run } = useDialogAction({ reload: refresh, notifyRefusal: true });
  if (record.status !== 'invited') return null;
  return (
    <Button
      label="Resend"
      disabled={busy}
      onClick={(event) => {
        event.stopPropagation();
        void run(() => dataProvider.resendOperatorInvitation(record.id), 'A new invitation link was emailed; the previous one no longer works.');
      }}
    />
  );
}

/** The dealer's console users; admins invite new ones by email. */
export function OperatorList() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <List resource="operators" disableSyncWithLocation title={false} sort={{ field: 'name', order: 'ASC' }} perPage={50} exporter={false} pagination={false} actions={isAdmin ? <TopToolbar><InviteOperatorButton /></TopToolbar> : false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="name" label="Name" />
        <DataTable.Col source="email" label="Email" />
        <DataTable.Col source="role" label="Role" render={(record: { role: string }) => (record.role === 'admin' ? 'Admin' : 'AR operator')} />
        <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
        <DataTable.Col source="last_login_at" label="Last sign-in" field={InstantField} />
        {isAdmin ? <DataTable.Col label="" disableSort render={(record: { id: string; status: string }) => <ResendButton record={record} />} /> : null}
      </DataTable>
    </List>
  );
}
