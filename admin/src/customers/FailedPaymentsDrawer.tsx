import CloseIcon from '@mui/icons-material/Close';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutlineOutlined';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import {
  Accordion, AccordionDetails, AccordionSummary, Alert, Box, Drawer, IconButton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { Button, Link, useCreatePath, useGetList, useRecordContext } from 'react-admin';
import { achReturnOperatorWords } from '../../../domain/ach-returns';
import { DECISION_STATUSES } from '../../../domain/failure-decision';
import { StatusChip } from '../common/chips';
import { instant, money } from '../common/format';
import { DecisionText, RecordDecisionButton } from '../payments/FailureDecision';
import type { PaymentRow } from '../payments/paymentsApi';
import type { CustomerDetail } from '../../../contracts/operator/customers';

const LIST_SIZE = 50;

function reasonOf(payment: PaymentRow): string {
  if (payment.method === 'ach' && payment.return_code && !payment.failure_reason) return achReturnOperatorWords(payment.return_code);
  const parts = [payment.return_code, payment.failure_reason ?? (payment.status === 'disputed' ? payment.hold_reason : null)].filter(Boolean);
  return parts.length ? parts.join(' · ') : payment.status === 'disputed' ? 'Disputed; resolve it on the payment' : 'No reason given by the processor';
}

/**
 * Failed, returned and disputed payments of one customer. Those without a decision open the
 * drawer by itself, so an operator opening the account sees them before anything else; once
 * each has one (contacted, paying another way, written off...) they move to a collapsed
 * "decided" list and the drawer stays shut until the toolbar button is pressed.
 */
export function FailedPaymentsAction() {
  const record = useRecordContext<CustomerDetail>();
  const [open, setOpen] = useState(false);
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  const listOf = (needsDecision: boolean, sort: string) =>
    ({ filter: { customer_account_id: record?.id, status: DECISION_STATUSES, needs_decision: needsDecision }, sort: { field: sort, order: 'DESC' as const }, pagination: { page: 1, perPage: LIST_SIZE } });
  const undecided = useGetList<PaymentRow>('payments', listOf(true, 'submitted_at'), { enabled: Boolean(record?.id) });
  const decided = useGetList<PaymentRow>('payments', listOf(false, 'decision_at'), { enabled: Boolean(record?.id) });
  const waiting = undecided.total ?? 0;
  const done = decided.total ?? 0;

  useEffect(() => {
    // Once per customer opened, not again after the operator closed it.
    if (record?.id && !undecided.isPending && waiting > 0 && openedFor !== record.id) {
      setOpen(true);
      setOpenedFor(record.id);
    }
  }, [record?.id, undecided.isPending, waiting, openedFor]);

  const reload = () => {
    void undecided.refetch();
    void decided.refetch();
  };

  if (!record || undecided.error || (waiting === 0 && done === 0)) return null;
  return (
    <>
      <Button
        label={waiting > 0 ? `Failed payments (${waiting} to decide)` : `Failed payments (${done} decided)`}
        color={waiting > 0 ? 'error' : 'inherit'}
        onClick={() => setOpen(true)}
        startIcon={<ErrorOutlineIcon />}
        data-testid="failed-payments-button"
      />
      <Drawer anchor="right" open={open} onClose={() => setOpen(false)} slotProps={{ paper: { sx: { width: 820, maxWidth: '100vw', boxSizing: 'border-box' } } }}>
        <Box sx={{ p: 2, minWidth: 0 }} data-testid="failed-payments-drawer">
          <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
            <Typography variant="h6">Payments needing a decision</Typography>
            <IconButton aria-label="Close" onClick={() => setOpen(false)}>
              <CloseIcon />
            </IconButton>
          </Stack>
          {waiting > 0 ? (
            <Alert severity="warning" sx={{ my: 1 }}>
              {waiting} payment{waiting === 1 ? '' : 's'} from {record.name} failed, came back or {waiting === 1 ? 'is' : 'are'} disputed and {waiting === 1 ? 'has' : 'have'} no decision yet. The items {waiting === 1 ? 'it' : 'they'} paid are open again unless a dispute is still being decided.
            </Alert>
          ) : (
            <Alert severity="success" sx={{ my: 1 }} data-testid="nothing-to-decide">
              Every failed, returned or disputed payment from {record.name} has a decision.
            </Alert>
          )}
          {waiting > 0 ? <Undecided payments={undecided.data ?? []} onChanged={reload} onNavigate={() => setOpen(false)} /> : null}
          {waiting > (undecided.data?.length ?? 0) ? (
            <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
              Showing the latest {undecided.data?.length} of {waiting}; the Payments tab lists them all.
            </Typography>
          ) : null}
          {done > 0 ? <Decided payments={decided.data ?? []} total={done} onNavigate={() => setOpen(false)} /> : null}
        </Box>
      </Drawer>
    </>
  );
}

