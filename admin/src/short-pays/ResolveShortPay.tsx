import TaskAltIcon from '@mui/icons-material/TaskAlt';
import { Button, Dialog, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Radio, RadioGroup } from '@mui/material';
import { useState } from 'react';
import { useDataProvider } from 'react-admin';
import { SHORT_PAY_NOTE_MAX, SHORT_PAY_RESOLUTION_LABELS, SHORT_PAY_RESOLUTIONS, type ShortPayResolution } from '../../../domain/short-pay';
import { ActionDialogButtons, DialogNoteField, DialogRefusal } from '../common/ActionDialogParts';
import { money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { ShortPay } from './shortPaysApi';

/**
 * "Resolve" on an open short-pay: how the claim ended (credit memo issued in Spruce, claim
 * declined, written off) and a note. Reminders resume for what is left on the item.
 */
export function ResolveShortPayButton({ shortPay, onResolved }: { shortPay: ShortPay; onResolved: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" variant="outlined" startIcon={<TaskAltIcon />} onClick={(event) => { event.stopPropagation(); setOpen(true); }} sx={{ whiteSpace: 'nowrap' }}>
        Resolve
      </Button>
      {open ? <ResolveDialog shortPay={shortPay} onClose={() => setOpen(false)} onResolved={onResolved} /> : null}
    </>
  );
}

function ResolveDialog({ shortPay, onClose, onResolved }: { shortPay: ShortPay; onClose: () => void; onResolved: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [resolution, setResolution] = useState<ShortPayResolution | ''>('');
  const [note, setNote] = useState('');
  const { busy, refusal, run } = useDialogAction({ onClose, reload: onResolved });

  const resolve = async () => {
    if (!resolution) return;
    await run(() => dataProvider.resolveShortPay(shortPay.id, { resolution, note: note.trim() || undefined }), `Short-pay on ${shortPay.item_number} resolved`);
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="resolve-short-pay-title" onClick={(event) => event.stopPropagation()}>
      <DialogTitle id="resolve-short-pay-title">Resolve the short-pay on {shortPay.item_number}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 1 }}>
          {shortPay.customer_name} paid {money(shortPay.paid_cents)} of {money(shortPay.open_before_cents)} ({shortPay.reason_label.toLowerCase()}
          {shortPay.note ? `: “${shortPay.note}”` : ''}). {money(shortPay.short_cents)} is in question. Issue any credit memo in Spruce; reminders resume for what is left once resolved.
        </DialogContentText>
        <RadioGroup value={resolution} onChange={(event) => setResolution(event.target.value as ShortPayResolution)} aria-label="Resolution" sx={{ mb: 1 }}>
          {SHORT_PAY_RESOLUTIONS.map((choice) => (
            <FormControlLabel key={choice} value={choice} control={<Radio size="small" sx={{ py: 0.5 }} />} label={SHORT_PAY_RESOLUTION_LABELS[choice]} />
          ))}
        </RadioGroup>
        <DialogNoteField label="Note (optional)" value={note} onChange={setNote} maxLength={SHORT_PAY_NOTE_MAX} helperText="Recorded with the resolution and in the audit trail." />
        <DialogRefusal refusal={refusal} testId="short-pay-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" disabled={busy || !resolution} onClick={resolve}>
          Resolve
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}
