import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { Alert, Box, Card, CardContent, Grid, LinearProgress, Link as MuiLink, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link, Show, useRecordContext, useRefresh, useShowContext } from 'react-admin';
import { achReturnOperatorWords } from '../../../domain/ach-returns';
import { DECISION_OUTCOME_LABELS } from '../../../domain/failure-decision';
import { isFinalStatus, type PaymentStatus } from '../../../domain/payment-status';
import { followWhile } from '../common/livePolling';
import { humanize, instant, money } from '../common/format';
import { LienWaiversPanel } from '../lien-waivers/LienWaiversPanel';
import { DisputesPanel } from './DisputesPanel';
import { Fact } from './Fact';
import { DecisionText, RecordDecisionButton } from './FailureDecision';
import { APPLICATION_LABELS, PaymentStatusChip, methodText } from './PaymentFields';
import { PaymentsTabs } from './PaymentsTabs';
import type { PaymentApplication, PaymentDetail } from './paymentsApi';
import { RefundButton } from './RefundDialog';
import { ReversalsPanel } from './ReversalsPanel';
import { ReviewActions } from './ReviewActions';

/** Credits and the discount reduce what the customer pays, so they read as negatives. */
const signed = (application: PaymentApplication) => (application.type === 'credit' || application.type === 'discount' ? -application.amountCents : application.amountCents);

/**
 * A payment moves by itself while its workflow runs: funds clear, it settles, its settlement
 * is posted to the GL. It comes to rest once final (failed, returned, terminated) or settled
 * with its settlement posted; a late return or dispute after that is rare enough for a reload.
 */
export function paymentMoving(payment: PaymentDetail): boolean {
  if (isFinalStatus(payment.status as PaymentStatus)) return false;
  return !(payment.status === 'settled' && (payment.settlement_status === 'posted' || payment.settlement_status === 'resolved'));
}

const FOLLOW_PAYMENT = followWhile(paymentMoving);

export function PaymentShow() {
  return (
    <Box>
      <PaymentsTabs current="payments" />
      <Show resource="payments" actions={false} component="div" title={<PaymentTitle />} queryOptions={FOLLOW_PAYMENT}>
        <PaymentDetailView />
      </Show>
    </Box>
  );
}

function PaymentTitle() {
  const payment = useRecordContext<PaymentDetail>();
  return <>{payment ? `Payment ${payment.number}` : 'Payment'}</>;
}

function PaymentDetailView() {
  const { isPending, error } = useShowContext();
  const payment = useRecordContext<PaymentDetail>();
  if (error) return <Alert severity="error" sx={{ m: 2 }}>{(error as Error).message}</Alert>;
  // Coming from the list, react-admin first shows the list row, which lacks the detail's parts.
  if (isPending || !payment || !Array.isArray(payment.timeline)) return <LinearProgress sx={{ mt: 2 }} />;
  return (
    <Stack spacing={1.5} sx={{ mb: 3 }} data-testid="payment-detail">
      <Summary payment={payment} />
      <DisputesPanel payment={payment} />
      <ReversalsPanel payment={payment} />
      <Grid container spacing={1.5}>
        <Grid size={{ xs: 12, lg: 7 }}>
          <Applications payment={payment} />
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Timeline payment={payment} />
        </Grid>
      </Grid>
      <LienWaiversPanel paymentId={payment.id} paymentStatus={payment.status} />
    </Stack>
  );
}

