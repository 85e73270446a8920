import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  CreateBase,
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
  useNotify,
  usePermissions,
  useRefresh,
} from 'react-admin';
import { StatusChip } from '../common/chips';
import { InstantField } from '../common/fields';
import type { OperatorDataProvider } from '../dataProvider';

const ROLE_CHOICES = [
  { id: 'ar_operator', name: 'AR operator' },
  { id: 'admin', name: 'Admin' },
];

function InviteOperatorButton() {
  const [open, setOpen] = useState(false);
  const notify = useNotify();
  const refresh = useRefresh();
  return (
    <>
      <Button label="Invite operator" onClick={() => setOpen(true)} startIcon={<PersonAddIcon />} />
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="xs" fullWidth>
        <DialogTitle>Invite an operator</DialogTitle>
        <CreateBase
          resource="operators"
          redirect={false}
          mutationOptions={{
            onSuccess: (record) => {
              notify(`Invitation emailed to ${String(record.email)}; the link works once, for 72 hours.`, { type: 'success' });
              setOpen(false);
              refresh();
            },
            onError: (error: Error) => notify(error.message, { type: 'error' }),
          }}
        >
          <SimpleForm
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
            </DialogContent>
          </SimpleForm>
        </CreateBase>
        <DialogActions>
          <Button label="Cancel" onClick={() => setOpen(false)} />
        </DialogActions>
      </Dialog>
    </>
  );
}

function ResendButton({ record }: { record: { id: string; status: string } }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  if (record.status !== 'invited') return null;
  return (
    <Button
      label="Resend"
      onClick={async (event) => {
        event.stopPropagation();
        try {
          await dataProvider.resendOperatorInvitation(record.id);
          notify('A new invitation link was emailed; the previous one no longer works.', { type: 'success' });
          refresh();
        } catch (error) {
          notify((error as Error).message, { type: 'error' });
        }
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
