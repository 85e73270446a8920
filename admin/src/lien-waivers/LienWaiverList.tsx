import { DataTable, List, SelectInput, TextInput, useRecordContext } from 'react-admin';
import { CalendarDateField, InstantField, MoneyField } from '../common/fields';
import { LienWaiverDownloadButton, LienWaiverStatusChip } from './LienWaiverFields';
import type { LienWaiverRow } from './lienWaiversApi';

/** Payment and job filters arrive from links (a payment's page, a job); the others are picked here. */
const filters = [
  <SelectInput key="status" source="status" label="Status" alwaysOn choices={[{ id: 'active', name: 'Current' }, { id: 'replaced', name: 'Replaced' }, { id: 'void', name: 'Void' }]} />,
  <SelectInput key="kind" source="kind" label="Kind" alwaysOn choices={[{ id: 'conditional', name: 'Conditional' }, { id: 'unconditional', name: 'Unconditional' }]} />,
  <TextInput key="job_id" source="job_id" label="Job id" />,
  <TextInput key="payment_id" source="payment_id" label="Payment id" />,
];

function Status() {
  const waiver = useRecordContext<LienWaiverRow>();
  return waiver ? <LienWaiverStatusChip status={waiver.status} /> : null;
}

function Download() {
  const waiver = useRecordContext<LienWaiverRow>();
  return waiver ? <LienWaiverDownloadButton id={waiver.id} /> : null;
}

export function LienWaiverList() {
  return (
    <List resource="lien-waivers" title="Lien waivers" sort={{ field: 'created_at', order: 'DESC' }} perPage={25} filters={filters} exporter={false}>
      <DataTable<LienWaiverRow> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="created_at" label="Issued" field={InstantField} />
        <DataTable.Col source="title" label="Waiver" disableSort />
        <DataTable.Col source="job_name" label="Job" />
        <DataTable.Col source="customer_name" label="Customer" disableSort />
        <DataTable.Col source="payment_number" label="Payment" disableSort />
        <DataTable.Col source="through_date" label="Through" field={CalendarDateField} />
        <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
        <DataTable.Col source="status" label="Status"><Status /></DataTable.Col>
        <DataTable.Col label="" disableSort><Download /></DataTable.Col>
      </DataTable>
    </List>
  );
}
