import { Alert, Button, Card, CardContent, Chip, Stack, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import type { JobRow } from '../../../contracts/operator/jobs';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

interface PayLink { id: string; payerLabel: string | null; status: 'active' | 'expired' | 'revoked'; expiresAt: string; url?: string }

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

/**
 * Pay links for the job (docs/company-roles.md): a link the dealer sends a general contractor
 * or joint-check payer, who pays this job's open items without a login. The link is shown
 * once, when made; revoking one stops it at once.
 */
export function JobPayLinks({ job }: { job: JobRow }) {
  const [links, setLinks] = useState<PayLink[] | null>(null);
  const [payerLabel, setPayerLabel] = useState('');
  const [made, setMade] = useState<PayLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setLinks((await json<{ links: PayLink[] }>(await apiFetch(`${API_URL}/jobs/${job.id}/pay-links`))).links);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }, [job.id]);
  useEffect(() => void load(), [load]);

  const make = async () => {
    setError(null);
    try {
      const body = payerLabel.trim() ? { payerLabel: payerLabel.trim() } : {};
      setMade(await json<PayLink>(await apiFetch(`${API_URL}/jobs/${job.id}/pay-links`, { method: 'POST', body: JSON.stringify(body) })));
      setPayerLabel('');
      await load();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const revoke = async (link: PayLink) => {
    setError(null);
    try {
      await json(await apiFetch(`${API_URL}/job-pay-links/${link.id}/revoke`, { method: 'POST', body: '{}' }));
      await load();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <Card variant="outlined" data-testid="job-pay-links">
      <CardContent>
        <Stack spacing={1.5}>
          <Typography variant="subtitle2">Pay links</Typography>
          <Typography variant="body2" color="text.secondary">Whoever holds a link sees only this job's open items and pays them by card or bank, without a login.</Typography>
          {error && <Alert severity="error">{error}</Alert>}
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <TextField size="small" label="Who it is for (optional)" value={payerLabel} onChange={(event) => setPayerLabel(event.target.value)} />
            <Button variant="contained" onClick={make} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>Make a pay link</Button>
          </Stack>
          {made?.url && <Alert severity="success">Send this link now; it is shown once: <code>{made.url}</code></Alert>}
          {links?.map((link) => (
            <Stack key={link.id} direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="body2">{link.payerLabel ?? 'Anyone with the link'} · until {new Date(link.expiresAt).toLocaleDateString()}</Typography>
              <Chip size="small" label={link.status} color={link.status === 'active' ? 'success' : 'default'} />
              {link.status === 'active' && <Button size="small" onClick={() => revoke(link)}>Revoke</Button>}
            </Stack>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}
