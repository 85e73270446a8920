import { Card, CardContent, Typography } from '@mui/material';
import { useEffect } from 'react';
import { useGetList } from 'react-admin';
import { LienWaiverTable } from './LienWaiverTable';
import type { LienWaiverRow } from './lienWaiversApi';

/**
 * The payment page's waivers: one per job it paid, conditional then unconditional. Read again
 * when the payment's status moves, since a return or refund voids them in the same change.
 */
export function LienWaiversPanel({ paymentId, paymentStatus }: { paymentId: string; paymentStatus: string }) {
  const { data, isPending, refetch } = useGetList<LienWaiverRow>('lien-waivers', { filter: { payment_id: paymentId }, sort: { field: 'created_at', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  useEffect(() => {
    void refetch();
  }, [paymentStatus, refetch]);
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
