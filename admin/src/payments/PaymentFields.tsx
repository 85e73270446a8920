import { Box, Chip, Tooltip, Typography, type ChipProps } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { PAYMENT_STATUS_LABELS as LABELS } from '../../../domain/payment-status';
import type { PaymentApplication, PaymentRow, PaymentStatus } from './paymentsApi';

/** What each kind of item a payment paid is called, wherever the payment's items are listed. */
export const APPLICATION_LABELS: Record<PaymentApplication['type'], string> = {
  invoice: 'Invoice',
  debit: 'Debit adjustment',
  credit: 'Credit adjustment',
  discount: 'Statement discount',
  terms_discount: 'Early-payment discount',
  unapplied: 'Paid on account',
};

/** In the order an operator scans for them: money in flight, then what needs a person, then what ended. */
const CHOICE_ORDER: PaymentStatus[] = ['pending', 'settled', 'frozen', 'disputed', 'returned', 'charged_back', 'refunded', 'failed', 'terminated'];

export const PAYMENT_STATUS_CHOICES: Array<{ id: PaymentStatus; name: string }> = CHOICE_ORDER.map((id) => ({ id, name: LABELS[id] }));

/** Colour carries meaning only: green cleared, blue in flight, amber needs a person, red lost. */
const COLOURS: Record<PaymentStatus, ChipProps['color']> = {
  pending: 'info',
  settled: 'success',
  frozen: 'warning',
  disputed: 'warning',
  returned: 'error',
  charged_back: 'error',
  failed: 'error',
  refunded: 'default',
  terminated: 'default',
};

export function PaymentStatusChip({ status, stale }: { status: PaymentStatus; stale?: boolean }) {
  const chip = (
    <Chip
      size="small"
      color={COLOURS[status] ?? 'default'}
      variant={status === 'settled' || status === 'pending' ? 'outlined' : 'filled'}
      label={stale ? `${LABELS[status] ?? status} · overdue` : LABELS[status] ?? status}
      sx={{ height: 20, fontWeight: 600 }}
      data-testid="payment-status"
    />
  );
  return stale ? <Tooltip title="Pending for more than 3 business days: check with the bank or the customer.">{chip}</Tooltip> : chip;
}

export function PaymentStatusField(_props: { label?: string; sortBy?: string }) {
  const record = useRecordContext<PaymentRow>();
  if (!record) return null;
  return <PaymentStatusChip status={record.status} stale={record.needs_investigation && record.status === 'pending'} />;
}

/** "ACH ····0001" or "Card (debit) ····4242": the method and the account or card it came from. */
export function methodText(record: Pick<PaymentRow, 'method' | 'method_last4' | 'card_funding'>): string {
  const kind = record.method === 'ach' ? 'ACH' : record.card_funding ? `Card (${record.card_funding})` : 'Card';
  return record.method_last4 ? `${kind} ····${record.method_last4}` : kind;
}

export function PaymentMethodField(_props: { label?: string; sortBy?: string }) {
  const record = useRecordContext<PaymentRow>();
  if (!record) return null;
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap' }} title={record.method_label ?? undefined}>
      {methodText(record)}
    </Typography>
  );
}

/** The paying company over the dealer's account name and ERP number. */
export function PayerField(_props: { label?: string; sortBy?: string }) {
  const record = useRecordContext<PaymentRow>();
  if (!record) return null;
  return (
    <Box sx={{ lineHeight: 1.2 }}>
      <Typography component="div" variant="body2" sx={{ fontWeight: 600 }}>
        {record.payer}
      </Typography>
      <Typography component="div" variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
        {record.account_name} · #{record.erp_account_id}
      </Typography>
    </Box>
  );
}
