import { Box, Link as MuiLink, Typography } from '@mui/material';
import { LinkBase } from 'react-admin';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { compactDollars, dollarAxis, shortDay } from '../common/charts';
import { calendarDate, money } from '../common/format';
import type { DashboardFigures } from './dashboardApi';

const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/**
 * Money that has settled, by the dealer-local day it settled. Payments still pending at the
 * processor can yet fail or come back, so they are not cash: their total is shown beside the
 * chart and opens the Pending payments list.
 */
export function CashReceivedChart({ received, pending, height, pendingUrl }: {
  received: DashboardFigures['cash_received'];
  pending: DashboardFigures['pending'];
  height: number;
  pendingUrl: string;
}) {
  const amounts = received.by_day.map((day) => day.amount_cents);
  const axis = dollarAxis(amounts);
  const nothingReceived = amounts.every((amount) => amount === 0);
  return (
    <Box data-testid="cash-received-chart">
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 0.5, flexWrap: 'wrap' }}>
        <Typography variant="subtitle2">Cash received by day</Typography>
        <Typography variant="caption" color="text.secondary" data-testid="cash-received-total">
          Last {received.days} days: {money(received.amount_cents)} settled in {plural(received.count, 'payment')}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <MuiLink component={LinkBase} to={pendingUrl} variant="caption" underline="hover" data-testid="cash-pending">
          Pending, not yet received: {money(pending.amount_cents)} in {plural(pending.count, 'payment')}
        </MuiLink>
      </Box>
      {nothingReceived ? (
        // An empty chart would only draw a flat axis of zeros.
        <Box sx={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center', border: 1, borderColor: 'divider', borderStyle: 'dashed', borderRadius: 1 }} data-testid="cash-received-empty">
          <Typography variant="body2" color="text.secondary">
            No payments settled in the last {received.days} days.
          </Typography>
        </Box>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={received.by_day} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis tickFormatter={compactDollars} {...axis} tick={{ fontSize: 11 }} width={56} />
            <Tooltip
              formatter={(value) => [money(Number(value)), 'Settled']}
              labelFormatter={(label) => {
                const day = received.by_day.find((row) => row.day === label);
                return `${calendarDate(String(label))}${day ? ` · ${plural(day.count, 'payment')}` : ''}`;
              }}
            />
            <Bar dataKey="amount_cents" fill="#2e7d5b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}
