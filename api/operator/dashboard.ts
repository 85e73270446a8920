import { Router } from 'express';
import type { Db } from '../../db/connection';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { agingTotals, attentionCounts, cashReceivedByDay, pendingTotals, settlementCounts } from '../../db/dashboard';
import { dealerTimeZone } from '../../db/list-query';

/** How many days, ending today in the dealer's time zone, "Cash received by day" covers. */
export const CASH_RECEIVED_DAYS = 30;

/**
 * The console's home: open AR by aging bucket (from the precomputed account statistics, so a
 * dealer with 50,000 accounts reads one aggregate), the payments an operator must look at, and
 * the settlements still waiting to be posted or resolved. Every figure links to a filtered list
 * in the console, so each count here uses exactly that list's filter.
 *
 * Cash received is money that has settled, counted on the dealer-local day it settled
 * (`settled_at`), not the day it was submitted: an ACH payment still pending at the processor
 * may yet fail or be returned, so it is shown apart (`pending`) and never in the daily bars.
 * A settled payment whose money went back (returned, or refunded on termination) is left out.
 */
export function dashboardRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.get('/dashboard', async (req, res) => {
    res.json(await dashboard(db, operatorOf(req).dealerId));
  });
  return router;
}

export async function dashboard(db: Db, dealerId: string) {
  const timeZone = await dealerTimeZone(db, dealerId);
  const [aging, attention, settlements, received, pending] = await Promise.all([
    agingTotals(db, dealerId),
    attentionCounts(db, dealerId),
    settlementCounts(db, dealerId),
    cashReceivedByDay(db, dealerId, timeZone, CASH_RECEIVED_DAYS),
    pendingTotals(db, dealerId),
  ]);
  return {
    id: 'dashboard',
    aging: [
      { bucket: 'current', label: 'Current', cents: aging.current_cents },
      { bucket: '1_30', label: '1–30 days', cents: aging.aging_1_30_cents },
      { bucket: '31_60', label: '31–60 days', cents: aging.aging_31_60_cents },
      { bucket: '61_90', label: '61–90 days', cents: aging.aging_61_90_cents },
      { bucket: '91_plus', label: '91+ days', cents: aging.aging_91_plus_cents },
    ],
    outstanding_cents: aging.outstanding_cents,
    stats_as_of: aging.as_of ?? null,
    attention: {
      frozen: attention.frozen,
      needs_investigation: attention.needs_investigation,
      returned: attention.returned,
      disputed: attention.disputed,
    },
    settlements: {
      to_post: settlements.to_post,
      to_post_net_cents: settlements.to_post_net_cents,
      oldest_to_post: settlements.oldest_to_post ?? null,
      to_resolve: settlements.to_resolve,
      open: settlements.open,
    },
    cash_received: {
      days: CASH_RECEIVED_DAYS,
      amount_cents: received.reduce((total, day) => total + day.amount_cents, 0),
      count: received.reduce((total, day) => total + day.count, 0),
      by_day: received,
    },
    pending: { count: pending.count, amount_cents: pending.amount_cents },
  };
}
