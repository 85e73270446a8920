import { useEffect } from 'react';
import { get } from './api';
import type { PaymentDetail, PaymentStatus } from './types';
import { useLoad } from './use-load';

/**
 * Statuses a customer waits through. Settled can still turn into returned or disputed days
 * later, but nobody keeps a page open for that; the next visit shows it.
 */
const MOVING: readonly PaymentStatus[] = ['pending', 'frozen', 'disputed'];

export const PAYMENT_POLL_MS = 3_000;

/** One payment as the portal shows it, re-read every few seconds until its status stops moving. */
export function useLivePayment(paymentId: string) {
  const loaded = useLoad(() => get<PaymentDetail>(`/payments/${encodeURIComponent(paymentId)}`), paymentId);
  const { data, loading, reload } = loaded;
  const moving = data ? MOVING.includes(data.status) : false;
  useEffect(() => {
    if (!moving || loading) return;
    const timer = setTimeout(reload, PAYMENT_POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, loading, reload, data]);
  return loaded;
}
