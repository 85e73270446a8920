import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { Link } from 'react-admin';
import { calendarDate, money } from '../common/format';
import { LienWaiverDownloadButton, LienWaiverStatusChip } from './LienWaiverFields';
import type { LienWaiverRow } from './lienWaiversApi';

/** Waivers as rows, for the payment page's panel and the job filter of the list alike. */
export function LienWaiverTable({ waivers, show }: { waivers: LienWaiverRow[]; show: 'job' | 'payment' }) {
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          <TableCell>Waiver</TableCell>
          <TableCell>{show === 'job' ? 'Job' : 'Payment'}</TableCell>
          <TableCell>Through</TableCell>
          <TableCell align="right">Amount</TableCell>
          <TableCell>Status</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {waivers.map((waiver) => (
          <TableRow key={waiver.id} data-testid="lien-waiver-row">
            <TableCell><Link to={`/lien-waivers/${waiver.id}/show`}>{waiver.title}</Link>{waiver.state ? ` (${waiver.state})` : ''}</TableCell>
            <TableCell>{show === 'job' ? `${waiver.job_name} · ${waiver.erp_job_id}` : <Link to={`/payments/${waiver.payment_id}/show`}>{waiver.payment_number}</Link>}</TableCell>
            <TableCell>{calendarDate(waiver.through_date)}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(waiver.amount_cents)}</TableCell>
            <TableCell><LienWaiverStatusChip status={waiver.status} />{waiver.status === 'void' ? ` ${waiver.void_reason ?? ''}` : ''}</TableCell>
            <TableCell align="right"><LienWaiverDownloadButton id={waiver.id} /></TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
