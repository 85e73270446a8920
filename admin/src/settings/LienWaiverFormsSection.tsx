import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import GavelIcon from '@mui/icons-material/Gavel';
import { Alert, Box, Button, Card, CardContent, IconButton, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { usePermissions } from 'react-admin';
import { LIEN_WAIVER_TITLES, US_STATE_CODES, type LienWaiverForm } from '../../../domain/lien-waivers';
import { lienWaiverFormsApi } from '../lien-waivers/lienWaiversApi';

type Entry = { state: string; form: LienWaiverForm };

/**
 * Settings → Lien waivers: which of the statutory forms a payment's waivers use, per US state
 * of the customer's account. A state not listed uses progress forms. Admins edit; a waiver
 * already issued keeps the form it was issued with.
 */
export function LienWaiverFormsSection() {
  const { permissions } = usePermissions<string>();
  const isAdmin = permissions === 'admin';
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    lienWaiverFormsApi.get().then((settings) => setEntries(settings.forms as Entry[]), (error: Error) => setMessage({ severity: 'error', text: error.message }));
  }, []);

  const save = async () => {
    if (!entries) return;
    setBusy(true);
    setMessage(null);
    try {
      setEntries((await lienWaiverFormsApi.save({ forms: entries })).forms as Entry[]);
      setMessage({ severity: 'success', text: 'Lien waiver forms saved.' });
    } catch (error) {
      setMessage({ severity: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const update = (index: number, entry: Entry) => setEntries((current) => current && current.map((existing, at) => (at === index ? entry : existing)));
  const unused = US_STATE_CODES.filter((code) => !entries?.some((entry) => entry.state === code));

  return (
    <Card data-testid="lien-waiver-forms-section">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
          <GavelIcon color="action" />
          <Typography variant="h6">Lien waivers</Typography>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          A payment for items on a job comes with a conditional waiver for that job; the unconditional one replaces it once the payment's money can no longer
          come back. Choose the final-payment forms for states where your customers draw final payments; every other state uses the progress-payment forms.
        </Typography>
        {entries === null ? null : (
          <Stack spacing={1.5}>
            {entries.length === 0 ? <Typography variant="body2">Progress forms in every state.</Typography> : null}
            {entries.map((entry, index) => (
              <Box key={index} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                <TextField select size="small" label="State" value={entry.state} disabled={!isAdmin} sx={{ width: 110 }} onChange={(event) => update(index, { ...entry, state: event.target.value })}>
                  {[entry.state, ...unused].map((code) => <MenuItem key={code} value={code}>{code}</MenuItem>)}
                </TextField>
                <TextField select size="small" label="Form" value={entry.form} disabled={!isAdmin} sx={{ width: 420 }} onChange={(event) => update(index, { ...entry, form: event.target.value as LienWaiverForm })}>
                  <MenuItem value="progress">{LIEN_WAIVER_TITLES.conditional.progress.replace('Conditional ', '')}</MenuItem>
                  <MenuItem value="final">{LIEN_WAIVER_TITLES.conditional.final.replace('Conditional ', '')}</MenuItem>
                </TextField>
                {isAdmin ? <IconButton aria-label={`Remove ${entry.state}`} onClick={() => setEntries(entries.filter((_, at) => at !== index))}><DeleteIcon /></IconButton> : null}
              </Box>
            ))}
            {isAdmin ? (
              <Stack direction="row" spacing={1}>
                <Button startIcon={<AddIcon />} disabled={unused.length === 0} onClick={() => setEntries([...entries, { state: unused[0]!, form: 'final' }])}>Add a state</Button>
                <Button variant="contained" onClick={save} disabled={busy}>Save lien waiver forms</Button>
              </Stack>
            ) : null}
          </Stack>
        )}
        {message ? <Alert severity={message.severity} sx={{ mt: 2 }}>{message.text}</Alert> : null}
      </CardContent>
    </Card>
  );
}
