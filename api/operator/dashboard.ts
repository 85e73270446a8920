import { Router } from 'express';
import type { Db } from '../../db/connection';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { dealerTimeZone, sumCents } from '../../db/list-query';

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
    db('account_stats').where({ dealer_id: dealerId }).first(
      db.raw(`${sumCents('current_cents')} as current_cents`),
      db.raw(`${sumCents('aging_1_30_cents')} as aging_1_30_cents`),
      db.raw(`${sumCents('aging_31_60_cents')} as aging_31_60_cents`),
      db.raw(`${sumCents('aging_61_90_cents')} as aging_61_90_cents`),
      db.raw(`${sumCents('aging_91_plus_cents')} as aging_91_plus_cents`),
      db.raw(`${sumCents('outstanding_cents')} as outstanding_cents`),
      db.raw('max(as_of) as as_of'),
    ),
    db('payments').where({ dealer_id: dealerId }).first(
      db.raw(`count(*) filter (where status = 'frozen')::int as frozen`),
      db.raw(`count(*) filter (where needs_investigation)::int as needs_investigation`),
      db.raw(`count(*) filter (where status = 'returned')::int as returned`),
      db.raw(`count(*) filter (where status = 'disputed')::int as disputed`),
    ),
    db('settlements').where({ dealer_id: dealerId }).first(
      db.raw(`count(*) filter (where status in ('ready', 'partially_posted'))::int as to_post`),
      db.raw(`coalesce(sum(net_cents) filter (where status in ('ready', 'partially_posted')), 0)::bigint as to_post_net_cents`),
      db.raw(`min(business_date) filter (where status in ('ready', 'partially_posted')) as oldest_to_post`),
      db.raw(`count(*) filter (where status = 'posted')::int as to_resolve`),
      db.raw(`count(*) filter (where status = 'open')::int as open`),
    ),
    cashReceivedByDay(db, dealerId, timeZone),
    db('payments').where({ dealer_id: dealerId, status: 'pending' }).first(
      db.raw('count(*)::int as count'),
      db.raw(`${sumCents('amount_cents')} as amount_cents`),
    ),
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

/** Every day of the window, oldest first, with what settled that day (zero on quiet days). */
async function cashReceivedByDay(db: Db, dealerId: string, timeZone: string): Promise<Array<{ day: string; amount_cents: number; count: number }>> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; amount_cents: string | number; count: number }> }>(
    `with days as (
       select d::date as day
         from generate_series((now() at time zone :zone)::date - (:days::int - 1), (now() at time zone :zone)::date, interval '1 day') d
     ), received as (
       select (p.settled_at at time zone :zone)::date as day, sum(p.amount_cents)::bigint as amount_cents, count(*)::int as count
         from payments p
        where p.dealer_id = :dealerId
          and p.settled_at >= ((select min(day) from days)::timestamp at time zone :zone)
          and p.status not in ('returned', 'terminated')
        group by 1
     )
     select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(r.amount_cents, 0)::bigint as amount_cents, coalesce(r.count, 0)::int as count
       from days left join received r on r.day = days.day
      order by days.day`,
    { zone: timeZone, days: CASH_RECEIVED_DAYS, dealerId },
  );
  return rows.map((row) => ({ day: row.day, amount_cents: Number(row.amount_cents), count: row.count }));
}
