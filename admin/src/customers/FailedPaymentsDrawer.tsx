import CloseIcon from '@mui/icons-material/Close';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutlineOutlined';
import { Alert, Box, Drawer, IconButton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Button, Link, useCreatePath, useGetList, useRecordContext } from 'react-admin';
import { StatusChip } from '../common/chips';
import { instant, money } from '../common/format';
import type { CustomerDetail } from './CustomerSummary';

/** Payments that went wrong and wait for someone to act: call the customer, re-bill, resolve. */
const NEEDS_DECISION = ['failed', 'returned', 'disputed'];

interface ProblemPayment {
  id: string;
  number: string;
  status: string;
  method: string;
  method_label: string | null;
  amount_cents: number;
  submitted_at: string;
  returned_at: string | null;
  return_code: string | null;
  failure_reason: string | null;
  hold_reason: string | null;
}

function reasonOf(payment: ProblemPayment): string {
  const parts = [payment.return_code, payment.failure_reason ?? (payment.status === 'disputed' ? payment.hold_reason : null)].filter(Boolean);
  return parts.length ? parts.join(' · ') : payment.status === 'disputed' ? 'Disputed; resolve it on the payment' : 'No reason given by the processor';
}

/**
 * Opens by itself when the customer has failed, returned or disputed payments, so an operator
 * opening the account sees them before anything else; the toolbar button opens it again.
 */
export function FailedPaymentsAction() {
  const record = useRecordContext<CustomerDetail>();
  const createPath = useCreatePath();
  const [open, setOpen] = useState(false);
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  const { data, total, isPending, error } = useGetList<ProblemPayment>(
    'payments',
    { filter: { customer_account_id: record?.id, status: NEEDS_DECISION }, sort: { field: 'submitted_at', order: 'DESC' }, pagination: { page: 1, perPage: 50 } },
    { enabled: Boolean(record?.id) },
  );
  const count = total ?? 0;

  useEffect(() => {
    // Once per customer opened, not again after the operator closed it.
    if (record?.id && !isPending && count > 0 && openedFor !== record.id) {
      setOpen(true);
      setOpenedFor(record.id);
    }
  }, [record?.id, isPending, count, openedFor]);

  if (!record || error || count === 0) return null;
  return (
    <>
      <Button label={`Failed payments (${count})`} color="error" onClick={() => setOpen(true)} startIcon={<ErrorOutlineIcon />} data-testid="failed-payments-button" />
      <Drawer anchor="right" open={open} onClose={() => setOpen(false)} slotProps={{ paper: { sx: { width: 680, maxWidth: '100vw', boxSizing: 'border-box' } } }}>
        <Box sx={{ p: 2, minWidth: 0 }} data-testid="failed-payments-drawer">
          <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
            <Typography variant="h6">Payments needing a decision</Typography>
            <IconButton aria-label="Close" onClick={() => setOpen(false)}>
              <CloseIcon />
            </IconButton>
          </Stack>
          <Alert severity="warning" sx={{ my: 1 }}>
            {count} payment{count === 1 ? '' : 's'} from {record.name} failed, came back or {count === 1 ? 'is' : 'are'} disputed. The items {count === 1 ? 'it' : 'they'} paid are open again unless a dispute is still being decided.
          </Alert>
          <Table size="small" sx={{ tableLayout: 'fixed', '& td, & th': { px: 1 } }}>
            <colgroup>
              <col style={{ width: 110 }} />
              <col style={{ width: 96 }} />
              <col />
              <col style={{ width: 100 }} />
              <col style={{ width: 120 }} />
            </colgroup>
            <TableHead>
              <TableRow>
                <TableCell>Payment</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Reason / return code</TableCell>
                <TableCell align="right">Amount</TableCell>
                <TableCell>Date</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(data ?? []).map((payment) => (
                <TableRow key={payment.id} data-testid="failed-payment-row">
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <Link to={createPath({ resource: 'payments', id: payment.id, type: 'show' })} onClick={() => setOpen(false)}>
                      {payment.number}
                    </Link>
                    <Typography variant="caption" color="text.secondary" component="div">
                      {payment.method_label ?? payment.method.toUpperCase()}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={payment.status} />
                  </TableCell>
                  <TableCell>{reasonOf(payment)}</TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    {money(payment.amount_cents)}
                  </TableCell>
                  <TableCell>
                    {instant(payment.returned_at ?? payment.submitted_at)}
                    <Typography variant="caption" color="text.secondary" component="div">
                      {payment.returned_at ? 'returned' : 'initiated'}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {count > (data?.length ?? 0) ? (
            <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
              Showing the latest {data?.length} of {count}; the Payments tab lists them all.
            </Typography>
          ) : null}
        </Box>
      </Drawer>
    </>
  );
}
