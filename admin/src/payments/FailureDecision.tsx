import FactCheckIcon from '@mui/icons-material/FactCheckOutlined';
import {
  Box, Button, Dialog, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Radio, RadioGroup, Typography,
} from '@mui/material';
import { useState } from 'react';
import { useDataProvider } from 'react-admin';
import {
  DECISION_NOTE_MAX, DECISION_OUTCOME_HINTS, DECISION_OUTCOME_LABELS, DECISION_OUTCOMES, type DecisionOutcome,
} from '../../../domain/failure-decision';
import { ActionDialogButtons, DialogNoteField, DialogRefusal } from '../common/ActionDialogParts';
import { instant, money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { PaymentRow } from './paymentsApi';

type DecidablePayment = Pick<PaymentRow, 'id' | 'number' | 'status' | 'amount_cents'>;

/**
 * "Record decision" on a failed, returned or disputed payment: one outcome from a short fixed
 * list and an optional note. The payment's status does not change; the API refuses (and the
 * dialog shows why) when someone decided first or the payment moved on.
 */
export function RecordDecisionButton({ payment, onRecorded, size = 'small' }: { payment: DecidablePayment; onRecorded: () => void; size?: 'small' | 'medium' }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={size} variant="outlined" startIcon={<FactCheckIcon />} onClick={() => setOpen(true)} sx={{ whiteSpace: 'nowrap' }} data-testid="record-decision">
        Record decision
      </Button>
      {open ? <DecisionDialog payment={payment} onClose={() => setOpen(false)} onRecorded={onRecorded} /> : null}
    </>
  );
}

function DecisionDialog({ payment, onClose, onRecorded }: { payment: DecidablePayment; onClose: () => void; onRecorded: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [outcome, setOutcome] = useState<DecisionOutcome | ''>('');
  const [note, setNote] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: onRecorded });

  const record = async () => {
    if (!outcome) return;
    // On a refusal too: someone may have decided meanwhile, and the list behind should show it.
    await run(() => dataProvider.recordPaymentDecision(payment.id, { outcome, note: note.trim() || undefined }), `Decision recorded for ${payment.number}`);
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="decision-title">
      <DialogTitle id="decision-title">Record a decision on {payment.number}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 1 }}>
          {money(payment.amount_cents)}, {payment.status}. What did you decide? The payment itself stays {payment.status}; this records the follow-up, with your name and the time.
        </DialogContentText>
        <RadioGroup value={outcome} onChange={(event) => setOutcome(event.target.value as DecisionOutcome)} aria-label="Outcome" sx={{ mb: 1 }}>
          {DECISION_OUTCOMES.map((choice) => (
            <FormControlLabel
              key={choice}
              value={choice}
              control={<Radio size="small" sx={{ py: 0.5 }} />}
              label={
                <Box>
                  <Typography variant="body2">{DECISION_OUTCOME_LABELS[choice]}</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {DECISION_OUTCOME_HINTS[choice]}
                  </Typography>
                </Box>
              }
              sx={{ alignItems: 'flex-start', mb: 0.5, '& .MuiRadio-root': { mt: -0.25 } }}
            />
          ))}
        </RadioGroup>
        <DialogNoteField label="Note (optional)" value={note} onChange={setNote} maxLength={DECISION_NOTE_MAX} helperText="Recorded with the decision and in the audit trail." />
        <DialogRefusal refusal={refusal} testId="decision-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" disabled={busy || !outcome} onClick={record}>
          Record decision
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}

/** "Written off · “note” — Avery Admin, Nov 22, 2026, 3:04 PM CST" */
export function DecisionText({ outcome, note, by, at }: { outcome: DecisionOutcome; note: string | null; by: string | null; at: string | null }) {
  return (
    <Box data-testid="decision-text">
      <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
        {DECISION_OUTCOME_LABELS[outcome]}
      </Typography>
      {note ? (
        <Typography variant="body2" component="span">
          {' · '}“{note}”
        </Typography>
      ) : null}
      <Typography variant="caption" color="text.secondary" component="div">
        {by ?? 'Unknown operator'}, {instant(at)}
      </Typography>
    </Box>
  );
}
