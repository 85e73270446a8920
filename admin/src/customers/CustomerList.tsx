import { Box, Chip, Stack, Typography } from '@mui/material';
import {
  DataTable,
  FilterButton,
  List,
  NullableBooleanInput,
  Pagination,
  SearchInput,
  SelectInput,
  TopToolbar,
} from 'react-admin';
import type { CustomerRow } from '../../../contracts/operator/customers';
import { DaysField, MoneyField } from '../common/fields';
import { InvitationBadge, PriorityChip } from '../common/chips';
import { money } from '../common/format';
import { CustomerBulkActions } from './CustomerBulkActions';
import { CustomerExportButton } from './CustomerExportButton';
import { CustomerStatsPanel } from './CustomerStatsPanel';
import { AGING_CHOICES, INVITATION_CHOICES, LIEN_DEADLINE_CHOICES, PRIORITY_CHOICES, STATUS_CHOICES } from './choices';

const customerFilters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Name or account number" sx={{ minWidth: 260 }} />,
  <SelectInput key="status" source="status" label="Status" choices={STATUS_CHOICES} alwaysOn emptyText="Any status" sx={{ minWidth: 130 }} />,
  <SelectInput key="invitation_status" source="invitation_status" label="Invitation" choices={INVITATION_CHOICES} alwaysOn emptyText="Any" sx={{ minWidth: 130 }} />,
  <SelectInput key="aging_bucket" source="aging_bucket" label="Aging" choices={AGING_CHOICES} alwaysOn emptyText="Any" sx={{ minWidth: 150 }} />,
  <NullableBooleanInput key="over_credit_limit" source="over_credit_limit" label="Over credit limit" sx={{ minWidth: 150 }} />,
  <SelectInput key="priority_band" source="priority_band" label="Priority" choices={PRIORITY_CHOICES} emptyText="Any" sx={{ minWidth: 150 }} />,
  <SelectInput key="lien_deadline_within_days" source="lien_deadline_within_days" label="Lien deadline" choices={LIEN_DEADLINE_CHOICES} alwaysOn emptyText="Any" sx={{ minWidth: 170 }} />,
];

function ListActions() {
  return (
    <TopToolbar>
      <FilterButton />
      <CustomerExportButton />
    </TopToolbar>
  );
}

function AccountCell({ record }: { record: CustomerRow }) {
  return (
    <Box sx={{ minWidth: 150, maxWidth: 230 }}>
      <Typography variant="body2" sx={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={record.name}>
        {record.name}
      </Typography>
      <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
        <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
          <Box component="span" sx={{ fontFamily: 'monospace' }}>{record.erp_account_id}</Box> · <Box component="span" sx={{ textTransform: 'capitalize' }}>{record.account_type}</Box>
        </Typography>
        {record.status === 'inactive' ? <Chip size="small" label="Inactive" sx={{ height: 16, fontSize: 11 }} /> : null}
        {record.credit_hold ? <Chip size="small" color="error" label="On hold" title={holdTitle(record)} sx={{ height: 16, fontSize: 11 }} /> : null}
      </Stack>
    </Box>
  );
}

/** "Credit hold: over the limit" and the like, for the chip's tooltip and the customer page. */
export function holdTitle(record: Pick<CustomerRow, 'credit_hold_reason'>): string {
  const reason = record.credit_hold_reason === 'over_limit' ? 'over the credit limit' : record.credit_hold_reason === 'past_due' ? 'past due' : 'held in the ERP';
  return `On credit hold: ${reason}`;
}

function AvailableCreditCell({ record }: { record: CustomerRow }) {
  if (record.available_credit_cents === null) return <Typography variant="body2" color="text.disabled">—</Typography>;
  const negative = record.available_credit_cents < 0;
  return (
    <Typography variant="body2" sx={{ fontSize: 'inherit', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', color: negative ? 'error.main' : undefined }}>
      {money(record.available_credit_cents)}
    </Typography>
  );
}

function CreditLimitCell({ record }: { record: CustomerRow }) {
  if (record.credit_limit_cents === null) return <Typography variant="body2" color="text.disabled">—</Typography>;
  return (
    <Typography variant="body2" sx={{ fontSize: 'inherit', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', color: record.over_credit_limit ? 'error.main' : undefined, fontWeight: record.over_credit_limit ? 600 : undefined }} title={record.over_credit_limit ? 'Over the credit limit' : undefined}>
      {money(record.credit_limit_cents)}
    </Typography>
  );
}

const moneyCol = (source: string, label: string, wrap = true) => (
  <DataTable.Col source={source} label={wrap ? label : <span style={{ whiteSpace: 'nowrap' }}>{label}</span>} field={MoneyField} align="right" />
);

/**
 * The Customers Dashboard: who to call first. Sorted by Collection Priority by default; the
 * stats panel above totals exactly what the filters select.
 */
export function CustomerList() {
  return (
    <List
      sort={{ field: 'collection_priority', order: 'DESC' }}
      perPage={50}
      filters={customerFilters}
      actions={<ListActions />}
      pagination={<Pagination rowsPerPageOptions={[25, 50, 100]} />}
      exporter={false}
      title="Customers"
    >
      <CustomerStatsPanel />
      <DataTable rowClick="show" bulkActionButtons={<CustomerBulkActions />} >
        <DataTable.Col source="name" label="Account · type" render={(record: CustomerRow) => <AccountCell record={record} />} />
        <DataTable.Col source="collection_priority" label="Priority" align="center" render={(record: CustomerRow) => <PriorityChip score={record.collection_priority} />} />
        {moneyCol('outstanding_cents', 'Outstanding')}
        {moneyCol('current_cents', 'Current')}
        {moneyCol('past_due_cents', 'Past due')}
        {moneyCol('debit_adjustments_cents', 'Debit adj.')}
        {moneyCol('credit_adjustments_cents', 'Credit adj.')}
        <DataTable.Col source="weighted_days_overdue" label="Avg days late" field={DaysField} align="right" />
        {moneyCol('aging_1_30_cents', '1–30', false)}
        {moneyCol('aging_31_60_cents', '31–60', false)}
        {moneyCol('aging_61_90_cents', '61–90', false)}
        {moneyCol('aging_91_plus_cents', '91+', false)}
        <DataTable.Col source="credit_limit_cents" label="Credit limit" align="right" render={(record: CustomerRow) => <CreditLimitCell record={record} />} />
        <DataTable.Col source="available_credit_cents" label="Available credit" align="right" disableSort render={(record: CustomerRow) => <AvailableCreditCell record={record} />} />
        <DataTable.Col source="invitation_status" label="Invitation" render={(record: CustomerRow) => <InvitationBadge status={record.invitation_status} />} />
      </DataTable>
    </List>
  );
}
