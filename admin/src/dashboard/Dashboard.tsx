import { Alert, Box, Card, CardActionArea, CardContent, Grid, LinearProgress, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { LinkBase, Title, useDataProvider, useNavigate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { compactDollars, dollarAxis, shortDay } from '../common/charts';
import { calendarDate, money } from '../common/format';
import type { OperatorDataProvider } from '../dataProvider';
import { CashReceivedChart } from './CashReceivedChart';
import type { DashboardFigures } from './dashboardApi';

/** A list URL with its filter, as react-admin reads it from the location. */
const listUrl = (resource: string, filter: Record<string, unknown>) => `/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;

const AGING_COLOURS: Record<string, string> = { current: '#2e7d32', '1_30': '#9e9d24', '31_60': '#f9a825', '61_90': '#ef6c00', '91_plus': '#c62828' };

function CountCard({ label, count, detail, to, tone, testId }: { label: string; count: number; detail?: string; to: string; tone: 'warning' | 'error' | 'info'; testId: string }) {
  const active = count > 0;
  return (
    <Card variant="outlined" sx={{ height: '100%', borderLeft: 4, borderLeftColor: active ? `${tone}.main` : 'divider' }}>
      <CardActionArea component={LinkBase} to={to} sx={{ height: '100%' }} data-testid={testId}>
        <CardContent sx={{ py: 1, '&:last-child': { pb: 1 } }}>
          <Typography variant="caption" color="text.secondary" component="div">
            {label}
          </Typography>
          <Typography variant="h5" component="div" sx={{ fontWeight: 700, fontVariantNumeric: 'tabular-nums', color: active ? `${tone}.main` : 'text.disabled' }}>
            {count.toLocaleString('en-US')}
          </Typography>
          {detail ? (
            <Typography variant="caption" color="text.secondary" component="div" noWrap>
              {detail}
            </Typography>
          ) : null}
        </CardContent>
      </CardActionArea>
    </Card>
  );
}

/**
 * The console's home: what needs a person today (payments to review, settlements to post),
 * then the shape of open AR by age and the cash coming in. Every figure opens the list it
 * counts, already filtered.
 */
export function Dashboard() {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const navigate = useNavigate();
  const [figures, setFigures] = useState<DashboardFigures | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    dataProvider.getDashboard().then(
      (next) => live && setFigures(next),
      (failure: Error) => live && setError(failure.message),
    );
    return () => {
      live = false;
    };
  }, [dataProvider]);

  const agingAxis = dollarAxis(figures?.aging.map((bucket) => bucket.cents) ?? []);
  return (
    <Box sx={{ mt: 1, mb: 3 }} data-testid="dashboard">
      <Title title="Dashboard" />
      {error ? <Alert severity="error">{error}</Alert> : null}
      {!figures && !error ? <LinearProgress /> : null}
      {figures ? (
        <Grid container spacing={1.5}>
          <Grid size={12}>
            <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
              Needs attention
            </Typography>
            <Grid container spacing={1.5}>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard label="Frozen payments" count={figures.attention.frozen} to={listUrl('payments', { status: ['frozen'] })} tone="warning" detail="Held for review" testId="attention-frozen" />
              </Grid>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard label="Pending > 3 business days" count={figures.attention.needs_investigation} to={listUrl('payments', { needs_investigation: true })} tone="warning" detail="Check with the bank" testId="attention-stale" />
              </Grid>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard label="Returned payments" count={figures.attention.returned} to={listUrl('payments', { status: ['returned'] })} tone="error" detail="Items payable again" testId="attention-returned" />
              </Grid>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard label="Disputed payments" count={figures.attention.disputed} to={listUrl('payments', { status: ['disputed'] })} tone="error" detail="Investigate and resolve" testId="attention-disputed" />
              </Grid>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard
                  label="Settlements to post"
                  count={figures.settlements.to_post}
                  to={listUrl('settlements', { status: ['ready', 'partially_posted'] })}
                  tone="info"
                  detail={figures.settlements.to_post ? `${money(figures.settlements.to_post_net_cents)} net · since ${shortDay(figures.settlements.oldest_to_post ?? '')}` : 'All posted'}
                  testId="settlements-to-post"
                />
              </Grid>
              <Grid size={{ xs: 6, md: 2 }}>
                <CountCard label="Posted, to resolve" count={figures.settlements.to_resolve} to={listUrl('settlements', { status: ['posted'] })} tone="info" detail="Reconcile, then resolve" testId="settlements-to-resolve" />
              </Grid>
            </Grid>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <Card variant="outlined" sx={{ height: '100%' }}>
              <CardContent sx={{ pb: 1 }}>
                <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 0.5 }}>
                  <Typography variant="subtitle2">Open AR by aging bucket</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {money(figures.outstanding_cents)} outstanding{figures.stats_as_of ? ` · as of ${calendarDate(figures.stats_as_of)}` : ''}
                  </Typography>
                </Box>
                <Box data-testid="aging-chart">
                  <ResponsiveContainer width="100%" height={200}>
                    <BarChart data={figures.aging} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                      <YAxis tickFormatter={compactDollars} {...agingAxis} tick={{ fontSize: 11 }} width={56} />
                      <Tooltip formatter={(value) => [money(Number(value)), 'Open']} />
                      <Bar
                        dataKey="cents"
                        isAnimationActive={false}
                        cursor="pointer"
                        onClick={(entry) => {
                          const bucket = (entry as unknown as { payload?: { bucket: string } }).payload?.bucket;
                          navigate(bucket && bucket !== 'current' ? listUrl('customers', { aging_bucket: bucket }) : '/customers');
                        }}
                      >
                        {figures.aging.map((bucket) => (
                          <Cell key={bucket.bucket} fill={AGING_COLOURS[bucket.bucket]} />
                        ))}
                      </Bar>
                    </BarChart>
                  </ResponsiveContainer>
                </Box>
                <Box sx={{ display: 'flex', justifyContent: 'space-around', mt: 0.5 }}>
                  {figures.aging.map((bucket) => (
                    <Box key={bucket.bucket} sx={{ textAlign: 'center' }}>
                      <Typography variant="caption" color="text.secondary" component="div">
                        {bucket.label}
                      </Typography>
                      <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`aging-${bucket.bucket}`}>
                        {money(bucket.cents)}
                      </Typography>
                    </Box>
                  ))}
                </Box>
              </CardContent>
            </Card>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <Card variant="outlined" sx={{ height: '100%' }}>
              <CardContent sx={{ pb: 1 }}>
                <CashReceivedChart received={figures.cash_received} pending={figures.pending} height={236} pendingUrl={listUrl('payments', { status: ['pending'] })} />
              </CardContent>
            </Card>
          </Grid>
        </Grid>
      ) : null}
    </Box>
  );
}