function PaymentLink({ payment, onNavigate }: { payment: PaymentRow; onNavigate: () => void }) {
  const createPath = useCreatePath();
  return (
    <>
      <Link to={createPath({ resource: 'payments', id: payment.id, type: 'show' })} onClick={onNavigate}>
        {payment.number}
      </Link>
      <Typography variant="caption" color="text.secondary" component="div">
        {payment.method_label ?? payment.method.toUpperCase()}
      </Typography>
    </>
  );
}

const amountCell = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

function Undecided({ payments, onChanged, onNavigate }: { payments: PaymentRow[]; onChanged: () => void; onNavigate: () => void }) {
  return (
    <Table size="small" sx={{ tableLayout: 'fixed', '& td, & th': { px: 1 } }}>
      <colgroup>
        <col style={{ width: 110 }} />
        <col style={{ width: 96 }} />
        <col />
        <col style={{ width: 100 }} />
        <col style={{ width: 120 }} />
        <col style={{ width: 172 }} />
      </colgroup>
      <TableHead>
        <TableRow>
          <TableCell>Payment</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Reason / return code</TableCell>
          <TableCell align="right">Amount</TableCell>
          <TableCell>Date</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {payments.map((payment) => (
          <TableRow key={payment.id} data-testid="failed-payment-row">
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              <PaymentLink payment={payment} onNavigate={onNavigate} />
            </TableCell>
            <TableCell>
              <StatusChip status={payment.status} />
            </TableCell>
            <TableCell>{reasonOf(payment)}</TableCell>
            <TableCell align="right" sx={amountCell}>
              {money(payment.amount_cents)}
            </TableCell>
            <TableCell>
              {instant(payment.returned_at ?? payment.submitted_at)}
              <Typography variant="caption" color="text.secondary" component="div">
                {payment.returned_at ? 'returned' : 'initiated'}
              </Typography>
            </TableCell>
            <TableCell align="right">
              <RecordDecisionButton payment={payment} onRecorded={onChanged} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Collapsed by default: they are done, and kept in reach for the next call with the customer. */
function Decided({ payments, total, onNavigate }: { payments: PaymentRow[]; total: number; onNavigate: () => void }) {
  return (
    <Accordion disableGutters variant="outlined" sx={{ mt: 2 }} data-testid="decided-payments">
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle2">Decided ({total})</Typography>
      </AccordionSummary>
      <AccordionDetails sx={{ p: 0 }}>
        <Table size="small" sx={{ tableLayout: 'fixed', '& td, & th': { px: 1 } }}>
          <colgroup>
            <col style={{ width: 110 }} />
            <col style={{ width: 96 }} />
            <col style={{ width: 100 }} />
            <col />
          </colgroup>
          <TableHead>
            <TableRow>
              <TableCell>Payment</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Amount</TableCell>
              <TableCell>Decision</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {payments.map((payment) => (
              <TableRow key={payment.id} data-testid="decided-payment-row">
                <TableCell sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                  <PaymentLink payment={payment} onNavigate={onNavigate} />
                </TableCell>
                <TableCell sx={{ verticalAlign: 'top' }}>
                  <StatusChip status={payment.status} />
                </TableCell>
                <TableCell align="right" sx={{ ...amountCell, verticalAlign: 'top' }}>
                  {money(payment.amount_cents)}
                </TableCell>
                <TableCell sx={{ verticalAlign: 'top' }}>
                  {payment.decision_outcome ? <DecisionText outcome={payment.decision_outcome} note={payment.decision_note} by={payment.decision_by} at={payment.decision_at} /> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {total > payments.length ? (
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', p: 1 }}>
            Showing the latest {payments.length} of {total}.
          </Typography>
        ) : null}
      </AccordionDetails>
    </Accordion>
  );
}
