import ConstructionIcon from '@mui/icons-material/Construction';
import type { JobRow } from '../../../contracts/operator/jobs';
import { JobShow } from './JobShow';

export default {
  show: JobShow,
  icon: ConstructionIcon,
  recordRepresentation: (record: JobRow) => `Job ${record.name}`,
};
