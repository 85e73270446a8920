import DoneAllIcon from '@mui/icons-material/DoneAll';
import DownloadIcon from '@mui/icons-material/Download';
import LockClockIcon from '@mui/icons-material/LockClock';
import {
  Alert, Box, Button, Card, CardContent, Chip, Dialog, LinearProgress, DialogContent, DialogContentText, DialogTitle, Stack, Tab, Table, TableBody,
  TableCell, TableHead, TablePagination, TableRow, Tabs, Tooltip, Typography,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import { Link, Show, useDataProvider, useGetList, useRecordContext, useRefresh, useShowContext } from 'react-admin';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { calendarDate, humanize, instant, money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import { PaymentsTabs } from '../payments/PaymentsTabs';
import { PostingWizard } from './PostingWizard';
import { ReconciliationReport } from './ReconciliationReport';
import { followWhile } from '../common/livePolling';
import { CategoryBadge, SettlementStatusChip } from './SettlementFields';
import { CATEGORIES, CATEGORY_LABELS, summaryCsvUrl, type GlLine, type SettlementDetail } from './settlementsApi';

// Collecting payments until its cutoff, then posting: it changes by itself until fully posted.
const FOLLOW_SETTLEMENT = followWhile<SettlementDetail>((settlement) => settlement.status === 'open' || settlement.status === 'ready' || settlement.status === 'partially_posted');

export function SettlementShow() {
  return (
    <Box>
      <PaymentsTabs current="settlements" />
      <Show resource="settlements" actions={false} component="div" title={<SettlementTitle />} queryOptions={FOLLOW_SETTLEMENT}>
        <SettlementDetailView />
      </Show>
    </Box>
  );
}

function SettlementTitle() {
  const settlement = useRecordContext<SettlementDetail>();
  return <>{settlement ? `Settlement ${settlement.number}` : 'Settlement'}</>;
}

function SettlementDetailView() {
  const { isPending, error } = useShowContext();
  const settlement = useRecordContext<SettlementDetail>();
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  // Coming from the list, react-admin first shows the list row, which lacks the detail's parts.
  if (isPending || !settlement || !Array.isArray(settlement.payments)) return <LinearProgress />;
  // Keyed by id: another settlement opens on its first tab, not on the last one's.
  return <SettlementPanels key={settlement.id} settlement={settlement} />;
}

function SettlementPanels({ settlement }: { settlement: SettlementDetail }) {
  const [tab, setTab] = useState<'payments' | 'lines' | 'reconciliation'>('payments');
  return (
    <Stack spacing={1.5} sx={{ mb: 3 }} data-testid="settlement-detail">
      <Header settlement={settlement} />
      <PostingWizard settlement={settlement} />
      <Card variant="outlined">
        <Tabs value={tab} onChange={(_event, value) => setTab(value)} sx={{ px: 1, borderBottom: 1, borderColor: 'divider' }}>
          <Tab value="payments" label={`Payments (${settlement.payments.length})`} />
          <Tab value="lines" label={`GL lines (${settlement.line_total})`} />
          <Tab value="reconciliation" label="Reconciliation" />
        </Tabs>
        <CardContent>
          {tab === 'payments' ? <Payments settlement={settlement} /> : null}
          {tab === 'lines' ? <Lines settlement={settlement} /> : null}
          {tab === 'reconciliation' ? <ReconciliationReport settlementId={settlement.id} /> : null}
        </CardContent>
      </Card>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {children}
      </Typography>
    </Box>
  );
}

function Header({ settlement }: { settlement: SettlementDetail }) {
  const relevant = CATEGORIES.filter((category) => (settlement.categories[category]?.status ?? 'empty') !== 'empty');
  const unposted = relevant.filter((category) => settlement.categories[category]?.status !== 'posted');
  return (
    <Card variant="outlined">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap', mb: 1.5 }}>
          <Typography variant="h6" component="h1">
            Settlement {settlement.number}
          </Typography>
          <SettlementStatusChip status={settlement.status} />
          <Box sx={{ flex: 1 }} />
          {settlement.status === 'open' ? <CloseButton settlement={settlement} /> : null}
          <Button variant="outlined" startIcon={<DownloadIcon />} component="a" href={summaryCsvUrl(settlement.id)} download>
            Summary CSV
          </Button>
          <ResolveButton settlement={settlement} unposted={unposted.map((category) => CATEGORY_LABELS[category].toLowerCase())} />
        </Box>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5 }}>
          <Fact label="Business date">
            {calendarDate(settlement.business_date)}
            {settlement.sequence > 1 ? ` · settlement ${settlement.sequence} of the day` : ''}
          </Fact>
          <Fact label="Created">{instant(settlement.created_at)}</Fact>
          <Fact label={settlement.closed_at ? 'Closed' : 'Closes'}>{instant(settlement.closed_at ?? settlement.closes_at)}</Fact>
          <Fact label="Payments">{settlement.payment_count}</Fact>
          <Fact label="Gross">{money(settlement.gross_cents)}</Fact>
          <Fact label="Fees">{money(settlement.fee_cents)}</Fact>
          <Fact label="Net">
            <strong>{money(settlement.net_cents)}</strong>
          </Fact>
          {settlement.returned_cents ? <Fact label="Returns reversed here">{money(-settlement.returned_cents)}</Fact> : null}
          {CATEGORIES.map((category) => (
            <Fact key={category} label={CATEGORY_LABELS[category]}>
              <CategoryBadge category={category} state={settlement.categories[category]} />
            </Fact>
          ))}
          <Fact label="Resolved">{settlement.resolved_at ? `${instant(settlement.resolved_at)}${settlement.resolved_by_name ? ` by ${settlement.resolved_by_name}` : ''}` : '—'}</Fact>
        </Box>
      </CardContent>
    </Card>
  );
}

