import { Alert, Card, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import {
  DataTable,
  ListButton,
  Pagination,
  ReferenceManyField,
  Show,
  TabbedShowLayout,
  TopToolbar,
  useListContext,
  useRecordContext,
} from 'react-admin';
import { StatusChip } from '../common/chips';
import { CalendarDateField, InstantField, MoneyField } from '../common/fields';
import { humanize } from '../common/format';
import { FailedPaymentsAction } from './FailedPaymentsDrawer';
import { InviteAction } from './InviteAction';
import { PortalAccessAction } from './PortalAccessAction';
import { RemindersAction } from './RemindersAction';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import type { JobRow } from '../../../contracts/operator/jobs';
import { deadlineColor, deadlineText } from '../jobs/deadlineText';
import { CustomerAutopay } from './CustomerAutopay';
import { CustomerEmails } from './CustomerEmails';
import { CustomerSchedules } from './CustomerSchedules';
import { CreditTab } from './CreditTab';
import { CustomerSummary } from './CustomerSummary';

function CustomerTitle() {
  const record = useRecordContext<CustomerDetail>();
  return <span>{record ? `${record.name} (${record.erp_account_id})` : 'Customer'}</span>;
}

function CustomerActions() {
  return (
    <TopToolbar>
      <ListButton label="All customers" />
      <FailedPaymentsAction />
      <InviteAction />
      <PortalAccessAction />
      <RemindersAction />
    </TopToolbar>
  );
}

/**
 * A related list that may not exist on this server yet (another area's endpoint): a 404
 * becomes a calm note rather than an error page.
 */
function Guarded({ children, what }: { children: ReactNode; what: string }) {
  const { error, isPending, total } = useListContext();
  if (error) {
    const status = (error as { status?: number }).status;
    return (
      <Alert severity={status === 404 ? 'info' : 'error'} sx={{ m: 1 }}>
        {status === 404 ? `${what} are not available on this server yet.` : `${what} could not be loaded: ${(error as Error).message}`}
      </Alert>
    );
  }
  if (!isPending && total === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
        No {what.toLowerCase()}.
      </Typography>
    );
  }
  return <>{children}</>;
}

const INVOICE_STATUS_FILTERS: Array<{ id: string; label: string; filter: Record<string, unknown> }> = [
  { id: 'open_any', label: 'Open', filter: { status: ['open', 'partially_paid'] } },
  { id: 'open', label: 'Unpaid', filter: { status: 'open' } },
  { id: 'partially_paid', label: 'Partially paid', filter: { status: 'partially_paid' } },
  { id: 'paid', label: 'Paid', filter: { status: 'paid' } },
  { id: 'all', label: 'All', filter: {} },
];

