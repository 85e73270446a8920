import AcUnitIcon from '@mui/icons-material/AcUnit';
import BlockIcon from '@mui/icons-material/Block';
import GavelIcon from '@mui/icons-material/Gavel';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import ReportProblemIcon from '@mui/icons-material/ReportProblem';
import {
  Button, Dialog, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Radio, RadioGroup, Stack, TextField,
} from '@mui/material';
import { useState, type ReactElement } from 'react';
import { useDataProvider, useRefresh } from 'react-admin';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { PaymentAction, PaymentDetail } from './paymentsApi';

interface ActionCopy {
  label: string;
  icon: ReactElement;
  color: 'primary' | 'warning' | 'error' | 'inherit';
  title: string;
  explain: (payment: PaymentDetail) => string;
  reasonRequired: boolean;
  done: string;
}

const COPY: Record<PaymentAction, ActionCopy> = {
  freeze: {
    label: 'Freeze', icon: <AcUnitIcon />, color: 'warning', title: 'Freeze this payment?', reasonRequired: true, done: 'Payment frozen',
    explain: (p) => `${p.number} (${money(p.amount_cents)}) is held for review: it stays out of settlement until it is released.`,
  },
  release: {
    label: 'Release', icon: <LockOpenIcon />, color: 'primary', title: 'Release this payment?', reasonRequired: false, done: 'Payment released',
    explain: (p) => `${p.number} goes back to processing and joins a settlement once its funds have cleared.`,
  },
  terminate: {
    label: 'Terminate', icon: <BlockIcon />, color: 'error', title: 'Terminate this payment?', reasonRequired: true, done: 'Payment terminated',
    explain: (p) => `${p.number} (${money(p.amount_cents)}) is cancelled at the processor while it still can be, or refunded if it is a card payment. A bank payment the customer's bank already has cannot be cancelled; you will be told so and nothing changes. This is final: the items it paid become payable again.`,
  },
  dispute: {
    label: 'Dispute', icon: <ReportProblemIcon />, color: 'warning', title: 'Mark this payment disputed?', reasonRequired: true, done: 'Payment marked disputed',
    explain: (p) => `${p.number} is flagged for investigation until the dispute is resolved.`,
  },
  resolve: {
    label: 'Resolve dispute', icon: <GavelIcon />, color: 'primary', title: 'Resolve the dispute', reasonRequired: true, done: 'Dispute resolved',
    explain: (p) => `Upheld keeps ${p.number} settled; refunded returns ${money(p.amount_cents)} to the customer and posts a reversal.`,
  },
};

const ORDER: PaymentAction[] = ['freeze', 'release', 'dispute', 'resolve', 'terminate'];

/**
 * The review actions the API says are legal right now (`actions`), each behind a dialog that
 * asks for a reason. The workflow may still refuse (someone else acted first): its sentence
 * is shown in the dialog as the API wrote it.
 */
export function ReviewActions({ payment }: { payment: PaymentDetail }) {
  const [open, setOpen] = useState<PaymentAction | null>(null);
  const available = ORDER.filter((action) => payment.actions.includes(action));
  if (available.length === 0) return null;
  return (
    <Stack direction="row" spacing={1} data-testid="review-actions">
      {available.map((action) => (
        <Button key={action} variant="outlined" color={COPY[action].color} startIcon={COPY[action].icon} onClick={() => setOpen(action)}>
          {COPY[action].label}
        </Button>
      ))}
      {open ? <ActionDialog action={open} payment={payment} onClose={() => setOpen(null)} /> : null}
    </Stack>
  );
}

function ActionDialog({ action, payment, onClose }: { action: PaymentAction; payment: PaymentDetail; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const copy = COPY[action];
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<'upheld' | 'refunded'>('upheld');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  const tooShort = copy.reasonRequired && reason.trim().length < 3;

  const confirm = () => run(
    () => dataProvider.paymentAction(payment.id, action, action === 'resolve' ? { reason: reason.trim(), outcome } : { reason: reason.trim() || undefined }),
    copy.done,
  );

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="review-action-title">
      <DialogTitle id="review-action-title">{copy.title}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>{copy.explain(payment)}</DialogContentText>
        {action === 'resolve' ? (
          <RadioGroup row value={outcome} onChange={(event) => setOutcome(event.target.value as 'upheld' | 'refunded')} sx={{ mb: 1 }}>
            <FormControlLabel value="upheld" control={<Radio size="small" />} label="Upheld (keep the payment)" />
            <FormControlLabel value="refunded" control={<Radio size="small" />} label="Refunded to the customer" />
          </RadioGroup>
        ) : null}
        <TextField
          autoFocus
          fullWidth
          multiline
          minRows={2}
          label={copy.reasonRequired ? 'Reason (required)' : 'Reason (optional)'}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          helperText={copy.reasonRequired ? 'Recorded in the payment timeline and the audit log.' : 'Recorded in the payment timeline.'}
          slotProps={{ htmlInput: { maxLength: 500 } }}
        />
        <DialogRefusal refusal={refusal} testId="action-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" color={copy.color === 'inherit' ? 'primary' : copy.color} disabled={busy || tooShort} onClick={confirm}>
          {copy.label}
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}
