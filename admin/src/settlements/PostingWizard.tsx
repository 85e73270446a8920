import CloudUploadIcon from '@mui/icons-material/CloudUpload';
import DownloadIcon from '@mui/icons-material/Download';
import ReplayIcon from '@mui/icons-material/Replay';
import {
  Alert, Box, Button, Card, CardContent, FormControlLabel, LinearProgress, Switch, Table, TableBody, TableCell, TableHead, TableRow, TextField,
  ToggleButton, ToggleButtonGroup, Typography,
} from '@mui/material';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useDataProvider, useRefresh } from 'react-admin';
import { localDate, zonedInstant } from '../../../domain/dates';
import { humanize, instant, money } from '../common/format';
import { useDialogAction } from '../common/useDialogAction';
import type { OperatorDataProvider } from '../dataProvider';
import { currentSession, dealerTimeZone } from '../session';
import { CategoryBadge } from './SettlementFields';
import { CATEGORIES, CATEGORY_LABELS, postingFileUrl, type Category, type PostingProgress, type SettlementDetail } from './settlementsApi';

const POLL_MS = 1000;
const RUNNING: PostingProgress['state'][] = ['posting', 'waiting_for_spruce'];

/**
 * Posting a settlement to the general ledger. Spruce dealers auto-post: the gl-posting
 * workflow posts invoices, then credits, then debits, and this panel polls its persisted
 * progress. Anyone may post by hand instead: download the posting file (header row on or off,
 * all categories or one), load it into the ERP, then mark each category posted with the time
 * it was posted there.
 */
export function PostingWizard({ settlement }: { settlement: SettlementDetail }) {
  const spruce = currentSession()?.dealer.integration_mode === 'spruce';
  const [mode, setMode] = useState<'auto' | 'manual'>(spruce ? 'auto' : 'manual');
  const closed = settlement.status !== 'open';
  const nothingToPost = CATEGORIES.every((category) => (settlement.categories[category]?.status ?? 'empty') === 'empty');

  return (
    <Card variant="outlined" data-testid="posting-wizard">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1.5, flexWrap: 'wrap' }}>
          <Typography variant="subtitle2">Post to the general ledger</Typography>
          <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_event, value) => value && setMode(value)} aria-label="Posting method">
            <ToggleButton value="auto" disabled={!spruce} sx={{ py: 0.25, textTransform: 'none' }}>
              Auto-post to Spruce
            </ToggleButton>
            <ToggleButton value="manual" sx={{ py: 0.25, textTransform: 'none' }}>
              Manual (posting file)
            </ToggleButton>
          </ToggleButtonGroup>
          {!spruce ? (
            <Typography variant="caption" color="text.secondary">
              Auto-post needs the Spruce integration; this dealer posts by file.
            </Typography>
          ) : null}
        </Box>
        {!closed ? (
          <Alert severity="info">This settlement is still collecting payments; it can be posted once it closes at the cutoff (or is closed early).</Alert>
        ) : nothingToPost ? (
          <Alert severity="info">Nothing to post: every payment left this batch before it closed.</Alert>
        ) : mode === 'auto' ? (
          <AutoPost settlement={settlement} />
        ) : (
          <ManualPost settlement={settlement} />
        )}
      </CardContent>
    </Card>
  );
}

function AutoPost({ settlement }: { settlement: SettlementDetail }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const [progress, setProgress] = useState<PostingProgress | null>(null);
  // The progress poll's own failure; a refused start is the action's refusal.
  const [error, setError] = useState<string | null>(null);
  const { busy: starting, refusal, run } = useDialogAction();
  const wasRunning = useRef(false);

  const load = useCallback(async () => {
    try {
      const next = await dataProvider.getPostingProgress(settlement.id);
      setProgress(next);
      setError(null);
      const running = RUNNING.includes(next.state);
      // The run just ended: the badges, timestamps and status above come from the settlement.
      if (wasRunning.current && !running) refresh();
      wasRunning.current = running;
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [dataProvider, settlement.id, refresh]);

  useEffect(() => {
    void load();
  }, [load]);

  const running = progress ? RUNNING.includes(progress.state) : false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, load]);

  const start = (retryRejected: boolean) =>
    run(
      async () => {
        setError(null);
        const answer = await dataProvider.autoPost(settlement.id, retryRejected);
        setProgress(answer.progress);
        wasRunning.current = true;
        void load();
        return answer;
      },
      (answer) => (answer.reason === 'nothing_to_post' ? { message: 'Nothing left to post on this settlement.', type: 'info' } : null),
    );

  const everythingPosted = CATEGORIES.every((category) => ['posted', 'empty'].includes(settlement.categories[category]?.status ?? 'empty'));
  const hasRejected = (progress?.totals.rejected ?? 0) > 0;
  const resolved = settlement.status === 'resolved';

  return (
    <Box data-testid="auto-post">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5 }}>
        {!everythingPosted && !resolved ? (
          <Button variant="contained" startIcon={<CloudUploadIcon />} disabled={starting || running} onClick={() => start(false)}>
            {running ? 'Auto-posting…' : progress && progress.run_count > 0 ? 'Continue auto-post' : 'Auto-post'}
          </Button>
        ) : null}
        {hasRejected && !running && !resolved ? (
          <Button variant="outlined" startIcon={<ReplayIcon />} disabled={starting} onClick={() => start(true)}>
            Retry rejected lines
          </Button>
        ) : null}
        {progress && !progress.waiting_for_spruce ? (
          <Typography variant="body2" color={progress.state === 'failed' ? 'error' : 'text.secondary'} data-testid="posting-message">
            {progress.message}
          </Typography>
        ) : null}
      </Box>
      {refusal ?? error ? <Alert severity="error" sx={{ mb: 1.5 }}>{refusal ?? error}</Alert> : null}
      {progress ? <ProgressView progress={progress} /> : <LinearProgress />}
    </Box>
  );
}