function InvoicesTab() {
  const [choice, setChoice] = useState('open_any');
  const filter = INVOICE_STATUS_FILTERS.find((option) => option.id === choice)!.filter;
  return (
    <>
      <ToggleButtonGroup size="small" exclusive value={choice} onChange={(_, value) => value && setChoice(value)} sx={{ mb: 1 }} aria-label="Invoice status">
        {INVOICE_STATUS_FILTERS.map((option) => (
          <ToggleButton key={option.id} value={option.id} sx={{ py: 0.25, px: 1.25, textTransform: 'none' }}>
            {option.label}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <ReferenceManyField reference="invoices" target="customer_account_id" filter={filter} sort={{ field: 'due_date', order: 'ASC' }} perPage={25} pagination={<Pagination rowsPerPageOptions={[25, 50, 100]} />}>
        <Guarded what="Invoices">
          <DataTable rowClick="show" bulkActionButtons={false}>
            <DataTable.Col source="invoice_number" label="Invoice" />
            <DataTable.Col source="job_name" label="Job" render={(record: { job_name: string | null }) => record.job_name ?? '—'} />
            <DataTable.Col source="invoice_date" label="Date" field={CalendarDateField} />
            <DataTable.Col source="due_date" label="Due" field={CalendarDateField} />
            <DataTable.Col source="days_past_due" label="Days late" align="right" disableSort render={(record: { days_past_due: number }) => (record.days_past_due > 0 ? record.days_past_due : '—')} />
            <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
            <DataTable.Col source="balance_cents" label="Balance" field={MoneyField} align="right" />
            <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
          </DataTable>
        </Guarded>
      </ReferenceManyField>
    </>
  );
}

/** The account's jobs with their lien deadlines, soonest lien filing first. */
function JobsTab() {
  return (
    <ReferenceManyField reference="jobs" target="customer_account_id" sort={{ field: 'last_delivery_date', order: 'ASC' }} perPage={25} pagination={<Pagination rowsPerPageOptions={[25, 50]} />}>
      <Guarded what="Jobs">
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="name" label="Job" render={(record: JobRow) => `${record.name} (${record.erp_job_id})`} />
          <DataTable.Col source="state" label="State" disableSort render={(record: JobRow) => record.state ?? '—'} />
          <DataTable.Col source="first_delivery_date" label="First delivery" field={CalendarDateField} />
          <DataTable.Col source="last_delivery_date" label="Last delivery" field={CalendarDateField} />
          <DataTable.Col source="preliminary_notice_due" label="Preliminary notice" disableSort render={(record: JobRow) => (
            record.rule_source && record.preliminary_notice_days === null ? 'None required' : <DeadlineCell due={record.preliminary_notice_due} daysLeft={record.preliminary_notice_days_left} />
          )} />
          <DataTable.Col source="lien_filing_due" label="Lien filing" disableSort render={(record: JobRow) => <DeadlineCell due={record.lien_filing_due} daysLeft={record.lien_filing_days_left} />} />
          <DataTable.Col source="open_cents" label="Open" field={MoneyField} align="right" />
        </DataTable>
      </Guarded>
    </ReferenceManyField>
  );
}

function DeadlineCell({ due, daysLeft }: { due: string | null; daysLeft: number | null }) {
  return <Typography variant="body2" color={deadlineColor(daysLeft)}>{deadlineText(due, daysLeft)}</Typography>;
}

function AdjustmentsTab({ kind }: { kind: 'debit' | 'credit' }) {
  return (
    <ReferenceManyField reference="adjustments" target="customer_account_id" filter={{ kind }} sort={{ field: 'transaction_date', order: 'DESC' }} perPage={25} pagination={<Pagination rowsPerPageOptions={[25, 50]} />}>
      <Guarded what={kind === 'debit' ? 'Debit adjustments' : 'Credit adjustments'}>
        <DataTable bulkActionButtons={false}>
          <DataTable.Col source="adjustment_number" label="Number" />
          <DataTable.Col source="transaction_date" label="Date" field={CalendarDateField} />
          <DataTable.Col source="reason" label="Reason" render={(record: { reason: string }) => humanize(record.reason)} />
          <DataTable.Col source="description" label="Description" disableSort render={(record: { description: string | null; applies_to_invoice_number: string | null }) => [record.description, record.applies_to_invoice_number ? `applies to ${record.applies_to_invoice_number}` : null].filter(Boolean).join(' · ') || '—'} />
          <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
          <DataTable.Col source="balance_cents" label="Open balance" field={MoneyField} align="right" />
          <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
        </DataTable>
      </Guarded>
    </ReferenceManyField>
  );
}

function PaymentsTab() {
  return (
    <ReferenceManyField reference="payments" target="customer_account_id" sort={{ field: 'submitted_at', order: 'DESC' }} perPage={25} pagination={<Pagination rowsPerPageOptions={[25, 50]} />}>
      <Guarded what="Payments">
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="number" label="Payment" />
          <DataTable.Col source="submitted_at" label="Initiated" field={InstantField} />
          <DataTable.Col source="method" label="Method" render={(record: { method: string; method_label?: string }) => record.method_label ?? record.method.toUpperCase()} />
          <DataTable.Col source="amount_cents" label="Amount" field={MoneyField} align="right" />
          <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
        </DataTable>
      </Guarded>
    </ReferenceManyField>
  );
}

function StatementsTab() {
  return (
    <ReferenceManyField reference="statements" target="customer_account_id" sort={{ field: 'statement_date', order: 'DESC' }} perPage={12} pagination={<Pagination rowsPerPageOptions={[12, 24]} />}>
      <Guarded what="Statements">
        <DataTable bulkActionButtons={false}>
          <DataTable.Col source="statement_number" label="Statement" />
          <DataTable.Col source="statement_date" label="Date" field={CalendarDateField} />
          <DataTable.Col source="balance_cents" label="Balance" field={MoneyField} align="right" />
          <DataTable.Col source="discount_cents" label="Discount" field={MoneyField} align="right" />
          <DataTable.Col source="discount_date" label="Discount by" field={CalendarDateField} />
          <DataTable.Col source="due_date" label="Due" field={CalendarDateField} />
          <DataTable.Col source="status" label="Status" render={(record: { status: string }) => <StatusChip status={record.status} />} />
        </DataTable>
      </Guarded>
    </ReferenceManyField>
  );
}

function auditDetails(data: Record<string, unknown> | null): string {
  if (!data || Object.keys(data).length === 0) return '';
  const changes = data.changes as Record<string, { from: unknown; to: unknown }> | undefined;
  if (changes) return Object.entries(changes).map(([field, change]) => `${humanize(field)}: ${String(change.from)} → ${String(change.to)}`).join('; ');
  return Object.entries(data)
    .filter(([key]) => key !== 'customer_account_id')
    .map(([key, value]) => `${humanize(key)}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('; ');
}

function AuditTab() {
  return (
    <ReferenceManyField reference="audit-events" target="customer_account_id" sort={{ field: 'at', order: 'DESC' }} perPage={25} pagination={<Pagination rowsPerPageOptions={[25, 50, 100]} />}>
      <Guarded what="Audit events">
        <DataTable bulkActionButtons={false}>
          <DataTable.Col source="at" label="When" field={InstantField} />
          <DataTable.Col source="actor_name" label="Who" disableSort render={(record: { actor_name: string | null; actor_kind: string }) => record.actor_name ?? humanize(record.actor_kind)} />
          <DataTable.Col source="action" label="What" />
          <DataTable.Col source="entity_type" label="On" render={(record: { entity_type: string }) => humanize(record.entity_type)} />
          <DataTable.Col source="data" label="Details" disableSort render={(record: { data: Record<string, unknown> | null }) => <Typography variant="caption">{auditDetails(record.data)}</Typography>} />
        </DataTable>
      </Guarded>
    </ReferenceManyField>
  );
}

/** One account: summary on top, then everything it owes, paid and went through. */
export function CustomerShow() {
  return (
    <Show title={<CustomerTitle />} actions={<CustomerActions />} component="div">
      <CustomerSummary />
      <Card variant="outlined">
        <TabbedShowLayout sx={{ '& .RaTabbedShowLayout-content': { p: 1 } }}>
          <TabbedShowLayout.Tab label="Invoices">
            <InvoicesTab />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Jobs" path="jobs">
            <JobsTab />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Debit adjustments" path="debits">
            <AdjustmentsTab kind="debit" />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Credit adjustments" path="credits">
            <AdjustmentsTab kind="credit" />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Credit" path="credit">
            <CreditTab />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Payments" path="payments">
            <PaymentsTab />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Scheduled" path="scheduled">
            <CustomerSchedules />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Statements" path="statements">
            <StatementsTab />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Autopay" path="autopay">
            <CustomerAutopay />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Emails" path="emails">
            <CustomerEmails />
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Audit trail" path="audit">
            <AuditTab />
          </TabbedShowLayout.Tab>
        </TabbedShowLayout>
      </Card>
    </Show>
  );
}
