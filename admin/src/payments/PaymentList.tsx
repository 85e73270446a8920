import DownloadIcon from '@mui/icons-material/Download';
import { Box, Card, CardContent } from '@mui/material';
import {
  Button, DataTable, DateInput, FilterButton, List, SearchInput, SelectArrayInput, SelectInput, TopToolbar, useListContext, type ListProps,
} from 'react-admin';
import { InstantField, MoneyField } from '../common/fields';
import { listQueryString } from '../listQuery';
import { API_URL } from '../session';
import { DollarInput } from './DollarInput';
import { PAYMENT_STATUS_CHOICES, PayerField, PaymentMethodField, PaymentStatusField } from './PaymentFields';
import { PaymentsTabs } from './PaymentsTabs';
import { PaymentVolumeChart } from './PaymentVolumeChart';
import type { PaymentRow } from './paymentsApi';

/**
 * Filters: payer search, status, initiated date range (the dealer's calendar days) and amount
 * range (typed in dollars, sent as cents). They live in the store under their own key, so an
 * operator who opens a payment and comes back finds the list as they left it.
 */
const paymentFilters = [
  <SearchInput key="q" source="q" placeholder="Payer, account or payment #" alwaysOn sx={{ width: 210 }} />,
  <SelectArrayInput key="status" source="status" label="Status" choices={PAYMENT_STATUS_CHOICES} alwaysOn sx={{ minWidth: 140 }} />,
  <DateInput key="submitted_gte" source="submitted_gte" label="Initiated from" alwaysOn sx={{ width: 140 }} />,
  <DateInput key="submitted_lte" source="submitted_lte" label="Initiated to" alwaysOn sx={{ width: 140 }} />,
  <DollarInput key="amount_gte" source="amount_gte" label="Min amount" alwaysOn />,
  <DollarInput key="amount_lte" source="amount_lte" label="Max amount" alwaysOn />,
  <SelectInput key="method" source="method" label="Method" choices={[{ id: 'ach', name: 'ACH' }, { id: 'card', name: 'Card' }]} />,
];

/** Downloads exactly the filtered, sorted view, streamed by the API (not just the page on screen). */
function ExportCsvButton() {
  const { filterValues: filter, sort, total } = useListContext();
  return (
    <Button
      label="Export CSV"
      component="a"
      href={`${API_URL}/payments/export.csv${listQueryString({ filter, sort })}`}
      download
      disabled={total === 0}
      data-testid="payments-export"
    >
      <DownloadIcon />
    </Button>
  );
}

function PaymentListActions() {
  return (
    <TopToolbar>
      <FilterButton />
      <ExportCsvButton />
    </TopToolbar>
  );
}

export function PaymentList(props: Partial<ListProps>) {
  return (
    <Box>
      <PaymentsTabs current="payments" />
      <Card variant="outlined" sx={{ mb: 1 }}>
        <CardContent sx={{ py: 1, '&:last-child': { pb: 1 } }}>
          <PaymentVolumeChart />
        </CardContent>
      </Card>
      <List
        resource="payments"
        title="Incoming Payments"
        storeKey="payments.incoming"
        sort={{ field: 'submitted_at', order: 'DESC' }}
        perPage={25}
        filters={paymentFilters}
        actions={<PaymentListActions />}
        exporter={false}
        {...props}
        sx={{ '& .RaList-main': { mt: 0 }, ...props.sx }}
      >
        <PaymentTable />
      </List>
    </Box>
  );
}

function PaymentTable() {
  return (
    <DataTable<PaymentRow> rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="number" label="Payment" />
      <DataTable.Col source="submitted_at" label="Initiated" field={InstantField} />
      <DataTable.Col source="payer" label="Payer">
        <PayerField />
      </DataTable.Col>
      <DataTable.Col source="method" label="Method">
        <PaymentMethodField />
      </DataTable.Col>
      <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
      <DataTable.Col source="status" label="Status">
        <PaymentStatusField />
      </DataTable.Col>
      <DataTable.Col source="settled_at" label="Settled" field={InstantField} />
    </DataTable>
  );
}
