import { Alert, Box, Button, Checkbox, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { AccountCreditView, CreditApplied } from '../../../contracts/operator/account-credit';
import type { CustomerDetail } from '../../../contracts/operator/customers';
import { money } from '../common/format';
import { apiFetch, errorMessage, httpClient } from '../httpClient';
import { API_URL } from '../session';

interface OpenInvoice {
  id: string;
  invoice_number: string;
  due_date: string;
  balance_cents: number;
}

/**
 * The customer's unapplied (on-account) credit (docs/unapplied-credit.md): the balance, the
 * ledger behind it, and applying it to open invoices the operator ticks, oldest first (audited).
 */
export function CreditTab() {
  const record = useRecordContext<CustomerDetail>();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const [credit, setCredit] = useState<AccountCreditView | null>(null);
  const [invoices, setInvoices] = useState<OpenInvoice[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    if (!record) return;
    try {
      const { json } = await httpClient(`${API_URL}/customers/${encodeURIComponent(record.id)}/credit`);
      setCredit(json as AccountCreditView);
      const open = await dataProvider.getList<OpenInvoice>('invoices', {
        filter: { customer_account_id: record.id, status: ['open', 'partially_paid'] }, pagination: { page: 1, perPage: 100 }, sort: { field: 'due_date', order: 'ASC' },
      });
      setInvoices(open.data);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }, [record, dataProvider]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!record) return null;
  if (!credit) return error ? <Alert severity="error" sx={{ m: 1 }}>{error}</Alert> : <Typography sx={{ p: 2 }} color="text.secondary">Loading credit…</Typography>;

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await apiFetch(`${API_URL}/customers/${encodeURIComponent(record.id)}/credit/apply`, {
        method: 'POST',
        body: JSON.stringify({ invoice_ids: [...chosen], ...(note.trim() ? { note: note.trim() } : {}) }),
      });
      if (!response.ok) throw new Error(await errorMessage(response));
      const applied = (await response.json()) as CreditApplied;
      notify(`Applied ${money(applied.applied_cents)} of credit; ${money(applied.balance_cents)} left. Posted with settlement ${applied.settlement_number}.`, { type: 'success' });
      setChosen(new Set());
      setNote('');
      await load();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ p: 1 }}>
      <Typography variant="h6" component="p" data-testid="credit-balance">Unapplied credit: {money(credit.balance_cents)}</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Cash the customer paid beyond their invoices (or for an invoice paid another way meanwhile), held on account until it is applied.
      </Typography>
      {error ? <Alert severity="error" sx={{ mb: 2 }}>{error}</Alert> : null}
      {credit.balance_cents > 0 && (
        <Box sx={{ mb: 3 }}>
          <Typography variant="subtitle1">Apply to open invoices</Typography>
          {invoices.length === 0 ? <Typography variant="body2" color="text.secondary">No open invoices.</Typography> : (
            <Table size="small" aria-label="Open invoices">
              <TableHead><TableRow><TableCell padding="checkbox" /><TableCell>Invoice</TableCell><TableCell>Due</TableCell><TableCell align="right">Balance</TableCell></TableRow></TableHead>
              <TableBody>
                {invoices.map((invoice) => (
                  <TableRow key={invoice.id}>
                    <TableCell padding="checkbox">
                      <Checkbox
                        slotProps={{ input: { 'aria-label': `Apply credit to ${invoice.invoice_number}` } }}
                        checked={chosen.has(invoice.id)}
                        onChange={() => setChosen((current) => {
                          const next = new Set(current);
                          if (next.has(invoice.id)) next.delete(invoice.id);
                          else next.add(invoice.id);
                          return next;
                        })}
                      />
                    </TableCell>
                    <TableCell>{invoice.invoice_number}</TableCell>
                    <TableCell>{invoice.due_date}</TableCell>
                    <TableCell align="right">{money(invoice.balance_cents)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Stack direction="row" spacing={2} sx={{ mt: 1, alignItems: 'center' }}>
            <TextField size="small" label="Note (optional)" value={note} onChange={(event) => setNote(event.target.value)} />
            <Button variant="contained" disabled={busy || chosen.size === 0} onClick={apply}>Apply credit</Button>
          </Stack>
        </Box>
      )}
      <Typography variant="subtitle1">Ledger</Typography>
      {credit.entries.length === 0 ? <Typography variant="body2" color="text.secondary">No credit yet.</Typography> : (
        <Table size="small" aria-label="Credit ledger">
          <TableHead><TableRow><TableCell>When</TableCell><TableCell>What</TableCell><TableCell>Payment</TableCell><TableCell>Invoice</TableCell><TableCell>By</TableCell><TableCell align="right">Amount</TableCell></TableRow></TableHead>
          <TableBody>
            {credit.entries.map((entry) => (
              <TableRow key={entry.id}>
                <TableCell>{new Date(entry.created_at).toLocaleString()}</TableCell>
                <TableCell>{entry.kind_label}{entry.note ? ` — ${entry.note}` : ''}</TableCell>
                <TableCell>{entry.payment_number}</TableCell>
                <TableCell>{entry.invoice_number ?? '—'}</TableCell>
                <TableCell>{entry.actor_kind}</TableCell>
                <TableCell align="right">{entry.amount_cents < 0 ? `−${money(-entry.amount_cents)}` : money(entry.amount_cents)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
