import { Box } from '@mui/material';
import { DataTable, DateInput, List, SearchInput, SelectArrayInput, SelectInput, type ListProps } from 'react-admin';
import { InstantField, MoneyField } from '../common/fields';
import { PaymentsTabs } from '../payments/PaymentsTabs';
import { BusinessDateField, CategoryBadgeField, ResolvedField, SETTLEMENT_STATUS_CHOICES, SettlementStatusField } from './SettlementFields';
import type { SettlementRow } from './settlementsApi';

const settlementFilters = [
  <SearchInput key="q" source="q" placeholder="Settlement #" alwaysOn sx={{ width: 180 }} />,
  <SelectArrayInput key="status" source="status" label="Status" choices={SETTLEMENT_STATUS_CHOICES} alwaysOn sx={{ minWidth: 160 }} />,
  <DateInput key="business_date_gte" source="business_date_gte" label="Business date from" alwaysOn sx={{ width: 160 }} />,
  <DateInput key="business_date_lte" source="business_date_lte" label="Business date to" alwaysOn sx={{ width: 160 }} />,
  <SelectInput key="unresolved" source="unresolved" label="Resolved" choices={[{ id: 'true', name: 'Not resolved' }, { id: 'false', name: 'Resolved' }]} alwaysOn />,
];

/** The Settlements tab: the dealer's batches (one per business day, more after early closes), newest first, each with its three posting categories. */
export function SettlementList(props: Partial<ListProps>) {
  return (
    <Box>
      <PaymentsTabs current="settlements" />
      <List
        resource="settlements"
        title="Settlements"
        storeKey="payments.settlements"
        sort={{ field: 'business_date', order: 'DESC' }}
        perPage={25}
        filters={settlementFilters}
        exporter={false}
        {...props}
      >
        <DataTable<SettlementRow> rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="number" label="Settlement" />
          <DataTable.Col source="business_date" label="Business date">
            <BusinessDateField />
          </DataTable.Col>
          <DataTable.Col source="created_at" label="Created" field={InstantField} />
          <DataTable.NumberCol source="payment_count" label="Payments" />
          <DataTable.Col source="gross_cents" label="Gross" field={MoneyField} align="right" />
          <DataTable.Col source="fee_cents" label="Fees" field={MoneyField} align="right" />
          <DataTable.Col source="net_cents" label="Net" field={MoneyField} align="right" />
          <DataTable.Col label="Invoices" disableSort>
            <CategoryBadgeField category="invoices" />
          </DataTable.Col>
          <DataTable.Col label="Credit adj." disableSort>
            <CategoryBadgeField category="credit_adjustments" />
          </DataTable.Col>
          <DataTable.Col label="Debit adj." disableSort>
            <CategoryBadgeField category="debit_adjustments" />
          </DataTable.Col>
          <DataTable.Col source="status" label="Status">
            <SettlementStatusField />
          </DataTable.Col>
          <DataTable.Col source="resolved_at" label="Resolved">
            <ResolvedField />
          </DataTable.Col>
        </DataTable>
      </List>
    </Box>
  );
}