function Summary({ payment }: { payment: PaymentDetail }) {
  // The return code says more than any reason text stored beside it.
  const returned = payment.method === 'ach' && payment.return_code ? `Returned by the bank: ${achReturnOperatorWords(payment.return_code)}` : null;
  const note = returned ?? payment.failure_reason ?? payment.hold_reason;
  return (
    <Card variant="outlined">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1.5, mb: 1.5 }}>
          <Typography variant="h6" component="h1">
            Payment {payment.number}
          </Typography>
          <PaymentStatusChip status={payment.status} stale={payment.needs_investigation && payment.status === 'pending'} />
          <Typography variant="h6" component="div" sx={{ fontVariantNumeric: 'tabular-nums', ml: 1 }} data-testid="payment-amount">
            {money(payment.amount_cents)}
          </Typography>
          <Box sx={{ flex: 1 }} />
          <ReviewActions payment={payment} />
          <RefundButton payment={payment} />
        </Box>
        {note ? (
          <Alert severity={payment.status === 'frozen' || payment.status === 'disputed' ? 'warning' : 'info'} sx={{ mb: 1.5, py: 0 }}>
            {note}
          </Alert>
        ) : null}
        {payment.paid_elsewhere_cents > 0 ? (
          <Alert severity="warning" sx={{ mb: 1.5, py: 0 }} data-testid="paid-elsewhere">
            Spruce shows {money(payment.paid_elsewhere_cents)} of what this payment pays was paid another way while it was in flight.
            {payment.status === 'pending' ? ' When it settles, that amount becomes the customer\'s unapplied credit instead of paying the invoice twice.' : ' It became the customer\'s unapplied credit when the payment settled.'}
          </Alert>
        ) : null}
        {payment.on_account_cents > 0 && payment.paid_elsewhere_cents === 0 ? (
          <Alert severity="info" sx={{ mb: 1.5, py: 0 }}>{money(payment.on_account_cents)} of this payment was paid on account: unapplied credit once it settles.</Alert>
        ) : null}
        <Decision payment={payment} />
        <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5 }}>
          <Fact label="Payer">
            <strong>{payment.payer}</strong>
          </Fact>
          <Fact label="Account">
            <Link to={`/customers/${payment.customer_account_id}/show`}>
              {payment.account_name} · #{payment.erp_account_id}
            </Link>
          </Fact>
          <Fact label="Method">
            {methodText(payment)}
            {payment.bank_name || payment.card_brand ? ` · ${payment.bank_name ?? humanize(payment.card_brand)}` : ''}
          </Fact>
          <Fact label="Initiated">{instant(payment.submitted_at)}</Fact>
          <Fact label="Settled">{instant(payment.settled_at)}</Fact>
          {payment.returned_at ? <Fact label="Returned">{instant(payment.returned_at)}</Fact> : null}
          <Fact label="Settlement">
            {payment.settlement_id ? (
              <Link to={`/settlements/${payment.settlement_id}/show`}>
                {payment.settlement_number} ({humanize(payment.settlement_status)})
              </Link>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Processor transfer">{payment.moov_transfer_id ? `${payment.moov_transfer_id.slice(0, 13)}… (${payment.moov_status ?? 'unknown'})` : '—'}</Fact>
          <Fact label="Workflow">
            <MuiLink href={payment.workflowUrl} target="_blank" rel="noreferrer" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }} data-testid="workflow-link">
              Open in Temporal UI <OpenInNewIcon sx={{ fontSize: 14 }} />
            </MuiLink>
          </Fact>
        </Box>
      </CardContent>
    </Card>
  );
}

/**
 * The AR team's decision on a failed, returned or disputed payment, or the prompt to record
 * one; earlier decisions answered a status the payment has since left.
 */
function Decision({ payment }: { payment: PaymentDetail }) {
  const refresh = useRefresh();
  const earlier = (payment.decisions ?? []).filter((decision) => decision.superseded_at);
  if (!payment.needs_decision && !payment.decision_outcome && earlier.length === 0) return null;
  return (
    <Box sx={{ mb: 1.5 }} data-testid="payment-decision">
      {payment.needs_decision ? (
        <Alert severity="warning" sx={{ py: 0, alignItems: 'center' }} action={<RecordDecisionButton payment={payment} onRecorded={refresh} />}>
          No decision recorded on this {payment.status} payment yet.
        </Alert>
      ) : null}
      {payment.decision_outcome ? (
        <Alert severity="success" icon={false} sx={{ py: 0.5 }}>
          <Typography variant="caption" color="text.secondary" component="div">
            Decision
          </Typography>
          <DecisionText outcome={payment.decision_outcome} note={payment.decision_note} by={payment.decision_by} at={payment.decision_at} />
        </Alert>
      ) : null}
      {earlier.map((decision) => (
        <Typography key={decision.decided_at} variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
          Earlier, while {decision.payment_status}: {DECISION_OUTCOME_LABELS[decision.outcome]}
          {decision.note ? ` · “${decision.note}”` : ''} — {decision.decided_by}, {instant(decision.decided_at)}; set aside when the status changed ({instant(decision.superseded_at)}).
        </Typography>
      ))}
    </Box>
  );
}

