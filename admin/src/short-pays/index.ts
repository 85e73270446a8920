import ContentCutIcon from '@mui/icons-material/ContentCut';
import { ShortPayList } from './ShortPayList';

export default {
  list: ShortPayList,
  icon: ContentCutIcon,
  recordRepresentation: (record: { item_number: string }) => `Short-pay on ${record.item_number}`,
};
