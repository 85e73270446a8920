import { Router } from 'express';
import type { Db } from '../../db/connection';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { sumCents } from './list-helpers';

/**
 * The console's home: open AR by aging bucket (from the precomputed account statistics, so a
 * dealer with 50,000 accounts reads one aggregate), the payments an operator must look at, and
 * the settlements still waiting to be posted or resolved. Every figure links to a filtered list
 * in the console, so each count here uses exactly that list's filter.
 */
export function dashboardRoutes({ db }: AppDeps): Router {
  const router = Router();
  router.get('/dashboard', async (req, res) => {
    res.json(await dashboard(db, operatorOf(req).dealerId));
  });
  return router;
}

export async function dashboard(db: Db, dealerId: string) {
  const [aging, attention, settlements] = await Promise.all([
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
  };
}
