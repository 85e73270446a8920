import GavelIcon from '@mui/icons-material/Gavel';
import { LienWaiverList } from './LienWaiverList';
import { LienWaiverShow } from './LienWaiverShow';
import type { LienWaiverRow } from './lienWaiversApi';

export default {
  list: LienWaiverList,
  show: LienWaiverShow,
  icon: GavelIcon,
  recordRepresentation: (record: LienWaiverRow) => `${record.title} · ${record.payment_number}`,
};
