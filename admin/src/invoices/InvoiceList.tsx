import { Divider, Tab, Tabs } from '@mui/material';
import {
  AutocompleteInput,
  DataTable,
  DateInput,
  List,
  NullableBooleanInput,
  Pagination,
  ReferenceInput,
  SearchInput,
  useGetList,
  useListContext,
} from 'react-admin';
import { StatusChip } from '../common/chips';
import { CalendarDateField, MoneyField } from '../common/fields';

const invoiceFilters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Invoice, PO, customer or account" sx={{ minWidth: 280 }} />,
  <ReferenceInput key="customer" source="customer_account_id" reference="customers" alwaysOn>
    <AutocompleteInput label="Customer" filterToQuery={(q: string) => ({ q })} sx={{ minWidth: 240 }} />
  </ReferenceInput>,
  <DateInput key="due_from" source="due_date_gte" label="Due from" />,
  <DateInput key="due_to" source="due_date_lte" label="Due until" />,
  <NullableBooleanInput key="past_due" source="past_due" label="Past due" />,
];

/** Status tabs, each with its count under the other filters (as in react-admin's order list). */
const TABS = [
  { id: 'open', label: 'Open' },
  { id: 'partially_paid', label: 'Partially paid' },
  { id: 'paid', label: 'Paid' },
  { id: 'void', label: 'Void' },
  { id: 'all', label: 'All' },
] as const;

function TabCount({ status }: { status: string }) {
  const { filterValues } = useListContext();
  const { status: _ignored, ...others } = filterValues;
  const { total } = useGetList('invoices', { filter: status === 'all' ? others : { ...others, status }, pagination: { page: 1, perPage: 1 } });
  return <>{total === undefined ? '' : ` (${total.toLocaleString('en-US')})`}</>;
}

function StatusTabs() {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const current = typeof filterValues.status === 'string' ? filterValues.status : 'all';
  return (
    <>
      <Tabs value={current} onChange={(_, value: string) => setFilters(value === 'all' ? (({ status: _s, ...rest }) => rest)(filterValues) : { ...filterValues, status: value }, displayedFilters)} variant="scrollable">
        {TABS.map((tab) => (
          <Tab key={tab.id} value={tab.id} label={<span>{tab.label}<TabCount status={tab.id} /></span>} />
        ))}
      </Tabs>
      <Divider />
    </>
  );
}

/** All receivables across customers, by status. */
export function InvoiceList() {
  return (
    <List
      filters={invoiceFilters}
      filterDefaultValues={{ status: 'open' }}
      sort={{ field: 'due_date', order: 'ASC' }}
      perPage={50}
      pagination={<Pagination rowsPerPageOptions={[25, 50, 100]} />}
      exporter={false}
      title="Invoices"
    >
      <StatusTabs />
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="invoice_number" label="Invoice" />
        <DataTable.Col source="customer_name" label="Customer" render={(record: { customer_name: string; erp_account_id: string }) => (
          <span>
            {record.customer_name} <span style={{ color: '#78909c', fontFamily: 'monospace', fontSize: 12 }}>{record.erp_account_id}</span>
          </span>
        )} />
        <DataTable.Col source="job_name" label="Job" render={(record: { job_name: string | null }) => record.job_name ?? '—'} />
        <DataTable.Col source="po_number" label="PO" render={(record: { po_number: string | null }) => record.po_number ?? '—'} />
        <DataTable.Col source="invoice_date" label="Date" field={CalendarDateField} />
        <DataTable.Col source="due_date" label="Due" field={CalendarDateField} />
        <DataTable.Col source="days_past_due" label="Days late" align="right" disableSort render={(record: { days_past_due: number }) => (record.days_past_due > 0 ? record.days_past_due : '—')} />
        <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
        <DataTable.Col source="balance_cents" label="Balance" field={MoneyField} align="right" />
        <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
      </DataTable>
    </List>
  );
}
