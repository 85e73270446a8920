import { Alert, Box, Card, CardContent, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link, Show, useRecordContext } from 'react-admin';
import { calendarDate, humanize, instant, money } from '../common/format';
import { Fact } from '../payments/Fact';
import { LienWaiverDownloadButton, LienWaiverStatusChip } from './LienWaiverFields';
import type { LienWaiverDetail } from './lienWaiversApi';

export function LienWaiverShow() {
  return (
    <Show resource="lien-waivers" actions={false} component="div" title="Lien waiver">
      <LienWaiverDetailView />
    </Show>
  );
}

/** One waiver: what it says, and who received it (every download, from the audit log). */
function LienWaiverDetailView() {
  const waiver = useRecordContext<LienWaiverDetail>();
  // From the list, react-admin first shows the list row, which has no downloads.
  if (!waiver || !Array.isArray(waiver.downloads)) return <LinearProgress sx={{ mt: 2 }} />;
  return (
    <Stack spacing={1.5} sx={{ my: 2 }} data-testid="lien-waiver-detail">
      <Card variant="outlined">
        <CardContent>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1.5, flexWrap: 'wrap' }}>
            <Typography variant="h6" component="h1">{waiver.title}</Typography>
            <LienWaiverStatusChip status={waiver.status} />
            <Box sx={{ flex: 1 }} />
            <LienWaiverDownloadButton id={waiver.id} />
          </Box>
          {waiver.status === 'void' ? <Alert severity="error" sx={{ mb: 1.5, py: 0 }}>Void: {waiver.void_reason}</Alert> : null}
          <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5 }}>
            <Fact label="Job">
              <Link to={`/lien-waivers?filter=${encodeURIComponent(JSON.stringify({ job_id: waiver.job_id }))}`} data-testid="job-waivers-link">{waiver.job_name} · {waiver.erp_job_id}</Link>
            </Fact>
            <Fact label="Customer"><Link to={`/customers/${waiver.customer_account_id}/show`}>{waiver.customer_name}</Link></Fact>
            <Fact label="Payment"><Link to={`/payments/${waiver.payment_id}/show`}>{waiver.payment_number}</Link> ({humanize(waiver.payment_status)})</Fact>
            <Fact label="Amount">{money(waiver.amount_cents)}</Fact>
            <Fact label="Through">{calendarDate(waiver.through_date)}</Fact>
            <Fact label="State form">{waiver.state ?? 'No state on the account'}</Fact>
            <Fact label="Issued">{instant(waiver.created_at)}</Fact>
          </Box>
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle1" component="h2" gutterBottom>Who received it</Typography>
          {waiver.downloads.length === 0 ? <Typography variant="body2" color="text.secondary">Nobody has downloaded this waiver yet.</Typography> : (
            <Table size="small" data-testid="lien-waiver-downloads">
              <TableHead><TableRow><TableCell>When</TableCell><TableCell>Who</TableCell><TableCell>As</TableCell></TableRow></TableHead>
              <TableBody>
                {waiver.downloads.map((download, index) => (
                  <TableRow key={index}>
                    <TableCell>{instant(download.at)}</TableCell>
                    <TableCell>{download.actor_name ?? '—'}{download.actor_email ? ` <${download.actor_email}>` : ''}</TableCell>
                    <TableCell>{download.actor_kind === 'customer' ? 'Customer (portal)' : 'Operator (console)'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </Stack>
  );
}
