import AccountBalanceIcon from '@mui/icons-material/AccountBalance';
import ContentCutIcon from '@mui/icons-material/ContentCut';
import DashboardIcon from '@mui/icons-material/Dashboard';
import GavelIcon from '@mui/icons-material/Gavel';
import PaymentsIcon from '@mui/icons-material/Payments';
import PeopleIcon from '@mui/icons-material/People';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import SettingsIcon from '@mui/icons-material/Settings';
import SyncAltIcon from '@mui/icons-material/SyncAlt';
import { Menu as RaMenu } from 'react-admin';

/** The console's navigation, in the order operators work: customers first. */
export function Menu() {
  return (
    <RaMenu>
      <RaMenu.Item to="/customers" primaryText="Customers" leftIcon={<PeopleIcon />} />
      <RaMenu.Item to="/dashboard" primaryText="Dashboard" leftIcon={<DashboardIcon />} />
      <RaMenu.Item to="/invoices" primaryText="Invoices" leftIcon={<ReceiptLongIcon />} />
      <RaMenu.Item to="/short-pays" primaryText="Short-pays" leftIcon={<ContentCutIcon />} sx={{ pl: 4 }} />
      <RaMenu.Item to="/payments" primaryText="Payments" leftIcon={<PaymentsIcon />} />
      <RaMenu.Item to="/settlements" primaryText="Settlements" leftIcon={<AccountBalanceIcon />} sx={{ pl: 4 }} />
      <RaMenu.Item to="/lien-waivers" primaryText="Lien waivers" leftIcon={<GavelIcon />} sx={{ pl: 4 }} />
      <RaMenu.Item to="/integration" primaryText="Integration" leftIcon={<SyncAltIcon />} />
      <RaMenu.Item to="/settings" primaryText="Settings" leftIcon={<SettingsIcon />} />
    </RaMenu>
  );
}
