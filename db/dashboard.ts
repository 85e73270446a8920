import type { Knex } from 'knex';
import { sumCents } from './list-query';

/**
 * The aggregates behind the console's home page, one query each, all for one dealer. What
 * each figure means (and which list it links to) is said in `api/operator/dashboard.ts`.
 */

type Executor = Knex | Knex.Transaction;

export interface AgingTotals {
  current_cents: number;
  aging_1_30_cents: number;
  aging_31_60_cents: number;
  aging_61_90_cents: number;
  aging_91_plus_cents: number;
  outstanding_cents: number;
  as_of: Date | null;
}

export interface AttentionCounts {
  frozen: number;
  needs_investigation: number;
  returned: number;
  disputed: number;
}

export interface SettlementCounts {
  to_post: number;
  to_post_net_cents: number;
  oldest_to_post: string | null;
  to_resolve: number;
  open: number;
}

export interface PendingTotals {
  count: number;
  amount_cents: number;
}

export interface CashReceivedDay {
  day: string;
  amount_cents: number;
  count: number;
}

export async function agingTotals(db: Executor, dealerId: string): Promise<AgingTotals> {
  return db('account_stats').where({ dealer_id: dealerId }).first(
    db.raw(`${sumCents('current_cents')} as current_cents`),
    db.raw(`${sumCents('aging_1_30_cents')} as aging_1_30_cents`),
    db.raw(`${sumCents('aging_31_60_cents')} as aging_31_60_cents`),
    db.raw(`${sumCents('aging_61_90_cents')} as aging_61_90_cents`),
    db.raw(`${sumCents('aging_91_plus_cents')} as aging_91_plus_cents`),
    db.raw(`${sumCents('outstanding_cents')} as outstanding_cents`),
    db.raw('max(as_of) as as_of'),
  );
}

export async function attentionCounts(db: Executor, dealerId: string): Promise<AttentionCounts> {
  return db('payments').where({ dealer_id: dealerId }).first(
    db.raw(`count(*) filter (where status = 'frozen')::int as frozen`),
    db.raw(`count(*) filter (where needs_investigation)::int as needs_investigation`),
    // Money that came back after settling, whichever way it came: a bank return or a chargeback lost.
    db.raw(`count(*) filter (where status in ('returned', 'charged_back'))::int as returned`),
    db.raw(`count(*) filter (where status = 'disputed')::int as disputed`),
  );
}

export async function settlementCounts(db: Executor, dealerId: string): Promise<SettlementCounts> {
  return db('settlements').where({ dealer_id: dealerId }).first(
    db.raw(`count(*) filter (where status in ('ready', 'partially_posted'))::int as to_post`),
    db.raw(`coalesce(sum(net_cents) filter (where status in ('ready', 'partially_posted')), 0)::bigint as to_post_net_cents`),
    db.raw(`min(business_date) filter (where status in ('ready', 'partially_posted')) as oldest_to_post`),
    db.raw(`count(*) filter (where status = 'posted')::int as to_resolve`),
    db.raw(`count(*) filter (where status = 'open')::int as open`),
  );
}

export async function pendingTotals(db: Executor, dealerId: string): Promise<PendingTotals> {
  return db('payments').where({ dealer_id: dealerId, status: 'pending' }).first(
    db.raw('count(*)::int as count'),
    db.raw(`${sumCents('amount_cents')} as amount_cents`),
  );
}

/**
 * Every day of the last `days`, ending today in `timeZone`, oldest first, with what settled
 * that day (zero on quiet days). Returned, refunded or charged-back money is left out, in full or
 * for the part that went back.
 */
export async function cashReceivedByDay(db: Executor, dealerId: string, timeZone: string, days: number): Promise<CashReceivedDay[]> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; amount_cents: string | number; count: number }> }>(
    `with days as (
       select d::date as day
         from generate_series((now() at time zone :zone)::date - (:days::int - 1), (now() at time zone :zone)::date, interval '1 day') d
     ), received as (
       select (p.settled_at at time zone :zone)::date as day, sum(p.amount_cents - p.reversed_cents)::bigint as amount_cents, count(*)::int as count
         from payments p
        where p.dealer_id = :dealerId
          and p.settled_at >= ((select min(day) from days)::timestamp at time zone :zone)
          and p.status not in ('returned', 'terminated', 'refunded', 'charged_back')
        group by 1
     )
     select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(r.amount_cents, 0)::bigint as amount_cents, coalesce(r.count, 0)::int as count
       from days left join received r on r.day = days.day
      order by days.day`,
    { zone: timeZone, days, dealerId },
  );
  return rows.map((row) => ({ day: row.day, amount_cents: Number(row.amount_cents), count: row.count }));
}