function ProgressView({ progress }: { progress: PostingProgress }) {
  const { totals } = progress;
  return (
    <Box data-testid="posting-progress" data-state={progress.state}>
      {progress.waiting_for_spruce ? (
        <Alert severity="warning" sx={{ mb: 1.5 }} data-testid="waiting-for-spruce">
          Waiting for Spruce: it is not answering right now. The postings are queued and continue by themselves when it is back
          {progress.last_error ? ` (last answer: ${progress.last_error.replace(/\.$/, '')})` : ''}.
        </Alert>
      ) : null}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1 }}>
        <LinearProgress
          variant="determinate"
          value={progress.percent}
          color={totals.rejected > 0 ? 'warning' : progress.state === 'completed' ? 'success' : 'primary'}
          sx={{ flex: 1, height: 10, borderRadius: 5 }}
          aria-label="Posting progress"
        />
        <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', minWidth: 180, textAlign: 'right' }} data-testid="posting-percent">
          {totals.posted.toLocaleString('en-US')} of {totals.total.toLocaleString('en-US')} lines posted ({progress.percent}%)
        </Typography>
      </Box>
      <Table size="small" aria-label="Posting progress by category">
        <TableHead>
          <TableRow>
            <TableCell>Category</TableCell>
            <TableCell>Step</TableCell>
            <TableCell align="right">Posted</TableCell>
            <TableCell align="right">Rejected</TableCell>
            <TableCell align="right">Waiting</TableCell>
            <TableCell sx={{ width: '30%' }}>Progress</TableCell>
            <TableCell>Posted at</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {progress.categories.map((category) => {
            const done = category.posted + category.rejected;
            const current = progress.current_step === category.category;
            return (
              <TableRow key={category.category} selected={current} data-testid={`progress-${category.category}`}>
                <TableCell sx={{ fontWeight: current ? 700 : undefined }}>{CATEGORY_LABELS[category.category]}</TableCell>
                <TableCell>{stepText(progress, category, current)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {category.posted}/{category.total}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: category.rejected ? 'error.main' : 'text.disabled' }}>
                  {category.rejected}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: category.pending ? undefined : 'text.disabled' }}>
                  {category.pending}
                </TableCell>
                <TableCell>
                  <LinearProgress variant="determinate" value={category.total === 0 ? 100 : Math.floor((done * 100) / category.total)} color={category.rejected ? 'warning' : 'primary'} sx={{ height: 6, borderRadius: 3 }} />
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{category.posted_at ? instant(category.posted_at) : '—'}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {progress.rejected_lines.length > 0 ? (
        <Box sx={{ mt: 1.5 }}>
          <Typography variant="subtitle2" color="error" gutterBottom>
            Lines Spruce refused ({totals.rejected})
          </Typography>
          <Table size="small" aria-label="Rejected lines" data-testid="rejected-lines">
            <TableHead>
              <TableRow>
                <TableCell>Payment</TableCell>
                <TableCell>Category</TableCell>
                <TableCell>Line</TableCell>
                <TableCell>Document</TableCell>
                <TableCell align="right">Amount</TableCell>
                <TableCell>Reason</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {progress.rejected_lines.map((line) => (
                <TableRow key={line.id}>
                  <TableCell>{line.payment_number}</TableCell>
                  <TableCell>{CATEGORY_LABELS[line.category]}</TableCell>
                  <TableCell>{humanize(line.line_type)}</TableCell>
                  <TableCell>{line.document_id ?? '—'}</TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {money(line.amount_cents)}
                  </TableCell>
                  <TableCell sx={{ color: 'error.main' }}>{line.rejected_reason}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
    </Box>
  );
}

/** Where one category stands in the run: categories post one after another. */
function stepText(progress: PostingProgress, category: PostingProgress['categories'][number], current: boolean): string {
  if (category.total === 0) return 'Nothing to post';
  if (current) return progress.waiting_for_spruce ? 'Waiting for Spruce' : 'Posting now';
  if (category.status === 'posted') return 'Done';
  if (category.rejected > 0 && category.pending === 0) return 'Lines refused';
  if (RUNNING.includes(progress.state)) return 'Queued';
  return humanize(category.status);
}

/** Now, as the dealer's wall clock reads it, for a datetime-local input. */
function dealerNow(): string {
  const timeZone = dealerTimeZone();
  const now = new Date();
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  return `${localDate(now, timeZone)}T${time}`;
}

function ManualPost({ settlement }: { settlement: SettlementDetail }) {
  const [header, setHeader] = useState(false);
  const resolved = settlement.status === 'resolved';
  return (
    <Box data-testid="manual-post">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        1. Download the posting file and load it into the ERP's payment entry. 2. Come back and mark each category posted with the time it was posted
        there (the dealer's time, {dealerTimeZone().replace(/_/g, ' ')}).
      </Typography>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5, flexWrap: 'wrap' }}>
        <Button variant="outlined" startIcon={<DownloadIcon />} component="a" href={postingFileUrl(settlement.id, { header, lines: 'unposted' })} download data-testid="posting-file-all">
          Posting file (all unposted)
        </Button>
        <FormControlLabel
          control={<Switch size="small" checked={header} onChange={(event) => setHeader(event.target.checked)} />}
          label={<Typography variant="body2">Header row {header ? 'included' : 'left out (Spruce import)'}</Typography>}
        />
      </Box>
      <Table size="small" aria-label="Manual posting by category">
        <TableHead>
          <TableRow>
            <TableCell>Category</TableCell>
            <TableCell align="right">Lines</TableCell>
            <TableCell align="right">Amount</TableCell>
            <TableCell>State</TableCell>
            <TableCell>File</TableCell>
            <TableCell>Posted in the ERP at</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {CATEGORIES.map((category) => (
            <ManualCategoryRow key={category} settlement={settlement} category={category} header={header} disabled={resolved} />
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function ManualCategoryRow({ settlement, category, header, disabled }: { settlement: SettlementDetail; category: Category; header: boolean; disabled: boolean }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const refresh = useRefresh();
  const state = settlement.categories[category];
  const status = state?.status ?? 'empty';
  const [postedAt, setPostedAt] = useState(dealerNow);
  const { busy, refusal, run, refuse } = useDialogAction({ reload: refresh });

  const mark = () => {
    const [date, time] = postedAt.split('T');
    if (!date || !time) return refuse('Enter the date and time it was posted.');
    return run(
      () => dataProvider.markCategoryPosted(settlement.id, category, zonedInstant(date, time.slice(0, 5), dealerTimeZone()).toISOString()),
      `${CATEGORY_LABELS[category]} marked posted`,
    );
  };

  return (
    <TableRow data-testid={`manual-${category}`}>
      <TableCell>{CATEGORY_LABELS[category]}</TableCell>
      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {state?.line_count ?? 0}
      </TableCell>
      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {money(state?.amount_cents ?? 0)}
      </TableCell>
      <TableCell>
        <CategoryBadge category={category} state={state} />
      </TableCell>
      <TableCell>
        {status === 'empty' ? null : (
          <Button size="small" startIcon={<DownloadIcon />} component="a" href={postingFileUrl(settlement.id, { header, category, lines: status === 'posted' ? 'all' : 'unposted' })} download>
            CSV
          </Button>
        )}
      </TableCell>
      <TableCell>
        {status === 'unposted' ? (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            <TextField
              type="datetime-local"
              size="small"
              value={postedAt}
              onChange={(event) => setPostedAt(event.target.value)}
              disabled={disabled || busy}
              slotProps={{ htmlInput: { 'aria-label': `${CATEGORY_LABELS[category]} posted at`, max: dealerNow() } }}
              sx={{ width: 210, '& input': { py: 0.5, fontSize: 13 } }}
            />
            <Button variant="contained" size="small" disabled={disabled || busy} onClick={mark} sx={{ whiteSpace: 'nowrap' }}>
              Mark posted
            </Button>
          </Box>
        ) : status === 'posted' ? (
          <Typography variant="body2">
            {instant(state?.posted_at)} · {state?.post_method === 'auto' ? 'auto' : 'by hand'}
            {state?.posted_by_name ? `, ${state.posted_by_name}` : ''}
          </Typography>
        ) : status === 'posting' ? (
          <Typography variant="body2" color="text.secondary">
            Auto-post is posting this category.
          </Typography>
        ) : (
          <Typography variant="body2" color="text.disabled">
            Nothing to post
          </Typography>
        )}
        {refusal ? (
          <Typography variant="caption" color="error" component="div">
            {refusal}
          </Typography>
        ) : null}
      </TableCell>
    </TableRow>
  );
}
