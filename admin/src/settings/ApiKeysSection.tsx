import KeyIcon from '@mui/icons-material/Key';
import {
  Alert, Button, Card, CardContent, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, Stack, Table, TableBody, TableCell,
  TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { usePermissions } from 'react-admin';
import type { ApiKeyRow, IssuedApiKey } from '../../../contracts/operator/api-keys';
import { instant } from '../common/format';
import { ShownOnceDialog } from '../common/ShownOnceDialog';
import { apiKeysApi } from './apiKeysApi';

/** In the dealer's time zone, as every time in the console. */
const when = (value: string | null) => (value ? instant(value) : 'Never');

/** Create a key: a name that says which system holds it, and what it may do. */
function CreateKeyDialog({ onClose, onIssued }: { onClose: () => void; onIssued: (key: IssuedApiKey) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      onIssued(await apiKeysApi.create({ name: name.trim(), scope }));
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="xs" fullWidth>
      <DialogTitle>Create an API key</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} helperText="Which system will use it, e.g. “BI warehouse”" autoFocus required />
          <TextField select label="Scope" value={scope} onChange={(event) => setScope(event.target.value as 'read' | 'write')}
            helperText={scope === 'read' ? 'Reads customers, receivables, payments, settlements and events' : 'Reads everything, and may close settlements'}>
            <MenuItem value="read">Read</MenuItem>
            <MenuItem value="write">Read and write</MenuItem>
          </TextField>
          {refusal ? <Alert severity="error" data-testid="api-key-refusal">{refusal}</Alert> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>Cancel</Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || !name.trim()}>Create key</Button>
      </DialogActions>
    </Dialog>
  );
}

type Pending = { action: 'revoke' | 'rotate'; key: ApiKeyRow };

function ConfirmDialog({ pending, onClose, onDone }: { pending: Pending; onClose: () => void; onDone: (issued: IssuedApiKey | null) => void }) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const { action, key } = pending;
  const confirm = async () => {
    setBusy(true);
    try {
      onDone(action === 'rotate' ? await apiKeysApi.rotate(key.id) : (await apiKeysApi.revoke(key.id), null));
    } catch (error) {
      setRefusal((error as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="xs" fullWidth>
      <DialogTitle>{action === 'rotate' ? 'Rotate' : 'Revoke'} “{key.name}”?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {action === 'rotate'
            ? `Key ${key.prefix} stops working at once and a new key with the same name and scope is shown once. Update the system that uses it.`
            : `Key ${key.prefix} stops working at once. Anything still using it will be refused.`}
        </DialogContentText>
        {refusal ? <Alert severity="error" sx={{ mt: 2 }}>{refusal}</Alert> : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>Cancel</Button>
        <Button variant="contained" color={action === 'revoke' ? 'error' : 'primary'} onClick={() => void confirm()} disabled={busy}>{action === 'rotate' ? 'Rotate key' : 'Revoke key'}</Button>
      </DialogActions>
    </Dialog>
  );
}

/** Settings → API keys: the dealer's keys for its own systems (docs/api-v1.md). Admins only. */
export function ApiKeysSection() {
  const { permissions } = usePermissions();
  const [keys, setKeys] = useState<ApiKeyRow[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const admin = permissions === 'admin';

  const load = useCallback(() => {
    apiKeysApi.list().then((rows) => { setKeys(rows); setLoadError(null); }, (error: Error) => setLoadError(error.message));
  }, []);
  useEffect(() => {
    if (admin) load();
  }, [admin, load]);
  if (!admin) return null;

  return (
    <Card data-testid="api-keys">
      <CardContent>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
          <Typography variant="h6">API keys</Typography>
          <Button startIcon={<KeyIcon />} onClick={() => setCreating(true)}>Create API key</Button>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Keys let the dealer's own systems (BI tools, credit systems, scripts) read AR data through /api/v1. Each key is shown once when created.
        </Typography>
        {loadError ? <Alert severity="error">{loadError}</Alert> : null}
        {keys && keys.length === 0 ? <Typography color="text.secondary">No API keys yet.</Typography> : null}
        {keys && keys.length > 0 ? (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell><TableCell>Key</TableCell><TableCell>Scope</TableCell><TableCell>Created</TableCell><TableCell>Last used</TableCell><TableCell>Status</TableCell><TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {keys.map((key) => (
                <TableRow key={key.id} data-testid={`api-key-${key.prefix}`}>
                  <TableCell>{key.name}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace' }}>dpk_{key.prefix}_…</TableCell>
                  <TableCell>{key.scope === 'write' ? 'Read and write' : 'Read'}</TableCell>
                  <TableCell>{when(key.created_at)}{key.created_by_name ? ` by ${key.created_by_name}` : ''}</TableCell>
                  <TableCell>{when(key.last_used_at)}</TableCell>
                  <TableCell>{key.revoked_at ? <Chip size="small" label={`Revoked ${when(key.revoked_at)}`} /> : <Chip size="small" color="success" label="Active" />}</TableCell>
                  <TableCell align="right">
                    {key.revoked_at ? null : (
                      <>
                        <Button size="small" onClick={() => setPending({ action: 'rotate', key })}>Rotate</Button>
                        <Button size="small" color="error" onClick={() => setPending({ action: 'revoke', key })}>Revoke</Button>
                      </>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} onIssued={(key) => { setCreating(false); setIssued(key); load(); }} /> : null}
      {issued ? (
        <ShownOnceDialog title={`Copy the key for “${issued.name}”`} secret={issued.secret} testId="api-key-secret" onClose={() => setIssued(null)}
          lost="Store it in the system that will use it; if it is lost, rotate the key to get a new one."
          usage={<>Send it as <code>Authorization: Bearer &lt;key&gt;</code> to /api/v1.</>} />
      ) : null}
      {pending ? <ConfirmDialog pending={pending} onClose={() => setPending(null)} onDone={(key) => { setPending(null); setIssued(key); load(); }} /> : null}
    </Card>
  );
}