function Applications({ payment }: { payment: PaymentDetail }) {
  const rows: Array<[string, number, boolean?]> = [
    ['Invoices and debit adjustments', payment.items_cents],
    ['Credit adjustments applied', -payment.credits_cents],
    ['Statement discount', -payment.discount_cents],
    ['Customer fee', payment.fee_cents],
    ['Charged to the customer', payment.amount_cents, true],
  ];
  // Refunds, chargebacks and returns give back part of what each item was paid.
  const givenBack = payment.applications.some((application) => application.reversedCents > 0);
  return (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          Applied to
        </Typography>
        <Table size="small" aria-label="Amounts applied">
          <TableHead>
            <TableRow>
              <TableCell>Item</TableCell>
              <TableCell>Document</TableCell>
              <TableCell>Applied to invoice</TableCell>
              <TableCell>State</TableCell>
              <TableCell align="right">Amount</TableCell>
              {givenBack ? <TableCell align="right">Given back</TableCell> : null}
            </TableRow>
          </TableHead>
          <TableBody>
            {payment.applications.map((application) => (
              <TableRow key={application.id}>
                <TableCell>{APPLICATION_LABELS[application.type]}</TableCell>
                <TableCell>{application.documentNumber ?? '—'}</TableCell>
                <TableCell>{application.appliedToInvoiceNumber ?? ''}</TableCell>
                <TableCell>{humanize(application.state)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {money(signed(application))}
                </TableCell>
                {givenBack ? (
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} data-testid="application-given-back">
                    {application.reversedCents > 0 ? money(application.reversedCents) : '—'}
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Table size="small" sx={{ mt: 1.5, maxWidth: 420, ml: 'auto' }} aria-label="Amount breakdown">
          <TableBody>
            {rows.map(([label, cents, total]) => (
              <TableRow key={label}>
                <TableCell sx={{ fontWeight: total ? 700 : undefined, borderBottom: 0 }}>{label}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: total ? 700 : undefined, borderBottom: 0, borderTop: total ? 1 : 0, borderColor: 'divider' }}>
                  {money(cents)}
                </TableCell>
              </TableRow>
            ))}
            <TableRow>
              <TableCell sx={{ color: 'text.secondary', borderBottom: 0 }}>Processing cost (dealer)</TableCell>
              <TableCell align="right" sx={{ color: 'text.secondary', fontVariantNumeric: 'tabular-nums', borderBottom: 0 }}>
                {money(payment.processing_cost_cents)}
              </TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

const EVENT_LABELS: Record<string, string> = {
  submitted: 'Submitted',
  processor_completed: 'Funds cleared',
  processor_failed: 'Failed at the processor',
  ach_returned: 'ACH return',
  freeze: 'Frozen',
  release: 'Released',
  terminate: 'Terminated',
  dispute: 'Disputed',
  resolve_dispute_upheld: 'Dispute upheld',
  resolve_dispute_refunded: 'Dispute refunded',
  dispute_opened: 'Dispute opened',
  chargeback_won: 'Dispute won',
  chargeback_lost_full: 'Charged back',
  chargeback_lost_partly: 'Charged back in part',
  refund_full: 'Refunded',
  refund_partial: 'Refunded in part',
};

function Timeline({ payment }: { payment: PaymentDetail }) {
  return (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          Status timeline
        </Typography>
        <Table size="small" aria-label="Status timeline" data-testid="payment-timeline">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Event</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>By</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {payment.timeline.length === 0 ? (
              <TableRow>
                <TableCell colSpan={4} sx={{ color: 'text.secondary' }}>
                  No status changes recorded.
                </TableCell>
              </TableRow>
            ) : null}
            {payment.timeline.map((entry, index) => (
              <TableRow key={`${entry.at}-${index}`}>
                <TableCell sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{instant(entry.at)}</TableCell>
                <TableCell sx={{ verticalAlign: 'top' }}>
                  {EVENT_LABELS[entry.event] ?? humanize(entry.event)}
                  {entry.reason ? (
                    <Typography variant="caption" color="text.secondary" component="div">
                      “{entry.reason}”
                    </Typography>
                  ) : null}
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                  {entry.from_status ? `${humanize(entry.from_status)} → ` : ''}
                  {humanize(entry.to_status)}
                </TableCell>
                <TableCell sx={{ verticalAlign: 'top' }}>{entry.actor_name ?? humanize(entry.actor_kind)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
