import { Chip, Tooltip, Typography, type ChipProps } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { calendarDate, humanize, instant } from '../common/format';
import { dealerTimeZone } from '../session';
import { CATEGORY_LABELS, type Category, type CategoryState, type SettlementRow, type SettlementStatus } from './settlementsApi';

export const SETTLEMENT_STATUS_CHOICES: Array<{ id: SettlementStatus; name: string }> = [
  { id: 'open', name: 'Open' },
  { id: 'ready', name: 'Ready to post' },
  { id: 'partially_posted', name: 'Partially posted' },
  { id: 'posted', name: 'Posted' },
  { id: 'resolved', name: 'Resolved' },
];

const STATUS_COLOURS: Record<SettlementStatus, ChipProps['color']> = {
  open: 'info',
  ready: 'warning',
  partially_posted: 'warning',
  posted: 'primary',
  resolved: 'success',
};

export function SettlementStatusChip({ status }: { status: SettlementStatus }) {
  const label = SETTLEMENT_STATUS_CHOICES.find((choice) => choice.id === status)?.name ?? humanize(status);
  return <Chip size="small" color={STATUS_COLOURS[status]} variant={status === 'resolved' ? 'filled' : 'outlined'} label={label} sx={{ height: 20, fontWeight: 600 }} data-testid="settlement-status" />;
}

export function SettlementStatusField(_props: { label?: string }) {
  const record = useRecordContext<SettlementRow>();
  return record ? <SettlementStatusChip status={record.status} /> : null;
}

/** "Nov 5, 4:07 PM" in the dealer's zone: short enough for a table cell. */
export function shortInstant(value: string | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat('en-US', { timeZone: dealerTimeZone(), month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(value));
}

/**
 * One posting category: posted (with when, how and by whom on hover), unposted, being
 * posted, or empty (nothing of that kind in the batch, so nothing to post).
 */
export function CategoryBadge({ category, state }: { category: Category; state: CategoryState | null }) {
  const status = state?.status ?? 'empty';
  const name = CATEGORY_LABELS[category];
  if (status === 'posted') {
    const how = state?.post_method === 'auto' ? 'auto-posted' : 'posted by hand';
    return (
      <Tooltip title={`${name}: ${state?.line_count} line(s) ${how}${state?.posted_by_name ? ` by ${state.posted_by_name}` : ''}, ${instant(state?.posted_at)}`}>
        <Chip size="small" color="success" label={`✓ ${shortInstant(state?.posted_at)}`} sx={{ height: 20 }} data-testid={`badge-${category}`} data-status="posted" />
      </Tooltip>
    );
  }
  if (status === 'empty') {
    return <Chip size="small" variant="outlined" label="Empty" sx={{ height: 20, color: 'text.disabled', borderColor: 'divider' }} data-testid={`badge-${category}`} data-status="empty" />;
  }
  return (
    <Tooltip title={`${name}: ${state?.line_count ?? 0} line(s) ${status === 'posting' ? 'being posted' : 'not posted yet'}`}>
      <Chip
        size="small"
        variant="outlined"
        color={status === 'posting' ? 'info' : 'warning'}
        label={status === 'posting' ? 'Posting…' : 'Unposted'}
        sx={{ height: 20 }}
        data-testid={`badge-${category}`}
        data-status={status}
      />
    </Tooltip>
  );
}

export function CategoryBadgeField({ category }: { category: Category; label?: string }) {
  const record = useRecordContext<SettlementRow>();
  return record ? <CategoryBadge category={category} state={record.categories?.[category] ?? null} /> : null;
}

export function ResolvedField(_props: { label?: string }) {
  const record = useRecordContext<SettlementRow>();
  if (!record) return null;
  if (!record.resolved_at) return <span style={{ color: '#9e9e9e' }}>—</span>;
  return (
    <Tooltip title={`Resolved by ${record.resolved_by_name ?? 'an operator'}, ${instant(record.resolved_at)}`}>
      <span style={{ whiteSpace: 'nowrap' }}>✓ {shortInstant(record.resolved_at)}</span>
    </Tooltip>
  );
}

/** The business date, with the settlement's place in the day when an early close made it the 2nd or later. */
export function BusinessDateField(_props: { label?: string; source?: string }) {
  const record = useRecordContext<SettlementRow>();
  if (!record) return null;
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap' }}>
      {calendarDate(record.business_date)}
      {record.sequence > 1 ? (
        <Typography component="span" variant="caption" color="text.secondary" title={`Settlement ${record.sequence} of the day, opened after an early close`}>
          {` · #${record.sequence}`}
        </Typography>
      ) : null}
    </Typography>
  );
}
