import { Box, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { achReturnOperatorWords } from '../../../domain/ach-returns';
import { instant, money } from '../common/format';
import { APPLICATION_LABELS } from './PaymentFields';
import type { PaymentDetail, PaymentReversal } from './paymentsApi';

/**
 * Money taken back after the payment settled (bank returns, chargebacks, refunds), each with
 * the items it made payable again; nothing when none was.
 */
export function ReversalsPanel({ payment }: { payment: PaymentDetail }) {
  if (payment.reversals.length === 0) return null;
  return (
    <Card variant="outlined" data-testid="reversals-panel">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Box sx={{ display: 'flex', alignItems: 'baseline', flexWrap: 'wrap', columnGap: 2, mb: 1 }}>
          <Typography variant="subtitle2">Money taken back</Typography>
          <Typography variant="body2" color="text.secondary" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid="reversed-total">
            {money(payment.reversed_cents)} of {money(payment.amount_cents)}; the payment now brings in {money(payment.amount_cents - payment.reversed_cents)}
          </Typography>
        </Box>
        <Table size="small" aria-label="Money taken back">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>What</TableCell>
              <TableCell align="right">Amount</TableCell>
              <TableCell>Items re-opened</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {payment.reversals.map((reversal) => (
              <TableRow key={reversal.id} data-testid="reversal" sx={{ '& td': { verticalAlign: 'top' } }}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{instant(reversal.created_at)}</TableCell>
                <TableCell>
                  <ReversalKind reversal={reversal} />
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', fontWeight: 600 }}>
                  {money(reversal.amount_cents)}
                </TableCell>
                <TableCell>
                  <ReopenedItems reversal={reversal} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** What took the money back, in words: the bank's return reason, the chargeback, or who refunded it and why. */
function ReversalKind({ reversal }: { reversal: PaymentReversal }) {
  const detail = (text: string) => (
    <Typography variant="caption" color="text.secondary" component="div">
      {text}
    </Typography>
  );
  if (reversal.kind === 'ach_return') {
    return (
      <>
        <Typography variant="body2">ACH return</Typography>
        {detail(reversal.return_code ? achReturnOperatorWords(reversal.return_code) : reversal.reason)}
      </>
    );
  }
  if (reversal.kind === 'chargeback') {
    return (
      <>
        <Typography variant="body2">Chargeback</Typography>
        {reversal.reason ? detail(reversal.reason) : null}
      </>
    );
  }
  return (
    <>
      <Typography variant="body2">Refund{reversal.actor_name ? ` by ${reversal.actor_name}` : ''}</Typography>
      {reversal.reason ? detail(`“${reversal.reason}”`) : null}
      {reversal.processor_status ? detail(`At the processor: ${reversal.processor_status}`) : null}
    </>
  );
}

function ReopenedItems({ reversal }: { reversal: PaymentReversal }) {
  if (reversal.items.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        None: the customer&apos;s fee only
      </Typography>
    );
  }
  return (
    <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }}>
      {reversal.items.map((item) => (
        <Box component="li" key={item.application_id} sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, maxWidth: 340 }}>
          <Typography variant="body2" component="span">
            {APPLICATION_LABELS[item.type]} {item.document_number ?? `#${item.application_id}`}
          </Typography>
          <Typography variant="body2" component="span" sx={{ fontVariantNumeric: 'tabular-nums' }}>
            {money(item.amount_cents)}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
