import EventIcon from '@mui/icons-material/Event';
import { Alert, Button, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { usePermissions } from 'react-admin';
import type { LienDeadlineSettings } from '../../../contracts/operator/jobs';
import { lienDeadlinesApi } from '../jobs/lienDeadlinesApi';

type Row = LienDeadlineSettings['states'][number];
/** What the admin typed: blank notice days mean "none required". */
type Draft = Record<string, { notice: string; filing: string }>;

const draftOf = (rows: Row[]): Draft => Object.fromEntries(rows.map((row) => [row.state, { notice: row.preliminary_notice_days?.toString() ?? '', filing: String(row.lien_filing_days) }]));

/**
 * Settings → Lien deadlines: the simplified default days per state and the dealer's own, which
 * its counsel confirms. A state whose days equal the default is saved as no override, so a
 * later correction of the defaults reaches it.
 */
export function LienDeadlinesSection() {
  const { permissions } = usePermissions<string>();
  const isAdmin = permissions === 'admin';
  const [rows, setRows] = useState<Row[] | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const show = (settings: LienDeadlineSettings) => {
    setRows(settings.states);
    setDraft(draftOf(settings.states));
  };
  useEffect(() => {
    lienDeadlinesApi.get().then(show, (error: Error) => setMessage({ severity: 'error', text: error.message }));
  }, []);

  const save = async () => {
    if (!rows) return;
    setBusy(true);
    setMessage(null);
    try {
      const overrides = rows.flatMap((row) => {
        const typed = draft[row.state]!;
        const notice = typed.notice.trim() === '' ? null : Number(typed.notice);
        const filing = Number(typed.filing);
        const same = row.default && row.default.preliminary_notice_days === notice && row.default.lien_filing_days === filing;
        return same ? [] : [{ state: row.state, preliminary_notice_days: notice, lien_filing_days: filing }];
      });
      show(await lienDeadlinesApi.save({ overrides }));
      setMessage({ severity: 'success', text: 'Lien deadlines saved.' });
    } catch (error) {
      setMessage({ severity: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const edit = (state: string, field: 'notice' | 'filing', value: string) => setDraft((current) => ({ ...current, [state]: { ...current[state]!, [field]: value } }));

  return (
    <Card data-testid="lien-deadlines-section">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
          <EventIcon color="action" />
          <Typography variant="h6">Lien deadlines</Typography>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Calendar days for the preliminary notice (after the first delivery to a job; blank when none is required) and for filing the lien (after the last
          delivery). The defaults are simplified: have your counsel confirm the days for the states you sell in, and change them here.
        </Typography>
        {rows === null ? null : (
          <Table size="small" sx={{ maxWidth: 620 }}>
            <TableHead>
              <TableRow>
                <TableCell>State</TableCell>
                <TableCell>Preliminary notice (days)</TableCell>
                <TableCell>Lien filing (days)</TableCell>
                <TableCell>Default</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.state}>
                  <TableCell>{row.state}</TableCell>
                  <TableCell>
                    <TextField size="small" value={draft[row.state]?.notice ?? ''} disabled={!isAdmin} placeholder="none" slotProps={{ htmlInput: { 'aria-label': `${row.state} preliminary notice days`, inputMode: 'numeric' } }} sx={{ width: 110 }} onChange={(event) => edit(row.state, 'notice', event.target.value)} />
                  </TableCell>
                  <TableCell>
                    <TextField size="small" value={draft[row.state]?.filing ?? ''} disabled={!isAdmin} slotProps={{ htmlInput: { 'aria-label': `${row.state} lien filing days`, inputMode: 'numeric' } }} sx={{ width: 110 }} onChange={(event) => edit(row.state, 'filing', event.target.value)} />
                  </TableCell>
                  <TableCell>
                    <Typography variant="caption" color="text.secondary">
                      {row.default ? `${row.default.preliminary_notice_days ?? 'none'} / ${row.default.lien_filing_days}` : 'none'}{row.source === 'override' ? ' · overridden' : ''}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {isAdmin && rows ? <Button variant="contained" sx={{ mt: 2 }} onClick={save} disabled={busy}>Save lien deadlines</Button> : null}
        {message ? <Alert severity={message.severity} sx={{ mt: 2 }}>{message.text}</Alert> : null}
      </CardContent>
    </Card>
  );
}
