import { Alert, Box, Button, Card, CardContent, Chip, Stack, Table, TableBody, TableCell, TableHead, TablePagination, TableRow, Typography, type ChipProps } from '@mui/material';
import { useState } from 'react';
import { useGetList } from 'react-admin';
import { humanize, instant } from '../common/format';
import type { IngestionRun } from './integrationApi';
import { useRunDecision } from './useRunDecision';

const POLL_MS = 2000;

const STATUS_COLOURS: Record<IngestionRun['status'], ChipProps['color']> = {
  validating: 'info',
  validated: 'warning',
  processing: 'info',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'default',
};

const num = (value: number) => value.toLocaleString('en-US');

/** A file read in another encoding than UTF-8 says so after its name. */
const ENCODING_NAMES: Record<string, string> = { 'windows-1252': 'Windows-1252', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE' };
const fileLabel = (file: IngestionRun['files'][number]) => (file.encoding && ENCODING_NAMES[file.encoding] ? `${file.filename} (${ENCODING_NAMES[file.encoding]})` : file.filename);

/**
 * An upload the API turned away at the door (not a CSV, an unknown header, a file attached
 * twice): nothing of it was kept, so it reads as refused with its reasons, not as a run that
 * failed half-way.
 */
const isRefused = (run: IngestionRun) => run.status === 'failed' && run.files.some((file) => file.status === 'refused');
const stillMoving = (run: IngestionRun) => run.status === 'validating' || run.status === 'processing';

/**
 * Every upload of this dealer, newest first: who, when, how it ended, and per data type the
 * lines read and what became of them (inserted, updated, unchanged, invalid).
 */
export function IngestionHistory({ version, runShownAbove }: { version: number; runShownAbove?: string | null }) {
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(10);
  const { data, total, isPending, error, refetch } = useGetList<IngestionRun>(
    'ingestion-runs',
    { pagination: { page: page + 1, perPage }, sort: { field: 'created_at', order: 'DESC' }, meta: { version } },
    // A run validating or committing moves on by itself; follow it until it settles.
    { refetchInterval: (query) => ((query.state.data?.data ?? []).some(stillMoving) ? POLL_MS : false) },
  );
  const decision = useRunDecision(() => void refetch());
  const runs = data ?? [];
  const processing = runs.filter(stillMoving).length;
  const succeeded = runs.filter((run) => run.status === 'succeeded').length;
  const refused = runs.filter(isRefused).length;
  const failed = runs.filter((run) => run.status === 'failed' && !isRefused(run)).length;

  return (
    <Card variant="outlined" data-testid="ingestion-history">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 1 }}>
          <Typography variant="subtitle2">Ingestion history</Typography>
          {runs.length ? (
            <Typography variant="caption" color="text.secondary">
              On this page: {processing} processing · {succeeded} succeeded · {failed} failed{refused ? ` · ${refused} refused` : ''}
            </Typography>
          ) : null}
        </Box>
        {error ? <Alert severity="error">{(error as Error).message}</Alert> : null}
        {decision.error ? <Alert severity="error" sx={{ mb: 1 }} data-testid="history-decision-error">{decision.error}</Alert> : null}
        {!isPending && runs.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No uploads yet.
          </Typography>
        ) : (
          <Table size="small" aria-label="Ingestion history">
            <TableHead>
              <TableRow>
                <TableCell>Uploaded</TableCell>
                <TableCell>By</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Data type</TableCell>
                <TableCell>Files</TableCell>
                <TableCell align="right">Lines</TableCell>
                <TableCell align="right">Inserted</TableCell>
                <TableCell align="right">Updated</TableCell>
                <TableCell align="right">Unchanged</TableCell>
                <TableCell align="right">Invalid</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {runs.map((run) => {
                const types = Object.entries(run.counts);
                const rows = types.length ? types : [['—', run.totals] as const];
                const refusedRun = isRefused(run);
                return rows.map(([type, counts], index) => (
                  <TableRow key={`${run.id}-${type}`} sx={index < rows.length - 1 ? { '& td': { borderBottom: 0 } } : undefined} data-testid={index === 0 ? 'ingestion-run' : undefined} data-status={run.status}>
                    {index === 0 ? (
                      <>
                        <TableCell rowSpan={rows.length} sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{instant(run.created_at)}</TableCell>
                        <TableCell rowSpan={rows.length} sx={{ verticalAlign: 'top' }}>{run.uploaded_by?.name ?? (run.uploaded_by_api_key ? `API key ${run.uploaded_by_api_key.name}` : '—')}</TableCell>
                        <TableCell rowSpan={rows.length} sx={{ verticalAlign: 'top', maxWidth: 320 }}>
                          <Chip size="small" variant="outlined" color={refusedRun ? 'default' : STATUS_COLOURS[run.status]} label={refusedRun ? 'Refused' : humanize(run.status)} sx={{ height: 20 }} />
                          {refusedRun ? <RefusalReasons run={run} /> : null}
                          {run.status === 'failed' && !refusedRun && run.error ? (
                            <Typography variant="caption" color="error" component="div" sx={{ mt: 0.5 }}>
                              {run.error}
                            </Typography>
                          ) : null}
                          {run.status === 'validated' && run.id === runShownAbove ? (
                            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
                              Review it above, then commit or cancel.
                            </Typography>
                          ) : null}
                          {run.status === 'validated' && run.id !== runShownAbove ? (
                            <Stack direction="row" spacing={1} sx={{ mt: 0.5 }}>
                              <Button size="small" variant="contained" disabled={decision.deciding || run.totals.valid === 0} onClick={() => decision.decide(run.id, 'commit')}>
                                Commit {num(run.totals.valid)} valid row{run.totals.valid === 1 ? '' : 's'}
                              </Button>
                              <Button size="small" variant="outlined" color="inherit" disabled={decision.deciding} onClick={() => decision.decide(run.id, 'cancel')}>
                                Cancel upload
                              </Button>
                            </Stack>
                          ) : null}
                        </TableCell>
                      </>
                    ) : null}
                    <TableCell>{humanize(type === 'null' ? 'unknown' : type)}</TableCell>
                    <TableCell sx={{ fontSize: 12, color: 'text.secondary' }}>
                      {run.files.filter((file) => (file.data_type ?? 'null') === type || types.length === 0).map(fileLabel).join(', ')}
                    </TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{num(counts.lines)}</TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{num(counts.inserted)}</TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{num(counts.updated)}</TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{num(counts.unchanged)}</TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: counts.invalid ? 'error.main' : 'text.disabled' }}>{num(counts.invalid)}</TableCell>
                  </TableRow>
                ));
              })}
            </TableBody>
          </Table>
        )}
        {(total ?? 0) > perPage || page > 0 ? <TablePagination
          component="div"
          count={total ?? 0}
          page={page}
          rowsPerPage={perPage}
          rowsPerPageOptions={[10, 25, 50]}
          onPageChange={(_event, next) => setPage(next)}
          onRowsPerPageChange={(event) => {
            setPerPage(Number(event.target.value));
            setPage(0);
          }}
        /> : null}
      </CardContent>
    </Card>
  );
}

function RefusalReasons({ run }: { run: IngestionRun }) {
  return (
    <Box sx={{ mt: 0.5 }} data-testid="refusal-reasons">
      <Typography variant="caption" color="text.secondary" component="div">
        Nothing of this upload was kept.
      </Typography>
      {run.files
        .filter((file) => file.refusal)
        .map((file) => (
          <Typography key={file.id} variant="caption" color="error" component="div">
            {file.filename}: {file.refusal}
          </Typography>
        ))}
    </Box>
  );
}
