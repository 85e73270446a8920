import { useEffect, useRef } from 'react';
import { get } from './api';
import type { PaymentDetail, PaymentStatus } from './types';
import { useLoad } from './use-load';

/**
 * Statuses a customer waits through. Settled can still turn into returned or disputed days
 * later, but nobody keeps a page open for that; the next visit shows it.
 */
const MOVING: readonly PaymentStatus[] = ['pending', 'frozen', 'disputed'];

export const PAYMENT_POLL_MS = 3_000;

/**
 * One payment as the portal shows it, re-read every few seconds until its status stops moving.
 * A failed re-read keeps the payment on screen and tries again: a dropped connection for a
 * moment should not replace the page with an error.
 */
export function useLivePayment(paymentId: string): { data: PaymentDetail | undefined; error: string | null } {
  const { data, error, loading, reload } = useLoad(() => get<PaymentDetail>(`/payments/${encodeURIComponent(paymentId)}`), paymentId);
  const last = useRef<PaymentDetail | undefined>(undefined);
  if (data) last.current = data;
  const shown = data ?? (last.current?.id === paymentId ? last.current : undefined);
  const moving = shown ? MOVING.includes(shown.status) : false;
  useEffect(() => {
    if (!moving || loading) return;
    const timer = setTimeout(reload, PAYMENT_POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, loading, reload, data, error]);
  return { data: shown, error: shown ? null : error };
}
