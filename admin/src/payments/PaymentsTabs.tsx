import { Tab, Tabs } from '@mui/material';
import { LinkBase } from 'react-admin';

/**
 * The Payments page has two tabs, Incoming Payments and Settlements; each is its own
 * react-admin resource (own URL, own stored filters), so the tabs are links between them.
 */
export function PaymentsTabs({ current }: { current: 'payments' | 'settlements' }) {
  return (
    <Tabs value={current} sx={{ borderBottom: 1, borderColor: 'divider', mb: 1 }} aria-label="Payments page">
      <Tab value="payments" label="Incoming Payments" component={LinkBase} to="/payments" />
      <Tab value="settlements" label="Settlements" component={LinkBase} to="/settlements" />
    </Tabs>
  );
}
