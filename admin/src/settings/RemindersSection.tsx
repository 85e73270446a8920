import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import NotificationsIcon from '@mui/icons-material/NotificationsActive';
import {
  Alert, Autocomplete, Box, Button, Card, CardContent, Chip, FormControlLabel, IconButton, MenuItem, Stack, Switch, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { usePermissions } from 'react-admin';
import type { ReminderPreview, ReminderSettings } from '../../../contracts/operator/reminders';
import { reminderRuleLabel, type ReminderRule, type ReminderRuleKind } from '../../../domain/reminders';
import { money } from '../common/format';
import { remindersApi, type CustomerChoice } from './remindersApi';

const KINDS: Array<{ kind: ReminderRuleKind; label: string }> = [
  { kind: 'before_due', label: 'Days before due' },
  { kind: 'on_due', label: 'On the due date' },
  { kind: 'past_due', label: 'Days past due' },
  { kind: 'statement_ready', label: 'Statement ready' },
];

const ruleOf = (kind: ReminderRuleKind, days: number): ReminderRule =>
  kind === 'before_due' || kind === 'past_due' ? { kind, days } : { kind };

/**
 * Settings → Reminders: the cadence (a list of rules), the subject and body templates with
 * their placeholders, on/off, and a preview of the email for one real customer with the
 * templates as they are being edited. Admins edit; other operators read.
 */
export function RemindersSection() {
  const { permissions } = usePermissions<string>();
  const isAdmin = permissions === 'admin';
  const [saved, setSaved] = useState<ReminderSettings | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [rules, setRules] = useState<ReminderRule[]>([]);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const adopt = (settings: ReminderSettings) => {
    setSaved(settings);
    setEnabled(settings.enabled);
    setRules(settings.rules as ReminderRule[]);
    setSubject(settings.subject_template);
    setBody(settings.body_template);
  };
  useEffect(() => {
    remindersApi.settings().then(adopt, (error: Error) => setMessage({ severity: 'error', text: error.message }));
  }, []);

  const save = async () => {
    setBusy(true);
    setMessage(null);
    try {
      adopt(await remindersApi.save({ enabled, rules, subject_template: subject, body_template: body }));
      setMessage({ severity: 'success', text: 'Reminder settings saved.' });
    } catch (error) {
      setMessage({ severity: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const setRule = (index: number, rule: ReminderRule) => setRules((current) => current.map((existing, at) => (at === index ? rule : existing)));

  return (
    <Card data-testid="reminders-section">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
          <NotificationsIcon color="action" />
          <Typography variant="h6">Payment reminders</Typography>
          {saved ? <Chip size="small" label={saved.enabled ? 'On' : 'Off'} color={saved.enabled ? 'success' : 'default'} /> : null}
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Every morning at 08:00 in your time zone, each customer contact with items the cadence names gets one email listing them, with a link that opens
          the Payments portal with those items selected. Customers turned off on their page get none; paid items are never reminded about.
        </Typography>
        {!saved ? null : (
          <Stack spacing={2}>
            <FormControlLabel
              control={<Switch checked={enabled} onChange={(event) => setEnabled(event.target.checked)} disabled={!isAdmin} slotProps={{ input: { 'aria-label': 'Send payment reminders' } }} />}
              label="Send payment reminders"
            />
            <Box>
              <Typography variant="subtitle2" gutterBottom>Cadence</Typography>
              <Stack spacing={1} data-testid="reminder-rules">
                {rules.map((rule, index) => (
                  <Stack key={index} direction="row" spacing={1} sx={{ alignItems: 'center' }} data-testid="reminder-rule">
                    <TextField
                      select size="small" label="When" value={rule.kind} disabled={!isAdmin} fullWidth={false} sx={{ width: 220, flexShrink: 0 }}
                      onChange={(event) => setRule(index, ruleOf(event.target.value as ReminderRuleKind, 'days' in rule ? rule.days : 7))}
                    >
                      {KINDS.map((choice) => <MenuItem key={choice.kind} value={choice.kind}>{choice.label}</MenuItem>)}
                    </TextField>
                    {'days' in rule ? (
                      <TextField
                        size="small" type="number" label="Days" value={rule.days} disabled={!isAdmin} fullWidth={false} sx={{ width: 100, flexShrink: 0 }}
                        onChange={(event) => setRule(index, ruleOf(rule.kind, Number(event.target.value)))}
                        slotProps={{ htmlInput: { min: 1, max: 365 } }}
                      />
                    ) : null}
                    <Typography variant="body2" color="text.secondary" sx={{ flex: 1, whiteSpace: 'nowrap' }}>{reminderRuleLabel(rule)}</Typography>
                    {isAdmin ? <IconButton aria-label="Remove rule" onClick={() => setRules((current) => current.filter((_, at) => at !== index))}><DeleteIcon fontSize="small" /></IconButton> : null}
                  </Stack>
                ))}
                {isAdmin ? (
                  <Box>
                    <Button size="small" startIcon={<AddIcon />} onClick={() => setRules((current) => [...current, { kind: 'past_due', days: 14 }])}>Add a rule</Button>
                  </Box>
                ) : null}
              </Stack>
            </Box>
            <TextField label="Subject" value={subject} onChange={(event) => setSubject(event.target.value)} disabled={!isAdmin} fullWidth />
            <TextField label="Body" value={body} onChange={(event) => setBody(event.target.value)} disabled={!isAdmin} fullWidth multiline minRows={8} slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
            <Typography variant="caption" color="text.secondary">
              Placeholders: {saved.placeholders.map((name) => `{{${name}}}`).join(', ')}
            </Typography>
            {message ? <Alert severity={message.severity} data-testid="reminders-message">{message.text}</Alert> : null}
            {isAdmin ? (
              <Box>
                <Button variant="contained" onClick={() => void save()} disabled={busy}>Save reminder settings</Button>
              </Box>
            ) : null}
            <ReminderPreviewPanel subject={subject} body={body} />
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

/** The email as one real customer would get it, with the templates on screen (saved or not). */
function ReminderPreviewPanel({ subject, body }: { subject: string; body: string }) {
  const [search, setSearch] = useState('');
  const [choices, setChoices] = useState<CustomerChoice[]>([]);
  const [customer, setCustomer] = useState<CustomerChoice | null>(null);
  const [preview, setPreview] = useState<ReminderPreview | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      remindersApi.findCustomers(search).then((rows) => live && setChoices(rows), () => undefined);
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search]);

  const show = async () => {
    if (!customer) return;
    setRefusal(null);
    try {
      setPreview(await remindersApi.preview(customer.id, { subject_template: subject, body_template: body }));
    } catch (error) {
      setPreview(null);
      setRefusal((error as Error).message);
    }
  };

  return (
    <Box sx={{ borderTop: 1, borderColor: 'divider', pt: 2 }}>
      <Typography variant="subtitle2" gutterBottom>Preview</Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Autocomplete
          sx={{ width: 420 }}
          size="small"
          options={choices}
          value={customer}
          filterOptions={(options) => options}
          getOptionLabel={(option) => `${option.name} (${option.erp_account_id})`}
          isOptionEqualToValue={(option, value) => option.id === value.id}
          onInputChange={(_, value) => setSearch(value)}
          onChange={(_, value) => setCustomer(value)}
          renderInput={(params) => <TextField {...params} label="Customer" placeholder="Name or account number" />}
        />
        <Button variant="outlined" onClick={() => void show()} disabled={!customer}>Preview</Button>
      </Stack>
      {refusal ? <Alert severity="error" sx={{ mt: 1 }} data-testid="reminder-preview-refusal">{refusal}</Alert> : null}
      {preview ? (
        <Box sx={{ mt: 2 }} data-testid="reminder-preview">
          <Typography variant="body2" color="text.secondary">
            To: {preview.to.length > 0 ? preview.to.join(', ') : 'nobody — the account has no contact with an email address'} ·{' '}
            {preview.matched_cadence ? `items the cadence names on ${preview.as_of}` : `no rule names an item on ${preview.as_of}; showing every open item`}
          </Typography>
          <Typography variant="subtitle1" sx={{ mt: 1 }} data-testid="reminder-preview-subject">{preview.subject}</Typography>
          <Box component="pre" sx={{ p: 1.5, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', fontSize: 13 }} data-testid="reminder-preview-text">{preview.text}</Box>
          <Table size="small" aria-label="Items in the preview">
            <TableHead>
              <TableRow><TableCell>Item</TableCell><TableCell>Due</TableCell><TableCell align="right">Open</TableCell><TableCell>Rule</TableCell></TableRow>
            </TableHead>
            <TableBody>
              {preview.items.map((item) => (
                <TableRow key={item.item_id}>
                  <TableCell>{item.item_type === 'invoice' ? 'Invoice' : 'Charge'} {item.number}</TableCell>
                  <TableCell>{item.due_date ?? '—'}</TableCell>
                  <TableCell align="right">{money(item.open_cents)}</TableCell>
                  <TableCell>{item.rule ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
    </Box>
  );
}
