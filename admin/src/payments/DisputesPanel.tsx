import { Box, Button, Card, CardContent, Chip, Stack, TextField, Typography, type ChipProps } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useRefresh } from 'react-admin';
import { humanize, instant, money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import { Fact } from './Fact';
import type { PaymentDetail, PaymentDispute } from './paymentsApi';

const STATUS_WORDS: Record<PaymentDispute['status'], { label: string; color: ChipProps['color'] }> = {
  response_needed: { label: 'Response needed', color: 'warning' },
  under_review: { label: 'Under review by the card network', color: 'info' },
  won: { label: 'Won: the money stays', color: 'success' },
  lost: { label: 'Lost: charged back', color: 'error' },
  accepted: { label: 'Accepted: charged back', color: 'error' },
  closed: { label: 'Closed', color: 'default' },
};

/** The network's phases as Moov names them; anything else is shown as it came. */
const PHASE_WORDS: Record<string, string> = {
  inquiry: 'Inquiry: the bank asks for records, no money has moved yet',
  'pre-dispute': 'Pre-dispute: may still be settled before a chargeback',
  chargeback: 'Chargeback: the money has been withdrawn while it is decided',
  'pre-arbitration': 'Pre-arbitration: the chargeback is being appealed',
  arbitration: 'Arbitration: the card network decides',
};

const DAY_MS = 24 * 3600_000;
/** Close enough to the deadline that the evidence must go out now. */
const URGENT_DAYS = 3;

/** The card disputes on this payment, newest first as the API lists them; nothing when there are none. */
export function DisputesPanel({ payment }: { payment: PaymentDetail }) {
  if (payment.disputes.length === 0) return null;
  return (
    <Card variant="outlined" data-testid="disputes-panel">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Typography variant="subtitle2" gutterBottom>
          Disputes
        </Typography>
        <Stack spacing={2} divider={<Box sx={{ borderTop: 1, borderColor: 'divider' }} />}>
          {payment.disputes.map((dispute) => (
            <DisputeView key={dispute.id} payment={payment} dispute={dispute} />
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}

function DisputeView({ payment, dispute }: { payment: PaymentDetail; dispute: PaymentDispute }) {
  const status = STATUS_WORDS[dispute.status];
  return (
    <Box data-testid="dispute">
      <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, mb: 1 }}>
        <Chip size="small" color={status.color} label={status.label} sx={{ fontWeight: 600 }} data-testid="dispute-status" />
        {dispute.phase ? (
          <Typography variant="body2" color="text.secondary" data-testid="dispute-phase">
            {PHASE_WORDS[dispute.phase] ?? humanize(dispute.phase)}
          </Typography>
        ) : null}
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5, mb: 1.5 }}>
        <RespondBy dispute={dispute} />
        <Fact label="Disputed">
          <span data-testid="dispute-amount">
            <strong>{money(dispute.amount_cents)}</strong> of {money(payment.amount_cents)}
          </span>
        </Fact>
        <Fact label="Network reason">
          {dispute.network_reason_code || dispute.network_reason ? [dispute.network_reason_code, dispute.network_reason].filter(Boolean).join(' — ') : 'Not given'}
        </Fact>
        <Fact label="Opened">{instant(dispute.opened_at)}</Fact>
        {dispute.decided_at ? <Fact label="Decided">{instant(dispute.decided_at)}</Fact> : null}
        <Fact label="Processor dispute">{dispute.processor_dispute_id}</Fact>
      </Box>
      {/* Saved notes come back with a new evidence_at; keyed on it, the box starts again from what the server holds. */}
      <EvidenceNotes key={dispute.evidence_at ?? 'none'} paymentId={payment.id} dispute={dispute} />
    </Box>
  );
}

/** The deadline for the dealer's evidence, in the dealer's time zone; amber when three days or less remain, or it has passed. */
function RespondBy({ dispute }: { dispute: PaymentDispute }) {
  if (!dispute.respond_by) return <Fact label="Respond by">Not given</Fact>;
  const answering = dispute.status === 'response_needed';
  const daysLeft = (new Date(dispute.respond_by).getTime() - Date.now()) / DAY_MS;
  const urgent = answering && daysLeft <= URGENT_DAYS;
  const left = daysLeft < 0 ? `${plural(Math.ceil(-daysLeft), 'day')} overdue` : daysLeft < 1 ? 'less than a day left' : `${plural(Math.floor(daysLeft), 'day')} left`;
  return (
    <Box sx={{ minWidth: 220 }} data-testid="dispute-respond-by" data-urgent={urgent ? 'true' : 'false'}>
      <Typography variant="caption" color="text.secondary" component="div">
        Respond by
      </Typography>
      <Typography variant="subtitle1" component="div" sx={{ fontWeight: 700, lineHeight: 1.3, color: urgent ? 'warning.dark' : answering ? 'text.primary' : 'text.secondary' }}>
        {instant(dispute.respond_by)}
      </Typography>
      {answering ? (
        <Typography variant="caption" component="div" sx={{ color: urgent ? 'warning.dark' : 'text.secondary', fontWeight: urgent ? 600 : undefined }}>
          {left}
        </Typography>
      ) : null}
    </Box>
  );
}

function EvidenceNotes({ paymentId, dispute }: { paymentId: string; dispute: PaymentDispute }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const saved = dispute.evidence_notes ?? '';
  const [notes, setNotes] = useState(saved);
  const { busy, refusal, run } = useDialogAction({ reload: refresh });
  const changed = notes.trim() !== saved.trim();

  const save = () => run(() => dataProvider.saveDisputeEvidence(paymentId, dispute.id, { notes: notes.trim() }), 'Evidence notes saved');

  return (
    <Box>
      <TextField
        fullWidth
        multiline
        minRows={3}
        label="Evidence notes"
        placeholder="Delivery tickets, signed pick-up slips, what the customer said and when…"
        value={notes}
        onChange={(event) => setNotes(event.target.value)}
        error={Boolean(refusal)}
        helperText={refusal ?? (dispute.evidence_at ? `Saved by ${dispute.evidence_by ?? 'an operator'}, ${instant(dispute.evidence_at)}` : 'Kept with the payment for the response to the card network.')}
        slotProps={{ htmlInput: { maxLength: 5000, 'data-testid': 'evidence-notes' } }}
      />
      <Box sx={{ display: 'flex', justifyContent: 'flex-end', mt: 1 }}>
        <Button variant="contained" size="small" disabled={busy || !changed || notes.trim() === ''} onClick={save}>
          Save evidence notes
        </Button>
      </Box>
    </Box>
  );
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
