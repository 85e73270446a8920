import {
  Alert, Chip, LinearProgress, Table, TableBody, TableCell, TableHead, TablePagination, TableRow, Tooltip, Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useRecordContext } from 'react-admin';
import type { CustomerEmailRow, EmailStatus } from '../../../contracts/operator/customer-emails';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import { instant } from '../common/format';
import { reminderRuleLabel, type ReminderRule } from '../../../domain/reminders';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

const STATUS: Record<EmailStatus, { label: string; color: 'default' | 'success' | 'error' | 'warning' }> = {
  queued: { label: 'Queued', color: 'warning' },
  sent: { label: 'Sent', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
};

/** `payment_returned` → "Payment returned"; `customer_invite` → "Customer invite". */
const kindLabel = (kind: string) => kind.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());

/** `before_due:7` → "7 days before due" (the rule that named the reminder's items). */
function ruleLabel(id: string): string {
  const [kind, days] = id.split(':');
  return reminderRuleLabel((days ? { kind, days: Number(days) } : { kind }) as ReminderRule);
}

/** `emails 0-24/319` → 319. */
const totalOf = (contentRange: string | null, fallback: number) => Number(/\/(\d+)$/.exec(contentRange ?? '')?.[1] ?? fallback);

/**
 * What the customer was sent by email (invitations, payment notices, receipts), newest first,
 * with whether it went out and the mail server's answer: so an operator on the phone can say
 * "we emailed you on Tuesday at 10:14, to this address" or see that it bounced.
 */
export function CustomerEmails() {
  const record = useRecordContext<CustomerDetail>();
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(25);
  const [state, setState] = useState<{ rows: CustomerEmailRow[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!record?.id) return;
    let live = true;
    setLoading(true);
    const range = encodeURIComponent(JSON.stringify([page * perPage, page * perPage + perPage - 1]));
    httpClient(`${API_URL}/customers/${encodeURIComponent(String(record.id))}/emails?range=${range}`)
      .then(({ json, headers }) => {
        if (!live) return;
        const rows = json as CustomerEmailRow[];
        setState({ rows, total: totalOf(headers.get('Content-Range'), rows.length) });
        setError(null);
      })
      .catch((failure: Error) => live && setError(failure.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [record?.id, page, perPage]);

  if (error) return <Alert severity="error" sx={{ m: 1 }}>Emails could not be loaded: {error}</Alert>;
  if (!state) return <LinearProgress sx={{ m: 2 }} />;
  if (state.total === 0) {
    return <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>No emails sent to this customer yet.</Typography>;
  }
  return (
    <>
      {loading && <LinearProgress />}
      <Table size="small" aria-label="Emails sent to this customer">
        <TableHead>
          <TableRow>
            <TableCell>Queued</TableCell>
            <TableCell>Subject</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>To</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Attempts</TableCell>
            <TableCell>Sent</TableCell>
            <TableCell>Mail server said</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {state.rows.map((row) => (
            <TableRow key={row.id} data-email-id={row.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{instant(row.queuedAt)}</TableCell>
              <TableCell>{row.subject}</TableCell>
              <TableCell>
                {kindLabel(row.kind)}
                {row.reminderRules?.length ? (
                  <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }} data-testid="reminder-rules">
                    {row.reminderRules.map(ruleLabel).join(' · ')}
                  </Typography>
                ) : null}
              </TableCell>
              <TableCell>{row.to}</TableCell>
              <TableCell>
                <Chip size="small" variant="outlined" color={STATUS[row.status].color} label={STATUS[row.status].label} sx={{ height: 20 }} />
              </TableCell>
              <TableCell align="right">{row.attempts}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{row.sentAt ? instant(row.sentAt) : '—'}</TableCell>
              <TableCell>
                <Tooltip title={row.lastError ?? ''}>
                  <Typography variant="caption" color={row.status === 'sent' ? 'text.secondary' : 'error'}>
                    {row.smtpAnswer ?? row.lastError ?? '—'}
                  </Typography>
                </Tooltip>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={state.total}
        page={page}
        rowsPerPage={perPage}
        rowsPerPageOptions={[25, 50, 100]}
        onPageChange={(_, next) => setPage(next)}
        onRowsPerPageChange={(event) => {
          setPerPage(Number(event.target.value));
          setPage(0);
        }}
      />
    </>
  );
}
