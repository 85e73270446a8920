import RefreshIcon from '@mui/icons-material/Refresh';
import { Alert, Box, Button, LinearProgress, List, ListItem, ListItemText, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useDataProvider } from 'react-admin';
import { humanize, money } from '../common/format';
import type { OperatorDataProvider } from '../dataProvider';
import type { Reconciliation } from './settlementsApi';

type Cell = { kind: 'money' | 'count'; value: number } | { kind: 'none' };

const none: Cell = { kind: 'none' };
const cents = (value: number): Cell => ({ kind: 'money', value });
const count = (value: number): Cell => ({ kind: 'count', value });

function show(cell: Cell) {
  if (cell.kind === 'none') return <span style={{ color: '#bdbdbd' }}>—</span>;
  return cell.kind === 'money' ? money(cell.value) : cell.value.toLocaleString('en-US');
}

/**
 * Drypowder, the processor (Moov) and the ERP ledger (Spruce) side by side, the differences
 * listed under them in the API's words, and a plain "all three agree" when they do. The
 * report reads Moov and Spruce live, so it loads when this tab is opened and on "Run again".
 */
export function ReconciliationReport({ settlementId }: { settlementId: string }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [report, setReport] = useState<Reconciliation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setReport(await dataProvider.getReconciliation(settlementId));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setLoading(false);
    }
  }, [dataProvider, settlementId]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!report) {
    return loading ? <LinearProgress /> : <Alert severity="error">{error}</Alert>;
  }
  const { drypowder, processor, erp } = report;
  const unavailable = (side: { available: boolean; reason?: string }) => (side.available ? null : side.reason ?? 'not read');
  const rows: Array<{ label: string; ours: Cell; moov: Cell; spruce: Cell }> = [
    { label: 'Payments / transfers', ours: count(drypowder.paymentCount), moov: processor.available ? count(processor.transferCount) : none, spruce: none },
    { label: 'Collected', ours: cents(drypowder.collectedCents), moov: processor.available ? cents(processor.collectedCents) : none, spruce: none },
    { label: 'Returned', ours: cents(drypowder.returnedCents), moov: processor.available ? cents(processor.returnedCents) : none, spruce: none },
    { label: 'GL lines', ours: count(drypowder.lineCount), moov: none, spruce: erp.available ? count(erp.postingCount) : none },
    { label: 'GL lines posted', ours: count(drypowder.postedLineCount), moov: none, spruce: erp.available ? count(erp.postingCount) : none },
    { label: 'Cash applied by GL lines', ours: cents(drypowder.lineCashCents), moov: none, spruce: erp.available ? cents(erp.cashCents) : none },
  ];

  return (
    <Box data-testid="reconciliation">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        {report.agrees ? (
          <Alert severity="success" sx={{ flex: 1, py: 0 }} data-testid="reconciliation-agrees">
            All three agree to the cent. {report.summary}
          </Alert>
        ) : (
          <Alert severity={report.differences.length > 0 ? 'warning' : 'info'} sx={{ flex: 1, py: 0 }} data-testid="reconciliation-summary">
            {report.summary}
          </Alert>
        )}
        <Button startIcon={<RefreshIcon />} onClick={() => void load()} disabled={loading}>
          Run again
        </Button>
      </Box>
      {loading ? <LinearProgress sx={{ mb: 1 }} /> : null}
      {error ? <Alert severity="error" sx={{ mb: 1 }}>{error}</Alert> : null}
      <Table size="small" aria-label="Reconciliation" sx={{ '& td, & th': { width: '25%' } }}>
        <TableHead>
          <TableRow>
            <TableCell />
            <TableCell align="right">Drypowder</TableCell>
            <TableCell align="right">Processor (Moov)</TableCell>
            <TableCell align="right">ERP ledger (Spruce)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.label}>
              <TableCell>{row.label}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{show(row.ours)}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{show(row.moov)}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{show(row.spruce)}</TableCell>
            </TableRow>
          ))}
          {unavailable(processor) || unavailable(erp) ? (
            <TableRow>
              <TableCell sx={{ color: 'text.secondary' }}>Not compared</TableCell>
              <TableCell />
              <TableCell align="right" sx={{ color: 'text.secondary' }}>{unavailable(processor) ?? ''}</TableCell>
              <TableCell align="right" sx={{ color: 'text.secondary' }}>{unavailable(erp) ?? ''}</TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
      {report.differences.length > 0 ? (
        <Box sx={{ mt: 1.5 }}>
          <Typography variant="subtitle2" gutterBottom>
            Differences ({report.differences.length})
          </Typography>
          <List dense disablePadding data-testid="reconciliation-differences">
            {report.differences.map((difference, index) => (
              <ListItem key={`${difference.kind}-${difference.key ?? difference.paymentNumber}-${index}`} disableGutters divider>
                <ListItemText
                  primary={difference.message}
                  secondary={`${humanize(difference.kind)} · payment ${difference.paymentNumber}${difference.drypowderCents !== undefined ? ` · here ${money(difference.drypowderCents)}` : ''}${difference.otherCents !== undefined ? ` · there ${money(difference.otherCents)}` : ''}`}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      ) : null}
    </Box>
  );
}
