import WebhookIcon from '@mui/icons-material/Webhook';
import {
  Alert, Button, Card, CardContent, Checkbox, Chip, Collapse, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, FormGroup, FormLabel, MenuItem,
  Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { usePermissions } from 'react-admin';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../../domain/domain-events';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../../contracts/operator/webhook-endpoints';
import { instant } from '../common/format';
import { ShownOnceDialog } from '../common/ShownOnceDialog';
import { webhooksApi, type WithSecret } from './webhooksApi';

const when = (value: string | null) => (value ? instant(value) : '—');

/** Register an endpoint: where to send, and which events. */
function AddEndpointDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (endpoint: WithSecret) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<Set<DomainEventType>>(new Set(['payment.settled', 'payment.returned']));
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const toggle = (type: DomainEventType) => setTypes((current) => {
    const next = new Set(current);
    if (next.has(type)) next.delete(type); else next.add(type);
    return next;
  });
  const submit = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      onCreated(await webhooksApi.create({ url: url.trim(), description: description.trim(), event_types: [...types] }));
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Add a webhook endpoint</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField label="Endpoint URL" value={url} onChange={(event) => setUrl(event.target.value)} helperText="An https address of your system that accepts POST requests" autoFocus required />
          <TextField label="Description" value={description} onChange={(event) => setDescription(event.target.value)} helperText="Which system receives the events, e.g. “Credit system”" />
          <div>
            <FormLabel>Events to send</FormLabel>
            <FormGroup sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr' }}>
              {DOMAIN_EVENT_TYPES.map((type) => (
                <FormControlLabel key={type} control={<Checkbox size="small" checked={types.has(type)} onChange={() => toggle(type)} />} label={<code>{type}</code>} />
              ))}
            </FormGroup>
          </div>
          {refusal ? <Alert severity="error" data-testid="webhook-refusal">{refusal}</Alert> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>Cancel</Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || !url.trim() || types.size === 0}>Add endpoint</Button>
      </DialogActions>
    </Dialog>
  );
}

const DELIVERY_CHIP: Record<WebhookDeliveryRow['status'], 'success' | 'error' | 'default'> = { delivered: 'success', failed: 'error', pending: 'default' };

