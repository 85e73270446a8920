import { Card, CardContent, Typography } from '@mui/material';
import { useGetList } from 'react-admin';
import { LienWaiverTable } from './LienWaiverTable';
import type { LienWaiverRow } from './lienWaiversApi';

/** The payment page's waivers: one per job it paid, conditional then unconditional. */
export function LienWaiversPanel({ paymentId }: { paymentId: string }) {
  const { data, isPending } = useGetList<LienWaiverRow>('lien-waivers', { filter: { payment_id: paymentId }, sort: { field: 'created_at', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  if (isPending || !data?.length) return null;
  return (
    <Card variant="outlined" data-testid="payment-lien-waivers">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Typography variant="subtitle1" component="h2" gutterBottom>Lien waivers</Typography>
        <LienWaiverTable waivers={data} show="job" />
      </CardContent>
    </Card>
  );
}
