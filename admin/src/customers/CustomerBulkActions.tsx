import MailOutlineIcon from '@mui/icons-material/EmailOutlined';
import SendIcon from '@mui/icons-material/Send';
import { Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { Button, useDataProvider, useListContext, useRefresh, useUnselectAll } from 'react-admin';
import { useDialogAction } from '../common/useDialogAction';
import type { InviteAnswer, OperatorDataProvider } from '../dataProvider';

function InviteResults({ answer, onClose }: { answer: InviteAnswer; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        Invitations: {answer.counts.invited} sent, {answer.counts.resent} resent, {answer.counts.error} not sent
      </DialogTitle>
      <DialogContent dividers>
        <Table size="small" data-testid="invite-results">
          <TableHead>
            <TableRow>
              <TableCell>Account</TableCell>
              <TableCell>Result</TableCell>
              <TableCell>Details</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {answer.results.map((result) => (
              <TableRow key={result.customerAccountId}>
                <TableCell>
                  {result.accountName ?? result.customerAccountId}
                  {result.erpAccountId ? <Typography variant="caption" color="text.secondary"> · {result.erpAccountId}</Typography> : null}
                </TableCell>
                <TableCell sx={{ color: result.outcome === 'error' ? 'error.main' : 'success.main', fontWeight: 600 }}>
                  {result.outcome === 'error' ? 'Not sent' : result.outcome === 'resent' ? 'Resent' : 'Invited'}
                </TableCell>
                <TableCell>{result.outcome === 'error' ? result.error.message : `to ${result.email}`}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
      <DialogActions>
        <Button label="Close" onClick={onClose} />
      </DialogActions>
    </Dialog>
  );
}

/** Invite or resend to the selected customers; the API answers per customer. */
function InviteButton({ label, icon }: { label: string; icon: React.ReactElement }) {
  const { selectedIds } = useListContext();
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll('customers');
  const { busy, run } = useDialogAction({ reload: refresh, notifyRefusal: true });
  const [answer, setAnswer] = useState<InviteAnswer | null>(null);

  // The selection stays until the results are closed: clearing it would unmount this toolbar.
  // The results dialog is the answer, so there is nothing to notify.
  const send = () => run(async () => setAnswer(await dataProvider.inviteCustomers(selectedIds.map(String))), null);

  return (
    <>
      <Button label={busy ? 'Sending…' : label} onClick={send} disabled={busy} startIcon={icon} />
      {answer ? (
        <InviteResults
          answer={answer}
          onClose={() => {
            setAnswer(null);
            unselectAll();
          }}
        />
      ) : null}
    </>
  );
}

export function CustomerBulkActions() {
  return (
    <>
      <InviteButton label="Invite" icon={<MailOutlineIcon />} />
      <InviteButton label="Resend" icon={<SendIcon />} />
    </>
  );
}

export { InviteResults };