/** The endpoint's delivery log: what was sent, how it was answered, and Resend. */
function DeliveryLog({ endpoint, onChanged }: { endpoint: WebhookEndpointRow; onChanged: () => void }) {
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<WebhookDeliveryRow[] | null>(null);
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const load = useCallback(() => {
    webhooksApi.deliveries(endpoint.id, status).then(setRows, (error: Error) => setMessage({ severity: 'error', text: error.message }));
  }, [endpoint.id, status]);
  useEffect(load, [load]);
  const resend = async (row: WebhookDeliveryRow) => {
    try {
      await webhooksApi.resend(row.id);
      setMessage({ severity: 'success', text: `Event ${row.event_id} (${row.event_type}) is being sent again.` });
      load();
      onChanged();
    } catch (error) {
      setMessage({ severity: 'error', text: (error as Error).message });
    }
  };
  return (
    <Stack spacing={1} sx={{ py: 1 }} data-testid={`webhook-deliveries-${endpoint.id}`}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <TextField select size="small" label="Status" value={status} onChange={(event) => setStatus(event.target.value)} sx={{ minWidth: 160 }}>
          <MenuItem value="">All</MenuItem>
          <MenuItem value="pending">Pending</MenuItem>
          <MenuItem value="delivered">Delivered</MenuItem>
          <MenuItem value="failed">Failed</MenuItem>
        </TextField>
        <Button size="small" onClick={() => { load(); onChanged(); }}>Refresh</Button>
      </Stack>
      {message ? <Alert severity={message.severity} onClose={() => setMessage(null)}>{message.text}</Alert> : null}
      {rows && rows.length === 0 ? <Typography color="text.secondary">Nothing sent yet.</Typography> : null}
      {rows && rows.length > 0 ? (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Event</TableCell><TableCell>Event id</TableCell><TableCell>Status</TableCell><TableCell align="right">Attempts</TableCell>
              <TableCell>Last answer</TableCell><TableCell align="right">Time</TableCell><TableCell>Last attempt</TableCell><TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={row.id} data-testid={`webhook-delivery-${row.event_id}`}>
                <TableCell><code>{row.event_type}</code></TableCell>
                <TableCell>{row.event_id}</TableCell>
                <TableCell><Chip size="small" color={DELIVERY_CHIP[row.status]} label={row.status} /></TableCell>
                <TableCell align="right">{row.attempts}{row.resends > 0 ? ` (${row.resends} resent)` : ''}</TableCell>
                <TableCell title={row.last_error ?? undefined} sx={{ maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {row.last_status_code ?? ''}{row.last_error ? ` ${row.last_error}` : row.last_status_code ? ' OK' : ''}
                </TableCell>
                <TableCell align="right">{row.last_duration_ms === null ? '' : `${row.last_duration_ms} ms`}</TableCell>
                <TableCell>{when(row.last_attempt_at)}</TableCell>
                <TableCell align="right">
                  <Button size="small" onClick={() => void resend(row)} disabled={endpoint.status !== 'enabled'}>Resend</Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Stack>
  );
}

function EndpointRow({ endpoint, onChanged, onSecret }: { endpoint: WebhookEndpointRow; onChanged: () => void; onSecret: (endpoint: WithSecret) => void }) {
  const [open, setOpen] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const act = async (run: () => Promise<unknown>) => {
    setRefusal(null);
    try {
      await run();
      onChanged();
    } catch (error) {
      setRefusal((error as Error).message);
    }
  };
  const enabled = endpoint.status === 'enabled';
  return (
    <>
      <TableRow data-testid={`webhook-endpoint-${endpoint.id}`}>
        <TableCell sx={{ wordBreak: 'break-all' }}>
          <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>{endpoint.url}</Typography>
          {endpoint.description ? <Typography variant="caption" color="text.secondary">{endpoint.description}</Typography> : null}
        </TableCell>
        <TableCell>{endpoint.event_types.map((type) => <Chip key={type} size="small" variant="outlined" label={type} sx={{ mr: 0.5, mb: 0.5 }} />)}</TableCell>
        <TableCell>
          {enabled
            ? <Chip size="small" color={endpoint.failing_since ? 'warning' : 'success'} label={endpoint.failing_since ? `Failing since ${when(endpoint.failing_since)}` : 'Enabled'} />
            : <Chip size="small" color="error" label="Disabled" title={endpoint.disabled_reason ?? undefined} />}
          {!enabled && endpoint.disabled_reason ? <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>{endpoint.disabled_reason}</Typography> : null}
        </TableCell>
        <TableCell>{endpoint.delivered_count} delivered · {endpoint.pending_count} pending · {endpoint.failed_count} failed</TableCell>
        <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
          <Button size="small" onClick={() => setOpen(!open)}>{open ? 'Hide deliveries' : 'Deliveries'}</Button>
          <Button size="small" onClick={() => void act(async () => onSecret(await webhooksApi.rollSecret(endpoint.id)))}>Roll secret</Button>
          <Button size="small" color={enabled ? 'error' : 'primary'} onClick={() => void act(() => webhooksApi.update(endpoint.id, { status: enabled ? 'disabled' : 'enabled' }))}>
            {enabled ? 'Disable' : 'Enable'}
          </Button>
        </TableCell>
      </TableRow>
      {refusal ? <TableRow><TableCell colSpan={5}><Alert severity="error">{refusal}</Alert></TableCell></TableRow> : null}
      <TableRow>
        <TableCell colSpan={5} sx={{ py: 0, borderBottom: open ? undefined : 'none' }}>
          <Collapse in={open} unmountOnExit><DeliveryLog endpoint={endpoint} onChanged={onChanged} /></Collapse>
        </TableCell>
      </TableRow>
    </>
  );
}

/** Settings → Webhooks: where the dealer's systems are told what happened (docs/webhooks.md). Admins only. */
export function WebhooksSection() {
  const { permissions } = usePermissions();
  const [endpoints, setEndpoints] = useState<WebhookEndpointRow[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<WithSecret | null>(null);
  const admin = permissions === 'admin';
  const load = useCallback(() => {
    webhooksApi.list().then((rows) => { setEndpoints(rows); setLoadError(null); }, (error: Error) => setLoadError(error.message));
  }, []);
  useEffect(() => {
    if (admin) load();
  }, [admin, load]);
  if (!admin) return null;

  return (
    <Card data-testid="webhooks">
      <CardContent>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
          <Typography variant="h6">Webhooks</Typography>
          <Button startIcon={<WebhookIcon />} onClick={() => setAdding(true)}>Add endpoint</Button>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Drypowder POSTs each event to your endpoints, signed with the endpoint's secret, and retries for up to 3 days until it is answered with a 2xx.
        </Typography>
        {loadError ? <Alert severity="error">{loadError}</Alert> : null}
        {endpoints && endpoints.length === 0 ? <Typography color="text.secondary">No endpoints yet.</Typography> : null}
        {endpoints && endpoints.length > 0 ? (
          <Table size="small">
            <TableHead>
              <TableRow><TableCell>Endpoint</TableCell><TableCell>Events</TableCell><TableCell>Status</TableCell><TableCell>Deliveries</TableCell><TableCell /></TableRow>
            </TableHead>
            <TableBody>
              {endpoints.map((endpoint) => <EndpointRow key={endpoint.id} endpoint={endpoint} onChanged={load} onSecret={(shown) => { setSecret(shown); load(); }} />)}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
      {adding ? <AddEndpointDialog onClose={() => setAdding(false)} onCreated={(created) => { setAdding(false); setSecret(created); load(); }} /> : null}
      {secret ? (
        <ShownOnceDialog title={`Signing secret for ${secret.url}`} secret={secret.secret} testId="webhook-secret" onClose={() => setSecret(null)}
          lost="Keep it where your endpoint verifies signatures; if it is lost, roll the secret to get a new one."
          usage={<>Verify each request's <code>Drypowder-Signature</code> header with it (docs/webhooks.md).</>} />
      ) : null}
    </Card>
  );
}
