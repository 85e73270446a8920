import { Card, CardContent, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Labeled, Link, Show, useCreatePath, useGetOne, useRecordContext } from 'react-admin';
import type { JobRow } from '../../../contracts/operator/jobs';
import { JobDeadlines, JobDeadlinesError } from '../jobs/JobDeadlines';
import { StatusChip } from '../common/chips';
import { InvoiceDocuments } from './InvoiceDocuments';
import { calendarDate, humanize, instant, money } from '../common/format';
import type { InvoiceDetail, InvoiceRow } from '../../../contracts/operator/receivables';

/** The list row stands in while the detail loads, so the detail-only fields may be missing. */
type InvoiceShown = InvoiceRow & Partial<Pick<InvoiceDetail, 'statement_number' | 'payments'>>;

function InvoiceTitle() {
  const record = useRecordContext<InvoiceShown>();
  return <span>Invoice {record?.invoice_number ?? ''}</span>;
}

/** The invoice's job and its lien deadlines: what the money on this invoice is secured by, and until when. */
function InvoiceJobDeadlines({ jobId }: { jobId: string }) {
  const { data, error } = useGetOne<JobRow>('jobs', { id: jobId });
  if (error) return <JobDeadlinesError message={(error as Error).message} />;
  if (!data) return <Skeleton variant="rectangular" height={80} />;
  return <JobDeadlines job={data} title="Job lien deadlines" />;
}

function InvoiceDetails() {
  const record = useRecordContext<InvoiceShown>();
  const createPath = useCreatePath();
  if (!record) return null;
  const facts: Array<[string, React.ReactNode]> = [
    ['Customer', <Link to={createPath({ resource: 'customers', id: record.customer_account_id, type: 'show' })}>{record.customer_name} ({record.erp_account_id})</Link>],
    ['Job', record.job_id ? <Link to={createPath({ resource: 'jobs', id: record.job_id, type: 'show' })}>{record.job_name}</Link> : '—'],
    ['PO', record.po_number ?? '—'],
    ['Invoice date', calendarDate(record.invoice_date)],
    ['Due', `${calendarDate(record.due_date)}${record.days_past_due > 0 ? ` · ${record.days_past_due} days late` : ''}`],
    ['Statement', record.statement_number ?? '—'],
    ['Amount', money(record.amount_cents)],
    ['Balance', money(record.balance_cents)],
    ['In flight (reserved by payments)', money(record.reserved_cents)],
    ['Status', <StatusChip status={record.status} />],
  ];
  return (
    <Stack spacing={1}>
      <Card variant="outlined">
        <CardContent sx={{ display: 'flex', flexWrap: 'wrap', gap: 3 }}>
          {facts.map(([label, value]) => (
            <Labeled key={label} label={label}>
              <Typography variant="body2" component="span" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                {value}
              </Typography>
            </Labeled>
          ))}
        </CardContent>
      </Card>
      {record.job_id ? <InvoiceJobDeadlines jobId={record.job_id} /> : null}
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle2" gutterBottom>
            Payments applied
          </Typography>
          {/* The list row stands in while the detail loads; it carries no payments yet. */}
          {!record.payments ? (
            <Skeleton variant="rectangular" height={40} />
          ) : record.payments.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              No payment has been applied to this invoice through Drypowder.
            </Typography>
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Payment</TableCell>
                  <TableCell>Initiated</TableCell>
                  <TableCell>Method</TableCell>
                  <TableCell>Payment status</TableCell>
                  <TableCell>Application</TableCell>
                  <TableCell align="right">Applied</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {record.payments.map((payment) => (
                  <TableRow key={payment.id}>
                    <TableCell>
                      <Link to={createPath({ resource: 'payments', id: payment.payment_id, type: 'show' })}>{payment.payment_number}</Link>
                    </TableCell>
                    <TableCell>{instant(payment.submitted_at)}</TableCell>
                    <TableCell>{payment.method.toUpperCase()}</TableCell>
                    <TableCell>
                      <StatusChip status={payment.payment_status} />
                    </TableCell>
                    <TableCell>{humanize(payment.state)}</TableCell>
                    <TableCell align="right">{money(payment.amount_cents)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <InvoiceDocuments invoiceId={String(record.id)} />
    </Stack>
  );
}

export function InvoiceShow() {
  return (
    <Show title={<InvoiceTitle />} component="div">
      <InvoiceDetails />
    </Show>
  );
}
