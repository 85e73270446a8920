import DownloadIcon from '@mui/icons-material/Download';
import { Button, Chip } from '@mui/material';
import type { LienWaiverStatus } from '../../../domain/lien-waivers';
import { lienWaiverPdfUrl } from './lienWaiversApi';

const STATUS: Record<LienWaiverStatus, { label: string; color: 'success' | 'default' | 'error' }> = {
  active: { label: 'Current', color: 'success' },
  replaced: { label: 'Replaced', color: 'default' },
  void: { label: 'Void', color: 'error' },
};

export function LienWaiverStatusChip({ status }: { status: LienWaiverStatus }) {
  return <Chip size="small" label={STATUS[status].label} color={STATUS[status].color} variant="outlined" />;
}

/** A plain link: the browser saves the PDF, and the click never opens the row it sits in. */
export function LienWaiverDownloadButton({ id }: { id: string }) {
  return (
    <Button size="small" variant="outlined" startIcon={<DownloadIcon />} component="a" href={lienWaiverPdfUrl(id)} download onClick={(event) => event.stopPropagation()}>
      PDF
    </Button>
  );
}
