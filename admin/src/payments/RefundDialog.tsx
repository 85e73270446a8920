import UndoIcon from '@mui/icons-material/Undo';
import {
  Box, Button, Dialog, DialogContent, DialogContentText, DialogTitle, FormControlLabel, FormHelperText, Radio, RadioGroup, Table, TableBody, TableCell,
  TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useRefresh } from 'react-admin';
import { heldCents } from '../../../domain/reversal-allocation';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { money } from '../common/format';
import { newRequestId } from '../common/requestId';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import { DollarField, type DollarValue } from './DollarInput';
import { APPLICATION_LABELS } from './PaymentFields';
import type { PaymentApplication, PaymentDetail, RefundBody } from './paymentsApi';
import { refusalPlace, refusedOutright, type RefusalPlace } from './refundRefusal';

type Mode = 'rest' | 'amount' | 'items';

/** Only what was paid with money can be given back by item; credits and the discount moved none. */
const byItem = (application: PaymentApplication) => application.type === 'invoice' || application.type === 'debit';

const itemName = (application: PaymentApplication) => `${APPLICATION_LABELS[application.type]} ${application.documentNumber ?? `#${application.id}`}`;

/** Shown only when the API offers 'refund': it does so for admins, on a payment with money left to give back. */
export function RefundButton({ payment }: { payment: PaymentDetail }) {
  const [open, setOpen] = useState(false);
  if (!payment.actions.includes('refund')) return null;
  return (
    <>
      <Button variant="outlined" color="error" startIcon={<UndoIcon />} onClick={() => setOpen(true)} data-testid="refund-button">
        Refund
      </Button>
      {open ? <RefundDialog payment={payment} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/**
 * Sends money back: the rest of the payment, an amount, or chosen items each for an amount,
 * with a reason. The limits are the API's to enforce; its refusal names them and is shown
 * beside the amount or the items it is about.
 */
function RefundDialog({ payment, onClose }: { payment: PaymentDetail; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  // Made when the dialog opens: a second click or a retry after a lost answer is the same refund.
  const [requestId, setRequestId] = useState(newRequestId);
  const [mode, setMode] = useState<Mode>('rest');
  const [amount, setAmount] = useState<DollarValue>(undefined);
  const [itemAmounts, setItemAmounts] = useState<Record<number, DollarValue>>({});
  const [reason, setReason] = useState('');
  const [place, setPlace] = useState<RefusalPlace | null>(null);

  const remaining = payment.amount_cents - payment.reversed_cents;
  const chosen = Object.entries(itemAmounts).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0);
  const total = mode === 'rest' ? remaining : mode === 'amount' ? (typeof amount === 'number' ? amount : 0) : chosen.reduce((sum, [, cents]) => sum + cents, 0);
  const amountsReady = mode === 'rest' || (mode === 'amount' ? total > 0 : chosen.length > 0 && !Object.values(itemAmounts).includes(null));
  const ready = amountsReady && reason.trim().length >= 3;
  const shown = (where: RefusalPlace) => (place === where ? refusal : null);

  const body = (): RefundBody => ({
    request_id: requestId,
    reason: reason.trim(),
    ...(mode === 'amount' ? { amount_cents: total } : {}),
    ...(mode === 'items' ? { items: chosen.map(([applicationId, cents]) => ({ application_id: applicationId, amount_cents: cents })) } : {}),
  });

  const refund = () => {
    setPlace(null);
    return run(async () => {
      try {
        return await dataProvider.refundPayment(payment.id, body());
      } catch (error) {
        setPlace(refusalPlace(error, mode === 'rest' ? null : mode));
        if (refusedOutright(error)) setRequestId(newRequestId());
        throw error;
      }
    }, `Refund of ${money(total)} on ${payment.number} sent`);
  };

  // Editing what a refusal was about puts it away; the next answer brings its own.
  const edited = (where: RefusalPlace) => setPlace((current) => (current === where ? null : current));

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby="refund-title">
      <DialogTitle id="refund-title">Refund payment {payment.number}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 1.5 }}>
          {money(payment.amount_cents)} paid
          {payment.reversed_cents > 0 ? `, ${money(payment.reversed_cents)} already given back` : ''}: up to {money(remaining)} can go back to the customer,{' '}
          {payment.method === 'card' ? 'to the card it came from' : 'by an ACH credit to the bank account it came from'}. The items refunded become payable again.
        </DialogContentText>
        <RadioGroup row value={mode} onChange={(event) => { setMode(event.target.value as Mode); setPlace(null); }} aria-label="What to refund" sx={{ mb: 1 }}>
          <FormControlLabel value="rest" control={<Radio size="small" />} label="Refund the rest" />
          <FormControlLabel value="amount" control={<Radio size="small" />} label="An amount" />
          <FormControlLabel value="items" control={<Radio size="small" />} label="By item" />
        </RadioGroup>
        {mode === 'rest' ? (
          <Typography variant="body2" sx={{ mb: 2 }} data-testid="refund-rest">
            Sends {money(remaining)} back and re-opens everything this payment still holds, credits and discount included.
          </Typography>
        ) : null}
        {mode === 'amount' ? (
          <Box sx={{ mb: 2 }}>
            <DollarField
              label="Amount to refund"
              width={380}
              cents={amount}
              onChange={(value) => { setAmount(value); edited('amount'); }}
              hint={`Spread over the invoices paid, at most ${money(remaining)}`}
              error={shown('amount')}
            />
          </Box>
        ) : null}
        {mode === 'items' ? (
          <ItemAmounts applications={payment.applications} amounts={itemAmounts} onChange={(id, value) => { setItemAmounts((current) => ({ ...current, [id]: value })); edited('items'); }} error={shown('items')} />
        ) : null}
        <TextField
          fullWidth
          multiline
          minRows={2}
          label="Reason (required)"
          value={reason}
          onChange={(event) => { setReason(event.target.value); edited('reason'); }}
          error={Boolean(shown('reason'))}
          helperText={shown('reason') ?? 'Recorded with the refund, in the payment timeline and the audit log.'}
          slotProps={{ htmlInput: { maxLength: 500 } }}
        />
        <DialogRefusal refusal={place === 'form' ? refusal : null} testId="refund-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" color="error" disabled={busy || !ready} onClick={refund} data-testid="refund-confirm">
          {total > 0 ? `Refund ${money(total)}` : 'Refund'}
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}

function ItemAmounts({ applications, amounts, onChange, error }: {
  applications: PaymentApplication[];
  amounts: Record<number, DollarValue>;
  onChange: (applicationId: number, value: DollarValue) => void;
  error: string | null;
}) {
  const items = applications.filter(byItem);
  return (
    <Box sx={{ mb: 2 }}>
      <Table size="small" aria-label="Items to refund">
        <TableHead>
          <TableRow>
            <TableCell>Item</TableCell>
            <TableCell align="right">Paid</TableCell>
            <TableCell align="right">Given back</TableCell>
            <TableCell align="right">Can still give back</TableCell>
            <TableCell align="right">Refund</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((application) => {
            const held = heldCents(application);
            return (
              <TableRow key={application.id}>
                <TableCell>{itemName(application)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(application.amountCents)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(application.reversedCents)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(held)}</TableCell>
                <TableCell align="right" sx={{ py: 0.75 }}>
                  {held > 0 ? (
                    <DollarField label="Refund" ariaLabel={`Refund for ${itemName(application)}`} width={140} cents={amounts[application.id]} onChange={(value) => onChange(application.id, value)} />
                  ) : (
                    <Typography variant="caption" color="text.secondary">Given back in full</Typography>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {error ? (
        <FormHelperText error sx={{ mt: 1 }} data-testid="refund-items-error">
          {error}
        </FormHelperText>
      ) : null}
      {applications.some((application) => !byItem(application)) ? (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
          Credits and the statement discount moved no money, so they are not refunded by item; refunding the rest re-opens them.
        </Typography>
      ) : null}
    </Box>
  );
}