/** Resolve is offered only once every category with something in it is posted; the API checks again. */
function ResolveButton({ settlement, unposted }: { settlement: SettlementDetail; unposted: string[] }) {
  const [open, setOpen] = useState(false);
  if (settlement.status === 'resolved') return null;
  const ready = settlement.status === 'posted' && unposted.length === 0;
  const why = settlement.status === 'open' ? 'The settlement is still collecting payments.' : unposted.length ? `Post ${unposted.join(', ')} first.` : '';

  return (
    <>
      <Tooltip title={ready ? 'Confirm it is reconciled and close it for good' : why}>
        <span>
          <Button variant="contained" color="success" startIcon={<DoneAllIcon />} disabled={!ready} onClick={() => setOpen(true)} data-testid="resolve-settlement">
            Resolve
          </Button>
        </span>
      </Tooltip>
      {open ? <ResolveDialog settlement={settlement} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ResolveDialog({ settlement, onClose }: { settlement: SettlementDetail; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  return (
    <Dialog open onClose={busy ? undefined : onClose}>
      <DialogTitle>Resolve settlement {settlement.number}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          You confirm that its {settlement.payment_count} payments ({money(settlement.net_cents)} net) are posted in the ERP and reconciled. A resolved
          settlement can no longer change.
        </DialogContentText>
        <DialogRefusal refusal={refusal} testId="resolve-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" color="success" onClick={() => run(() => dataProvider.resolveSettlement(settlement.id), `Settlement ${settlement.number} resolved`)} disabled={busy}>
          Resolve
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}

/**
 * Closing early cannot be undone, so it asks first and says what it does: this batch stops
 * collecting and becomes ready to post; later payments of the day go to a new settlement.
 */
function CloseButton({ settlement }: { settlement: SettlementDetail }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Tooltip title={`Closes by itself at ${instant(settlement.closes_at)}; close it now to post today's payments early.`}>
        <span>
          <Button variant="outlined" startIcon={<LockClockIcon />} onClick={() => setOpen(true)} data-testid="close-settlement">
            Close now
          </Button>
        </span>
      </Tooltip>
      {open ? <CloseDialog settlement={settlement} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function CloseDialog({ settlement, onClose }: { settlement: SettlementDetail; onClose: () => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: refresh });
  const count = `${settlement.payment_count} payment${settlement.payment_count === 1 ? '' : 's'}`;
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby="close-settlement-title">
      <DialogTitle id="close-settlement-title">Close settlement {settlement.number} now?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 1.5 }}>
          It stops collecting payments now instead of at the cutoff ({instant(settlement.closes_at)}). Its {count} ({money(settlement.net_cents)} net) become
          ready to post to the general ledger.
        </DialogContentText>
        <DialogContentText sx={{ mb: 1.5 }}>
          Payments that settle later on {calendarDate(settlement.business_date)} go into a new settlement for the same business day.
        </DialogContentText>
        <DialogContentText>
          <strong>This cannot be undone:</strong> a closed settlement cannot be reopened.
        </DialogContentText>
        <DialogRefusal refusal={refusal} testId="close-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" color="warning" startIcon={<LockClockIcon />} disabled={busy} onClick={() => run(() => dataProvider.closeSettlement(settlement.id), `Settlement ${settlement.number} closed`)}>
          Close settlement
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}

function Payments({ settlement }: { settlement: SettlementDetail }) {
  if (settlement.payments.length === 0) return <Typography variant="body2" color="text.secondary">No payments in this settlement.</Typography>;
  return (
    <Table size="small" aria-label="Payments in this settlement">
      <TableHead>
        <TableRow>
          <TableCell>Payment</TableCell>
          <TableCell>Account</TableCell>
          <TableCell>Method</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Initiated</TableCell>
          <TableCell>Settled</TableCell>
          <TableCell align="right">Amount</TableCell>
          <TableCell align="right">Customer fee</TableCell>
          <TableCell align="right">Processing cost</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {settlement.payments.map((payment) => (
          <TableRow key={payment.id} hover>
            <TableCell>
              <Link to={`/payments/${payment.id}/show`}>{payment.number}</Link>
              {payment.reversed_here ? <Chip size="small" color="error" variant="outlined" label={payment.member ? 'Settled and reversed here' : 'Reversal'} sx={{ ml: 1, height: 18 }} /> : null}
            </TableCell>
            <TableCell>
              {payment.account_name} <Typography component="span" variant="caption" color="text.secondary">#{payment.erp_account_id}</Typography>
            </TableCell>
            <TableCell>{payment.method === 'ach' ? 'ACH' : 'Card'}</TableCell>
            <TableCell>{humanize(payment.status)}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{instant(payment.submitted_at)}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{instant(payment.settled_at)}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(payment.reversed_here && !payment.member ? -payment.amount_cents : payment.amount_cents)}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(payment.fee_cents)}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(payment.processing_cost_cents)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const LINE_STATUS_COLOURS = { pending: 'default', posted: 'success', rejected: 'error' } as const;

/** Every GL line, paged by the API (a settlement can hold tens of thousands). */
function Lines({ settlement }: { settlement: SettlementDetail }) {
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(50);
  const { data, total, isPending, error } = useGetList<GlLine & { id: string }>(`settlements/${settlement.id}/lines`, { pagination: { page: page + 1, perPage } });
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (!isPending && total === 0) return <Typography variant="body2" color="text.secondary">No GL lines: nothing in this settlement posts to the ledger.</Typography>;
  return (
    <Box>
      <Table size="small" aria-label="GL lines">
        <TableHead>
          <TableRow>
            <TableCell>Category</TableCell>
            <TableCell>Line</TableCell>
            <TableCell>Payment</TableCell>
            <TableCell>Account</TableCell>
            <TableCell>Job</TableCell>
            <TableCell>Document</TableCell>
            <TableCell>Applied to</TableCell>
            <TableCell align="right">Amount</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Posted</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(data ?? []).map((line) => (
            <TableRow key={line.id}>
              <TableCell>{CATEGORY_LABELS[line.category]}</TableCell>
              <TableCell>{humanize(line.line_type)}</TableCell>
              <TableCell>{line.payment_number}</TableCell>
              <TableCell>{line.erp_account_id}</TableCell>
              <TableCell>{line.erp_job_id ?? ''}</TableCell>
              <TableCell>{line.document_id ?? '—'}</TableCell>
              <TableCell>{line.applied_document_id ?? ''}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{money(line.amount_cents)}</TableCell>
              <TableCell>
                <Tooltip title={line.rejected_reason ?? (line.erp_posting_id ? `Spruce posting ${line.erp_posting_id}` : '')}>
                  <Chip size="small" variant="outlined" color={LINE_STATUS_COLOURS[line.status]} label={humanize(line.status)} sx={{ height: 18 }} />
                </Tooltip>
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{line.posted_at ? instant(line.posted_at) : '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={total ?? 0}
        page={page}
        rowsPerPage={perPage}
        rowsPerPageOptions={[25, 50, 100]}
        onPageChange={(_event, next) => setPage(next)}
        onRowsPerPageChange={(event) => {
          setPerPage(Number(event.target.value));
          setPage(0);
        }}
        disabled={isPending}
      />
    </Box>
  );
}
