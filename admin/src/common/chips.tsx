import { Chip, Tooltip, type ChipProps } from '@mui/material';
import { BAND_LABELS, bandFor, type PriorityBand } from '../../../domain/collection-priority';
import { humanize } from './format';

const BAND_COLOURS: Record<PriorityBand, { bg: string; fg: string }> = {
  act_now: { bg: '#c62828', fg: '#fff' },
  watch: { bg: '#f9a825', fg: '#1a1a1a' },
  on_track: { bg: '#2e7d32', fg: '#fff' },
  nothing_to_do: { bg: '#e0e0e0', fg: '#555' },
};

/** Collection Priority as a coloured chip: the score, and its band on hover. */
export function PriorityChip({ score, onClick }: { score: number | null | undefined; onClick?: ChipProps['onClick'] }) {
  const value = score ?? 0;
  const band = bandFor(value);
  const colour = BAND_COLOURS[band];
  return (
    <Tooltip title={`${BAND_LABELS[band]} (${value}/10)`}>
      <Chip
        size="small"
        label={value}
        onClick={onClick}
        aria-label={`Collection Priority ${value}, ${BAND_LABELS[band]}`}
        sx={{ bgcolor: colour.bg, color: colour.fg, fontWeight: 700, minWidth: 32, height: 20, '& .MuiChip-label': { px: 0.75 } }}
      />
    </Tooltip>
  );
}

const INVITATION_COLOURS: Record<string, ChipProps['color']> = {
  pending: 'info',
  accepted: 'success',
  declined: 'warning',
  expired: 'default',
};

/** Portal invitation state: nothing at all for "none", so the column stays quiet. */
export function InvitationBadge({ status }: { status: string | null | undefined }) {
  if (!status || status === 'none') return null;
  return <Chip size="small" variant="outlined" color={INVITATION_COLOURS[status] ?? 'default'} label={humanize(status)} sx={{ height: 20 }} />;
}

const STATUS_COLOURS: Record<string, ChipProps['color']> = {
  open: 'info',
  partially_paid: 'warning',
  partially_applied: 'warning',
  paid: 'success',
  applied: 'success',
  void: 'default',
  closed: 'default',
  active: 'success',
  inactive: 'default',
  invited: 'info',
  disabled: 'default',
};

export function StatusChip({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  return <Chip size="small" variant="outlined" color={STATUS_COLOURS[status] ?? 'default'} label={humanize(status)} sx={{ height: 20 }} />;
}
