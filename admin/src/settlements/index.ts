import AccountBalanceIcon from '@mui/icons-material/AccountBalance';
import { SettlementList } from './SettlementList';
import { SettlementShow } from './SettlementShow';
import type { SettlementRow } from './settlementsApi';

export default {
  list: SettlementList,
  show: SettlementShow,
  icon: AccountBalanceIcon,
  recordRepresentation: (record: SettlementRow) => record.number,
};
