import { Box, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useDataProvider } from 'react-admin';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { compactDollars, dollarAxis, shortDay } from '../common/charts';
import { calendarDate, money } from '../common/format';
import type { OperatorDataProvider } from '../dataProvider';
import type { VolumeDay } from './paymentsApi';

/** Daily payment volume (what customers submitted, failed and terminated left out), newest day on the right. */
export function PaymentVolumeChart({ days = 30, height = 150 }: { days?: number; height?: number }) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const [data, setData] = useState<VolumeDay[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    dataProvider.getPaymentVolume(days).then(
      (rows) => live && setData(rows),
      (failure: Error) => live && setError(failure.message),
    );
    return () => {
      live = false;
    };
  }, [dataProvider, days]);

  const total = data?.reduce((sum, day) => sum + day.amountCents, 0) ?? 0;
  const count = data?.reduce((sum, day) => sum + day.count, 0) ?? 0;
  const axis = dollarAxis(data?.map((day) => day.amountCents) ?? []);
  return (
    <Box data-testid="payment-volume-chart">
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 0.5 }}>
        <Typography variant="subtitle2">Payment volume by day</Typography>
        {data ? (
          <Typography variant="caption" color="text.secondary">
            Last {days} days: {money(total)} in {count.toLocaleString('en-US')} payment{count === 1 ? '' : 's'}
          </Typography>
        ) : null}
      </Box>
      {error ? (
        <Typography variant="body2" color="error">
          {error}
        </Typography>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={data ?? []} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis tickFormatter={compactDollars} {...axis} tick={{ fontSize: 11 }} width={56} />
            <Tooltip
              formatter={(value) => [money(Number(value)), 'Amount']}
              labelFormatter={(label) => {
                const day = data?.find((row) => row.day === label);
                return `${calendarDate(String(label))}${day ? ` · ${day.count} payment${day.count === 1 ? '' : 's'}` : ''}`;
              }}
            />
            <Bar dataKey="amountCents" fill="#2e7d5b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}
