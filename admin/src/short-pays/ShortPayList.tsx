import { Divider, Tab, Tabs } from '@mui/material';
import { AutocompleteInput, DataTable, Link, List, Pagination, ReferenceInput, SelectInput, useListContext, useRefresh } from 'react-admin';
import { SHORT_PAY_REASON_LABELS, SHORT_PAY_REASONS } from '../../../domain/short-pay';
import { InstantField, MoneyField } from '../common/fields';
import { instant } from '../common/format';
import { ResolveShortPayButton } from './ResolveShortPay';
import type { ShortPay } from './shortPaysApi';

const filters = [
  <ReferenceInput key="customer" source="customer_account_id" reference="customers" alwaysOn>
    <AutocompleteInput label="Customer" filterToQuery={(q: string) => ({ q })} sx={{ minWidth: 240 }} />
  </ReferenceInput>,
  <SelectInput key="reason" source="reason" label="Reason" choices={SHORT_PAY_REASONS.map((reason) => ({ id: reason, name: SHORT_PAY_REASON_LABELS[reason] }))} alwaysOn />,
];

function StatusTabs() {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const current = filterValues.status === 'resolved' ? 'resolved' : 'open';
  return (
    <>
      <Tabs value={current} onChange={(_, value: string) => setFilters({ ...filterValues, status: value }, displayedFilters)}>
        <Tab value="open" label="To review" />
        <Tab value="resolved" label="Resolved" />
      </Tabs>
      <Divider />
    </>
  );
}

function Outcome({ record }: { record: ShortPay }) {
  const refresh = useRefresh();
  if (record.status === 'open') return <ResolveShortPayButton shortPay={record} onResolved={refresh} />;
  return (
    <span>
      <strong>{record.resolution_label}</strong>
      {record.resolution_note ? ` · “${record.resolution_note}”` : ''}
      <br />
      <span style={{ color: '#78909c', fontSize: 12 }}>{record.resolved_by_name ?? 'Unknown operator'}, {instant(record.resolved_at)}</span>
    </span>
  );
}

/**
 * The short-pay worklist: items customers paid in part, with what they said was wrong. Open
 * ones are the AR team's to review (issue a credit memo in Spruce, or decline the claim);
 * their items get no payment reminders meanwhile.
 */
export function ShortPayList() {
  return (
    <List
      filters={filters}
      filterDefaultValues={{ status: 'open' }}
      sort={{ field: 'created_at', order: 'DESC' }}
      perPage={50}
      pagination={<Pagination rowsPerPageOptions={[25, 50, 100]} />}
      exporter={false}
      title="Short-pays"
    >
      <StatusTabs />
      <DataTable rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="created_at" label="Submitted" field={InstantField} />
        <DataTable.Col source="customer_name" label="Customer" render={(record: ShortPay) => (
          <Link to={`/customers/${record.customer_account_id}/show`}>
            {record.customer_name} <span style={{ color: '#78909c', fontFamily: 'monospace', fontSize: 12 }}>{record.erp_account_id}</span>
          </Link>
        )} />
        <DataTable.Col source="item_number" label="Item" disableSort render={(record: ShortPay) => (
          <span>
            {record.item_type === 'invoice' ? <Link to={`/invoices/${record.item_id}/show`}>{record.item_number}</Link> : record.item_number}
            {record.job_name ? <span style={{ color: '#78909c', fontSize: 12 }}> · {record.job_name}</span> : null}
          </span>
        )} />
        <DataTable.Col source="reason" label="Reason" render={(record: ShortPay) => (
          <span>
            <strong>{record.reason_label}</strong>
            {record.note ? <span> · “{record.note}”</span> : null}
          </span>
        )} />
        <DataTable.Col source="paid_cents" label="Paid" field={MoneyField} align="right" disableSort />
        <DataTable.Col source="short_cents" label="Short" field={MoneyField} align="right" />
        <DataTable.Col source="payment_number" label="Payment" disableSort render={(record: ShortPay) => (
          <Link to={`/payments/${record.payment_id}/show`}>{record.payment_number}</Link>
        )} />
        <DataTable.Col source="status" label="Outcome" disableSort render={(record: ShortPay) => <Outcome record={record} />} />
      </DataTable>
    </List>
  );
}
