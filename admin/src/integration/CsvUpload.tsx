import UploadFileIcon from '@mui/icons-material/UploadFile';
import {
  Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TablePagination, TableRow,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useDataProvider } from 'react-admin';
import { humanize } from '../common/format';
import type { OperatorDataProvider } from '../dataProvider';
import { uploadCsvFiles, UploadRefused, type IngestionRun, type RowError } from './integrationApi';
import { useRunDecision, type RunDecision } from './useRunDecision';

const POLL_MS = 1000;
const MAX_FILES = 10;

function bytes(size: number): string {
  if (size >= 1024 ** 2) return `${(size / 1024 ** 2).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
  if (size >= 1024) return `${(size / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KB`;
  return `${size} bytes`;
}

/**
 * CSV upload in three steps: choose files (drop or pick, several at once), watch them upload
 * and validate, then read the result per file (total, valid, invalid, the invalid rows with
 * their values and errors by column) and commit or cancel. Nothing reaches the receivables
 * until Commit.
 */
export function CsvUpload({ onFinished, onRunShown }: { onFinished: () => void; onRunShown?: (runId: string | null) => void }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [uploadFraction, setUploadFraction] = useState<number | null>(null);
  const [run, setRun] = useState<IngestionRun | null>(null);
  const [refusal, setRefusal] = useState<UploadRefused | null>(null);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  // Takes an array, not the live FileList: the picker's list empties once its value is
  // cleared, which happens before React runs the state update below.
  const addFiles = (incoming: File[]) => {
    if (incoming.length === 0) return;
    setRefusal(null);
    setError(null);
    setFiles((current) => {
      const byName = new Map(current.map((file) => [file.name, file]));
      for (const file of incoming) byName.set(file.name, file);
      return [...byName.values()].slice(0, MAX_FILES);
    });
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    addFiles(Array.from(event.dataTransfer.files));
  };

  const upload = async () => {
    setUploadFraction(0);
    setRefusal(null);
    setError(null);
    try {
      setRun(await uploadCsvFiles(files, setUploadFraction));
      setFiles([]);
    } catch (failure) {
      if (failure instanceof UploadRefused) {
        setRefusal(failure);
        // The refused files leave the queue, or they would sink the next upload too; the
        // others stay queued, since nothing of this upload was kept.
        const refusedNames = new Set(failure.files.map((file) => file.filename));
        setFiles((current) => current.filter((file) => !refusedNames.has(file.name)));
      } else {
        setError((failure as Error).message);
      }
      onFinished();
    } finally {
      setUploadFraction(null);
    }
  };

  // The history leaves the decision on the run shown here to this card: one Commit per run on the page.
  useEffect(() => {
    onRunShown?.(run?.id ?? null);
  }, [run?.id, onRunShown]);

  // Validation and commit happen in a workflow; follow the run until it settles.
  const busy = run?.status === 'validating' || run?.status === 'processing';
  const runId = run?.id;
  useEffect(() => {
    if (!busy || !runId) return;
    const timer = setInterval(async () => {
      try {
        const next = await dataProvider.getIngestionRun(runId);
        setRun(next);
        if (next.status !== 'validating' && next.status !== 'processing') onFinished();
      } catch (failure) {
        setError((failure as Error).message);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [busy, runId, dataProvider, onFinished]);

  const decision = useRunDecision((next) => {
    setRun(next);
    onFinished();
  });
  const decide = (choice: RunDecision) => {
    if (run) void decision.decide(run.id, choice);
  };

  const reset = () => {
    setRun(null);
    setRefusal(null);
    setError(null);
  };

  return (
    <Card variant="outlined" data-testid="csv-upload">
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          Upload CSV files
        </Typography>
        {!run ? (
          <>
            <Box
              onDragOver={(event) => {
                event.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              onClick={() => picker.current?.click()}
              role="button"
              tabIndex={0}
              onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && picker.current?.click()}
              sx={{
                border: 2, borderStyle: 'dashed', borderColor: dragging ? 'primary.main' : 'divider', borderRadius: 1, p: 2, textAlign: 'center', cursor: 'pointer',
                bgcolor: dragging ? 'action.hover' : 'background.paper',
              }}
              data-testid="drop-zone"
            >
              <UploadFileIcon color="action" />
              <Typography variant="body2">Drop CSV files here, or click to choose (up to {MAX_FILES} at once)</Typography>
              <Typography variant="caption" color="text.secondary">
                Accounts, contacts, invoices, adjustments, statements, statement items: each file's type is recognised from its header row.
              </Typography>
              <input
                ref={picker}
                type="file"
                accept=".csv,text/csv"
                multiple
                hidden
                data-testid="file-input"
                onChange={(event) => {
                  addFiles(Array.from(event.target.files ?? []));
                  // Cleared so that choosing the same file again still fires a change.
                  event.target.value = '';
                }}
              />
            </Box>
            {files.length > 0 ? (
              <Stack direction="row" spacing={1} sx={{ mt: 1, flexWrap: 'wrap', alignItems: 'center', rowGap: 1 }}>
                {files.map((file) => (
                  <Chip
                    key={file.name}
                    size="small"
                    label={`${file.name} · ${bytes(file.size)}`}
                    onDelete={uploadFraction === null ? () => setFiles((current) => current.filter((candidate) => candidate !== file)) : undefined}
                  />
                ))}
                <Box sx={{ flex: 1 }} />
                <Button variant="contained" onClick={upload} disabled={uploadFraction !== null}>
                  Upload and validate {files.length} file{files.length === 1 ? '' : 's'}
                </Button>
              </Stack>
            ) : null}
            {uploadFraction !== null ? (
              <Box sx={{ mt: 1 }}>
                <LinearProgress variant="determinate" value={Math.round(uploadFraction * 100)} aria-label="Upload progress" />
                <Typography variant="caption" color="text.secondary">
                  Uploading… {Math.round(uploadFraction * 100)}%
                </Typography>
              </Box>
            ) : null}
            {refusal ? (
              <Alert severity="error" sx={{ mt: 1 }} data-testid="upload-refused">
                <strong>The upload was refused; nothing was kept.</strong>
                {refusal.files.length ? (
                  <>
                    <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                      {refusal.files.map((file) => (
                        <li key={file.filename}>
                          {file.filename}: {file.message}
                        </li>
                      ))}
                    </ul>
                    <div>
                      {refusal.files.length === 1 ? 'That file was' : 'Those files were'} taken out of the list
                      {files.length ? '; the other files are still listed: upload them again.' : '.'}
                    </div>
                  </>
                ) : (
                  <div>{refusal.message}</div>
                )}
              </Alert>
            ) : null}
          </>
        ) : (
          <RunResult run={run} deciding={decision.deciding} onDecide={decide} onClose={reset} />
        )}
        {error ?? decision.error ? <Alert severity="error" sx={{ mt: 1 }}>{error ?? decision.error}</Alert> : null}
      </CardContent>
    </Card>
  );
}

const RUN_STATUS_TEXT: Record<IngestionRun['status'], string> = {
  validating: 'Validating…',
  validated: 'Validated: review, then commit or cancel',
  processing: 'Applying the valid rows…',
  succeeded: 'Applied',
  failed: 'Failed',
  cancelled: 'Cancelled: nothing was applied',
};

function RunResult({ run, deciding, onDecide, onClose }: { run: IngestionRun; deciding: boolean; onDecide: (decision: RunDecision) => void; onClose: () => void }) {
  const finished = ['succeeded', 'failed', 'cancelled'].includes(run.status);
  const applied = run.status === 'succeeded' || run.status === 'processing';
  return (
    <Box data-testid="validation-result" data-status={run.status}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="run-status">
          {RUN_STATUS_TEXT[run.status]}
        </Typography>
        <Box sx={{ flex: 1 }} />
        {run.status === 'validated' ? (
          <>
            <Button variant="contained" disabled={deciding || run.totals.valid === 0} onClick={() => onDecide('commit')}>
              Commit {run.totals.valid.toLocaleString('en-US')} valid row{run.totals.valid === 1 ? '' : 's'}
            </Button>
            <Button variant="outlined" color="inherit" disabled={deciding} onClick={() => onDecide('cancel')}>
              Cancel upload
            </Button>
          </>
        ) : null}
        {run.status === 'validating' ? (
          <Button variant="outlined" color="inherit" disabled={deciding} onClick={() => onDecide('cancel')}>
            Cancel upload
          </Button>
        ) : null}
        {finished ? (
          <Button variant="outlined" startIcon={<UploadFileIcon />} onClick={onClose}>
            Upload more files
          </Button>
        ) : null}
      </Box>
      {run.status === 'validating' || run.status === 'processing' ? <LinearProgress sx={{ mb: 1 }} /> : null}
      {run.error && run.status !== 'cancelled' ? <Alert severity="error" sx={{ mb: 1 }}>{run.error}</Alert> : null}
      <Table size="small" aria-label="Files in this upload">
        <TableHead>
          <TableRow>
            <TableCell>File</TableCell>
            <TableCell>Type</TableCell>
            <TableCell align="right">Total lines</TableCell>
            <TableCell align="right">Valid</TableCell>
            <TableCell align="right">Invalid</TableCell>
            {applied ? (
              <>
                <TableCell align="right">Inserted</TableCell>
                <TableCell align="right">Updated</TableCell>
                <TableCell align="right">Unchanged</TableCell>
              </>
            ) : null}
            <TableCell>Notes</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {run.files.map((file) => (
            <TableRow key={file.id} data-testid={`file-${file.filename}`}>
              <TableCell>{file.filename}</TableCell>
              <TableCell>{humanize(file.data_type)}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid="total-lines">{file.total_lines.toLocaleString('en-US')}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: 'success.main' }} data-testid="valid-rows">{file.valid_rows.toLocaleString('en-US')}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: file.invalid_rows ? 'error.main' : 'text.disabled', fontWeight: file.invalid_rows ? 700 : undefined }} data-testid="invalid-rows">
                {file.invalid_rows.toLocaleString('en-US')}
              </TableCell>
              {applied ? (
                <>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{file.inserted.toLocaleString('en-US')}</TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{file.updated.toLocaleString('en-US')}</TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{file.unchanged.toLocaleString('en-US')}</TableCell>
                </>
              ) : null}
              <TableCell sx={{ color: 'text.secondary', fontSize: 12 }}>
                {[file.refusal, ...(file.warnings ?? []), file.previously_applied ? 'The same file was applied before.' : null].filter(Boolean).join(' ')}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {run.status !== 'validating' && run.totals.invalid > 0 ? <RowErrors runId={run.id} total={run.totals.invalid} applied={run.status === 'succeeded'} /> : null}
    </Box>
  );
}

/** The invalid rows, paged from the API: row number, the values as written, and what is wrong with each column. */
function RowErrors({ runId, total, applied }: { runId: string; total: number; applied: boolean }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(25);
  const [rows, setRows] = useState<RowError[] | null>(null);
  const [kept, setKept] = useState(total);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await dataProvider.getIngestionErrors(runId, page, perPage);
      setRows(answer.rows);
      setKept(answer.total);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [dataProvider, runId, page, perPage]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <Alert severity="error" sx={{ mt: 1 }}>{error}</Alert>;
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="subtitle2" color="error" gutterBottom>
        Invalid rows ({total.toLocaleString('en-US')}): {applied ? 'they were left out; fix them and upload them again' : 'they are left out of the commit'}
      </Typography>
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Invalid rows" data-testid="row-errors">
          <TableHead>
            <TableRow>
              <TableCell>File</TableCell>
              <TableCell align="right">Row</TableCell>
              <TableCell>Values</TableCell>
              <TableCell>Errors</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(rows ?? []).map((row) => {
              const bad = new Set(row.errors.map((entry) => entry.column));
              return (
                <TableRow key={row.id} data-testid="row-error">
                  <TableCell sx={{ verticalAlign: 'top', whiteSpace: 'nowrap' }}>{row.filename}</TableCell>
                  <TableCell align="right" sx={{ verticalAlign: 'top', fontVariantNumeric: 'tabular-nums' }} data-testid="row-number">
                    {row.row_number}
                  </TableCell>
                  <TableCell sx={{ verticalAlign: 'top', fontSize: 12 }}>
                    {row.values.map((cell, index) => (
                      <Box
                        key={`${cell.header}-${index}`}
                        component="span"
                        sx={{ display: 'inline-block', mr: 1.5, color: bad.has(cell.header) ? 'error.main' : undefined, fontWeight: bad.has(cell.header) ? 700 : undefined }}
                      >
                        <Box component="span" sx={{ color: 'text.secondary', fontWeight: 400 }}>
                          {cell.header}:
                        </Box>{' '}
                        {cell.value === '' ? <em style={{ color: '#9e9e9e' }}>empty</em> : cell.value}
                      </Box>
                    ))}
                  </TableCell>
                  <TableCell sx={{ verticalAlign: 'top' }}>
                    {row.errors.map((entry, index) => (
                      <Typography key={index} variant="body2" color="error" sx={{ fontSize: 12 }}>
                        {entry.column ? <strong>{entry.column}: </strong> : null}
                        {entry.message}
                      </Typography>
                    ))}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Box>
      <TablePagination
        component="div"
        count={kept}
        page={page}
        rowsPerPage={perPage}
        rowsPerPageOptions={[25, 50, 100]}
        onPageChange={(_event, next) => setPage(next)}
        onRowsPerPageChange={(event) => {
          setPerPage(Number(event.target.value));
          setPage(0);
        }}
      />
    </Box>
  );
}
