import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import SyncIcon from '@mui/icons-material/Sync';
import {
  Alert, Box, Button, Card, CardContent, Chip, Dialog, DialogContent, DialogContentText, DialogTitle, LinearProgress, Typography,
} from '@mui/material';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useDataProvider, usePermissions } from 'react-admin';
import { ActionDialogButtons, DialogRefusal } from '../common/ActionDialogParts';
import { humanize, instant } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import type { IntegrationStatus } from './integrationApi';

const REFRESH_MS = 10_000;

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Box sx={{ minWidth: 130 }}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
        {children}
      </Typography>
    </Box>
  );
}

/** "1.2 s", "3 min": how far the sync trails Spruce. */
function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} h`;
}

/**
 * How this dealer's receivables arrive. For Spruce dealers: a live connection check, where the
 * sync cursor stands against Spruce's change feed, the lag and the last error, refreshed every
 * few seconds; an admin may ask for a full resync.
 */
export function IntegrationStatusCard() {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [status, setStatus] = useState<IntegrationStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await dataProvider.getIntegrationStatus());
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [dataProvider]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <Card variant="outlined" data-testid="integration-status">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1.5 }}>
          <Typography variant="subtitle2">Data source</Typography>
          {status ? (
            <Chip size="small" color="primary" variant="outlined" label={status.mode === 'spruce' ? 'Spruce, real time' : 'CSV files'} sx={{ height: 20 }} data-testid="integration-mode" />
          ) : null}
          <Box sx={{ flex: 1 }} />
          {status?.mode === 'spruce' ? <ResyncButton onDone={load} /> : null}
        </Box>
        {error ? <Alert severity="error">{error}</Alert> : null}
        {!status && !error ? <LinearProgress /> : null}
        {status?.mode === 'file' ? (
          <Typography variant="body2" color="text.secondary">
            This dealer sends its receivables as CSV files: accounts, contacts, invoices, adjustments, statements. Upload them below; each upload is checked
            first and applied only when you commit it.
          </Typography>
        ) : null}
        {status?.mode === 'spruce' ? <SpruceFacts status={status} /> : null}
      </CardContent>
    </Card>
  );
}

function SpruceFacts({ status }: { status: IntegrationStatus }) {
  const { connection, sync } = status;
  return (
    <>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5 }}>
        <Fact label="Connection" testId="connection-health">
          {connection?.ok ? (
            <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, color: 'success.main', fontWeight: 600 }}>
              <CheckCircleIcon sx={{ fontSize: 16 }} /> Connected{connection.latency_ms !== null ? ` (${connection.latency_ms} ms)` : ''}
            </Box>
          ) : (
            <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, color: 'error.main', fontWeight: 600 }}>
              <ErrorIcon sx={{ fontSize: 16 }} /> Not reachable
            </Box>
          )}
        </Fact>
        <Fact label="Sync">{humanize(sync?.status ?? 'not_started')}</Fact>
        <Fact label="Sync lag" testId="sync-lag">{duration(sync?.lag_ms)}</Fact>
        <Fact label="Behind Spruce">{sync?.behind_by === null || sync?.behind_by === undefined ? '—' : `${sync.behind_by.toLocaleString('en-US')} change${sync.behind_by === 1 ? '' : 's'}`}</Fact>
        <Fact label="Cursor / feed head">
          {(sync?.cursor ?? 0).toLocaleString('en-US')} / {sync?.head_seq?.toLocaleString('en-US') ?? '—'}
        </Fact>
        <Fact label="Last sync">{instant(sync?.last_synced_at)}</Fact>
        <Fact label="Last change applied">{instant(sync?.last_event_at)}</Fact>
        <Fact label="Changes applied">{(sync?.events_applied ?? 0).toLocaleString('en-US')}</Fact>
        <Fact label="Rows skipped">{(sync?.rows_skipped ?? 0).toLocaleString('en-US')}</Fact>
        <Fact label="Tenant">{status.spruce?.tenant_id ?? '—'}</Fact>
      </Box>
      {!connection?.ok && connection?.error ? (
        <Alert severity="error" sx={{ mt: 1.5, py: 0 }}>
          Spruce: {connection.error}
        </Alert>
      ) : null}
      {sync?.last_error ? (
        <Alert severity="warning" sx={{ mt: 1.5, py: 0 }}>
          Last sync error ({instant(sync.last_error_at)}): {sync.last_error}
        </Alert>
      ) : null}
      {sync?.resync_requested_at ? (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
          Full resync requested {instant(sync.resync_requested_at)}.
        </Typography>
      ) : null}
    </>
  );
}

/** Admins only (the API enforces it too): reads the whole book from Spruce again. */
function ResyncButton({ onDone }: { onDone: () => Promise<void> }) {
  const { permissions } = usePermissions<string>();
  const [open, setOpen] = useState(false);
  if (permissions !== 'admin') return null;
  return (
    <>
      <Button variant="outlined" startIcon={<SyncIcon />} onClick={() => setOpen(true)}>
        Resync
      </Button>
      {open ? <ResyncDialog onClose={() => setOpen(false)} onDone={onDone} /> : null}
    </>
  );
}

function ResyncDialog({ onClose, onDone }: { onClose: () => void; onDone: () => Promise<void> }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const { busy, refusal, run } = useDialogAction({ onClose, reload: () => void onDone() });
  return (
    <Dialog open onClose={busy ? undefined : onClose}>
      <DialogTitle>Resync from Spruce?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The sync goes back to the start of Spruce's change feed and reads the whole book again. Current data stays available meanwhile; a large book
          takes a while.
        </DialogContentText>
        <DialogRefusal refusal={refusal} testId="resync-refusal" />
      </DialogContent>
      <ActionDialogButtons busy={busy} onCancel={onClose}>
        <Button variant="contained" onClick={() => run(() => dataProvider.requestResync(), (answer) => answer.message)} disabled={busy}>
          Resync
        </Button>
      </ActionDialogButtons>
    </Dialog>
  );
}
