import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { Box, Card, Collapse, IconButton, Skeleton, Stack, Tooltip, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useDataProvider, useListContext, useStore } from 'react-admin';
import type { CustomerSummary, OperatorDataProvider } from '../dataProvider';
import { money } from '../common/format';

function Figure({ label, value, detail, emphasis }: { label: string; value: string; detail?: string; emphasis?: 'danger' | 'strong' }) {
  return (
    <Box sx={{ minWidth: 110, px: 1.5, py: 0.75, borderRight: 1, borderColor: 'divider', '&:last-of-type': { borderRight: 0 } }}>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', whiteSpace: 'nowrap' }}>
        {label}
      </Typography>
      <Typography variant="body1" sx={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', color: emphasis === 'danger' ? 'error.main' : undefined }}>
        {value}
      </Typography>
      {detail ? (
        <Typography variant="caption" color="text.secondary">
          {detail}
        </Typography>
      ) : null}
    </Box>
  );
}

/**
 * Totals over the accounts the current filters select (the API applies the same filters as
 * the list). Collapsible; the choice is remembered.
 */
export function CustomerStatsPanel() {
  const { filterValues, selectedIds } = useListContext();
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [open, setOpen] = useStore('customers.statsPanel.open', true);
  const { data, isPending, error } = useQuery<CustomerSummary>({
    queryKey: ['customers', 'summary', filterValues],
    queryFn: () => dataProvider.getCustomerSummary(filterValues),
  });

  return (
    // With rows selected, react-admin slides its bulk-action bar 48 px up over whatever sits
    // above the table; leave that room so it never covers the totals.
    <Card variant="outlined" sx={{ mb: selectedIds.length > 0 ? 7 : 1, transition: 'margin 150ms' }} data-testid="customer-stats-panel">
      <Stack direction="row" sx={{ alignItems: 'center', px: 1.5, py: 0.25, borderBottom: open ? 1 : 0, borderColor: 'divider' }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Receivables {data ? `· ${data.account_count.toLocaleString('en-US')} account${data.account_count === 1 ? '' : 's'}` : ''}
        </Typography>
        <Tooltip title={open ? 'Hide totals' : 'Show totals'}>
          <IconButton size="small" onClick={() => setOpen(!open)} aria-label={open ? 'Hide totals' : 'Show totals'}>
            {open ? <ExpandLessIcon fontSize="small" /> : <ExpandMoreIcon fontSize="small" />}
          </IconButton>
        </Tooltip>
      </Stack>
      <Collapse in={open}>
        {error ? (
          <Typography color="error" variant="body2" sx={{ p: 1.5 }}>
            Totals are unavailable: {(error as Error).message}
          </Typography>
        ) : isPending || !data ? (
          <Skeleton variant="rectangular" height={52} sx={{ m: 1 }} />
        ) : (
          <Stack direction="row" sx={{ flexWrap: 'wrap' }}>
            <Figure label="Outstanding invoices" value={money(data.outstanding_cents)} detail={`${data.outstanding_invoice_count.toLocaleString('en-US')} invoices`} />
            <Figure label="Current" value={money(data.current_cents)} />
            <Figure label="Past due" value={money(data.past_due_cents)} emphasis={data.past_due_cents > 0 ? 'danger' : undefined} />
            <Figure label="Debit adjustments" value={money(data.debit_adjustments_cents)} />
            <Figure label="Credit adjustments" value={money(data.credit_adjustments_cents)} />
            <Figure label="Discounts available" value={money(data.discounts_cents)} />
            <Figure label="Net AR" value={money(data.net_ar_cents)} detail="invoices + debits − credits" />
            <Figure label="Accounts" value={data.account_count.toLocaleString('en-US')} />
          </Stack>
        )}
      </Collapse>
    </Card>
  );
}
