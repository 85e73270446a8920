import InfoOutlinedIcon from '@mui/icons-material/InfoOutlined';
import StarIcon from '@mui/icons-material/Star';
import { Box, Button, Card, CardContent, Chip, LinearProgress, Popover, Skeleton, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useRecordContext } from 'react-admin';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import { BAND_LABELS, bandFor } from '../../../domain/collection-priority';
import { PriorityChip } from '../common/chips';
import { calendarDate, days, humanize, instant, money } from '../common/format';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card variant="outlined" sx={{ flex: '1 1 240px', minWidth: 240 }} data-testid={testId}>
      <CardContent sx={{ p: 1.5, '&:last-child': { pb: 1.5 } }}>
        <Typography variant="overline" color="text.secondary" sx={{ lineHeight: 1.5 }}>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function Rows({ rows }: { rows: Array<[string, ReactNode, boolean?]> }) {
  return (
    <Table size="small" sx={{ '& td': { border: 0, py: 0.25, px: 0 } }}>
      <TableBody>
        {rows.map(([label, value, strong]) => (
          <TableRow key={label}>
            <TableCell sx={{ color: 'text.secondary' }}>{label}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: strong ? 700 : 400, whiteSpace: 'nowrap' }}>
              {value}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const AGING_COLOURS = ['#fbc02d', '#fb8c00', '#e53935', '#8e0000'];

function AgingBars({ record }: { record: CustomerDetail }) {
  const buckets: Array<[string, number]> = [
    ['1–30', record.aging_1_30_cents],
    ['31–60', record.aging_31_60_cents],
    ['61–90', record.aging_61_90_cents],
    ['91+', record.aging_91_plus_cents],
  ];
  const largest = Math.max(1, ...buckets.map(([, value]) => value));
  return (
    <Stack spacing={0.5} sx={{ mt: 0.5 }}>
      {buckets.map(([label, value], index) => (
        <Stack key={label} direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography variant="caption" sx={{ width: 38, color: 'text.secondary' }}>
            {label}
          </Typography>
          <Box sx={{ flex: 1, height: 10, bgcolor: 'grey.100', borderRadius: 1 }}>
            <Box sx={{ width: `${(value / largest) * 100}%`, height: '100%', bgcolor: AGING_COLOURS[index], borderRadius: 1 }} />
          </Box>
          <Typography variant="body2" sx={{ width: 96, textAlign: 'right', fontVariantNumeric: 'tabular-nums', color: value === 0 ? 'text.disabled' : undefined }}>
            {money(value)}
          </Typography>
        </Stack>
      ))}
      <Typography variant="caption" color="text.secondary">
        {record.past_due_invoice_count} of {record.open_invoice_count} open invoices past due · dollar-weighted average {days(record.weighted_days_overdue)} days late
      </Typography>
    </Stack>
  );
}

function PriorityExplanation({ record }: { record: CustomerDetail }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const band = bandFor(record.collection_priority);
  return (
    <>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 0.5 }}>
        <PriorityChip score={record.collection_priority} />
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          {BAND_LABELS[band]}
        </Typography>
        <Button size="small" startIcon={<InfoOutlinedIcon fontSize="small" />} onClick={(event) => setAnchor(event.currentTarget)} data-testid="priority-why">
          Why?
        </Button>
      </Stack>
      <Popover open={Boolean(anchor)} anchorEl={anchor} onClose={() => setAnchor(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        <Box sx={{ p: 2, width: 380 }} data-testid="priority-components">
          <Typography variant="subtitle2">
            Collection Priority {record.collection_priority}/10 — what adds up to it
          </Typography>
          {record.priority_breakdown.length === 0 ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              Not scored yet: the statistics for this account have not been computed.
            </Typography>
          ) : (
            <Table size="small" sx={{ mt: 1 }}>
              <TableBody>
                {record.priority_breakdown.map((line) => (
                  <TableRow key={line.key}>
                    <TableCell sx={{ px: 0 }}>{line.label}</TableCell>
                    <TableCell align="right" sx={{ px: 0, whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                      {line.tenths === null ? '' : `${line.tenths > 0 ? '+' : ''}${(line.tenths / 10).toFixed(1)}`}
                      {line.max_tenths ? <Typography component="span" variant="caption" color="text.secondary"> / {(line.max_tenths / 10).toFixed(1)}</Typography> : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
            Higher means call sooner. It is not a credit score; small differences mean little.
          </Typography>
        </Box>
      </Popover>
    </>
  );
}

/** The ERP's hold and available credit (docs/credit-holds.md): what the branch sees at the counter. */
function CreditHold({ record }: { record: CustomerDetail }) {
  const reason = record.credit_hold_reason === 'over_limit' ? 'over the credit limit' : record.credit_hold_reason === 'past_due' ? 'past due' : 'held in the ERP';
  return (
    <Box sx={{ mb: 1 }} data-testid="customer-credit-hold">
      {record.credit_hold
        ? <Chip size="small" color="error" label={`On credit hold · ${reason}`} />
        : <Typography variant="body2" color="text.secondary">Not on credit hold</Typography>}
      {record.available_credit_cents !== null && (
        <Typography variant="body2" sx={{ mt: 0.5, color: record.available_credit_cents < 0 ? 'error.main' : undefined }}>
          Available credit (ERP) {money(record.available_credit_cents)}
        </Typography>
      )}
    </Box>
  );
}

function CreditLimit({ record }: { record: CustomerDetail }) {
  const { limit_cents: limit, utilisation_bps: bps, available_cents: available } = record.credit;
  if (limit === null) return <><CreditHold record={record} /><Typography variant="body2" color="text.secondary">No credit limit set</Typography></>;
  const percent = bps === null ? 0 : bps / 100;
  return (
    <Box sx={{ mt: 0.5 }}>
      <CreditHold record={record} />
      <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
        <Typography variant="body2">Limit {money(limit)}</Typography>
        <Typography variant="body2" sx={{ fontWeight: 600, color: percent > 100 ? 'error.main' : undefined }}>
          {percent.toLocaleString('en-US', { maximumFractionDigits: 1 })} % used
        </Typography>
      </Stack>
      <LinearProgress variant="determinate" value={Math.min(100, percent)} color={percent > 100 ? 'error' : percent > 80 ? 'warning' : 'primary'} sx={{ height: 6, borderRadius: 1, my: 0.5 }} />
      <Typography variant="caption" color={available !== null && available < 0 ? 'error' : 'text.secondary'}>
        {available !== null && available < 0 ? `${money(-available)} over the limit` : `${money(available)} available`}
      </Typography>
    </Box>
  );
}

const PORTAL_STATE_LABELS: Record<CustomerDetail['portal_access']['state'], string> = {
  active: 'Using the portal',
  invited: 'Invited',
  not_invited: 'Not invited',
  disabled: 'Access disabled',
};

/**
 * One word for where the customer stands: "Invited" already says the invitation is pending, so
 * the invitation's own status shows only when it ended without a sign-up (expired, declined).
 */
function portalStateLabel(access: CustomerDetail['portal_access']): string {
  if (access.state === 'not_invited' && access.invitation) return `Invitation ${humanize(access.invitation.status).toLowerCase()}`;
  return PORTAL_STATE_LABELS[access.state];
}

function PortalAccess({ record }: { record: CustomerDetail }) {
  const access = record.portal_access;
  return (
    <Box sx={{ mt: 0.5 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Chip size="small" label={portalStateLabel(access)} color={access.state === 'active' ? 'success' : access.state === 'disabled' ? 'error' : access.state === 'invited' ? 'info' : 'default'} sx={{ height: 20 }} data-testid="portal-state" />
      </Stack>
      {access.invitation ? (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
          Invitation to {access.invitation.email}
          {access.invitation.sent_at ? `, sent ${instant(access.invitation.sent_at)}` : ''}
          {access.invitation.status === 'pending' ? `, expires ${instant(access.invitation.expires_at)}` : ''}
        </Typography>
      ) : null}
      {access.companies.map((company) => (
        <Typography key={company.company_id} variant="caption" component="div">
          {company.company_name} · {company.active_users} user{company.active_users === 1 ? '' : 's'} · link {company.status}
        </Typography>
      ))}
    </Box>
  );
}

function Contacts({ record }: { record: CustomerDetail }) {
  if (record.contacts.length === 0) return <Typography variant="body2" color="text.secondary">No contacts from the ERP</Typography>;
  return (
    <Stack spacing={0.5} sx={{ mt: 0.5 }}>
      {record.contacts.slice(0, 4).map((contact) => (
        <Box key={contact.id}>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {contact.is_primary ? <StarIcon sx={{ fontSize: 12, color: 'warning.main', mr: 0.5 }} /> : null}
            {contact.name}
            {contact.role ? <Typography component="span" variant="caption" color="text.secondary"> · {contact.role}</Typography> : null}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {[contact.email, contact.phone].filter(Boolean).join(' · ') || 'no email or phone'}
          </Typography>
        </Box>
      ))}
      {record.contacts.length > 4 ? <Typography variant="caption">and {record.contacts.length - 4} more</Typography> : null}
    </Stack>
  );
}

/** The account at a glance: what is owed, how late, how urgent and who to call. */
export function CustomerSummary() {
  const record = useRecordContext<CustomerDetail>();
  // react-admin shows the list row while the detail loads; wait for the full summary.
  if (!record?.portal_access) return <Skeleton variant="rectangular" height={190} sx={{ mb: 1, borderRadius: 1 }} />;
  return (
    <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1, mb: 1 }} data-testid="customer-summary">
      <Section title="Balances" testId="customer-balances">
        <Rows
          rows={[
            ['Outstanding invoices', money(record.outstanding_cents), true],
            ['Current', money(record.current_cents)],
            ['Past due', <Box component="span" sx={{ color: record.past_due_cents > 0 ? 'error.main' : undefined }}>{money(record.past_due_cents)}</Box>],
            ['Debit adjustments', money(record.debit_adjustments_cents)],
            ['Credit adjustments', money(record.credit_adjustments_cents)],
            ['Discounts available', money(record.discounts_cents)],
            ['Net AR', money(record.net_ar_cents), true],
          ]}
        />
      </Section>
      <Section title="Aging (days past due)">
        <AgingBars record={record} />
      </Section>
      <Section title="Collection Priority & credit">
        <PriorityExplanation record={record} />
        <Box sx={{ mt: 1.5 }}>
          <CreditLimit record={record} />
        </Box>
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
          {humanize(record.account_type)} account · {humanize(record.status)}
          {record.stats_as_of ? ` · figures as of ${calendarDate(record.stats_as_of)}` : ''}
        </Typography>
      </Section>
      <Section title="Contacts & portal access">
        <PortalAccess record={record} />
        <Box sx={{ mt: 1 }}>
          <Contacts record={record} />
        </Box>
      </Section>
    </Stack>
  );
}
