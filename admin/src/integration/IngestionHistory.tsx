import { Alert, Box, Card, CardContent, Chip, Table, TableBody, TableCell, TableHead, TablePagination, TableRow, Typography, type ChipProps } from '@mui/material';
import { useState } from 'react';
import { useGetList } from 'react-admin';
import { humanize, instant } from '../common/format';
import type { IngestionRun } from './integrationApi';

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
 * Every upload of this dealer, newest first: who, when, how it ended, and per data type the
 * lines read and what became of them (inserted, updated, unchanged, invalid).
 */
export function IngestionHistory({ version }: { version: number }) {
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(10);
  const { data, total, isPending, error } = useGetList<IngestionRun>(
    'ingestion-runs',
    { pagination: { page: page + 1, perPage }, sort: { field: 'created_at', order: 'DESC' }, meta: { version } },
  );
  const runs = data ?? [];
  const processing = runs.filter((run) => run.status === 'validating' || run.status === 'processing').length;
  const succeeded = runs.filter((run) => run.status === 'succeeded').length;
  const failed = runs.filter((run) => run.status === 'failed').length;

  return (
    <Card variant="outlined" data-testid="ingestion-history">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 1 }}>
          <Typography variant="subtitle2">Ingestion history</Typography>
          {runs.length ? (
            <Typography variant="caption" color="text.secondary">
              On this page: {processing} processing · {succeeded} succeeded · {failed} failed
            </Typography>
          ) : null}
        </Box>
        {error ? <Alert severity="error">{(error as Error).message}</Alert> : null}
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
                return rows.map(([type, counts], index) => (
                  <TableRow key={`${run.id}-${type}`} sx={index < rows.length - 1 ? { '& td': { borderBottom: 0 } } : undefined}>
                    {index === 0 ? (
                      <>
                        <TableCell rowSpan={rows.length} sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{instant(run.created_at)}</TableCell>
                        <TableCell rowSpan={rows.length} sx={{ verticalAlign: 'top' }}>{run.uploaded_by?.name ?? '—'}</TableCell>
                        <TableCell rowSpan={rows.length} sx={{ verticalAlign: 'top' }}>
                          <Chip size="small" variant="outlined" color={STATUS_COLOURS[run.status]} label={humanize(run.status)} sx={{ height: 20 }} title={run.error ?? undefined} />
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
