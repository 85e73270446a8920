import type { Db } from '../../db/connection';
import { lineCounts } from '../../db/gl-lines';
import { findPostingRun } from '../../db/gl-posting';
import {
  findSettlementHeader, findSettlementRow, listSettlementLineRows, listSettlementRows, rejectedLineRows, settlementCategoryRows, settlementLineRows, settlementPayments,
  type SettlementListRow,
} from '../../db/settlement-queries';
import { SETTLEMENT_CATEGORIES, type SettlementCategory } from '../../domain/settlement';
import { notFound } from '../errors';
import type { ListParams } from '../simple-rest';
import { asArray, parseFilter } from './list-helpers';
import { lineFilter, settlementFilter } from '../../contracts/operator/settlements';

/**
 * Reads behind the Settlements tab: the dealer's batches with their three posting categories,
 * one batch with its payments and lines, and the persisted progress of an auto-post run.
 */


export const DEFAULT_SETTLEMENT_SORT: ListParams['sort'] = { field: 'business_date', order: 'DESC' };

export interface CategoryView {
  status: string;
  line_count: number;
  amount_cents: number;
  posted_at: Date | null;
  post_method: 'auto' | 'manual' | null;
  posted_by: string | null;
  posted_by_name: string | null;
}

export async function listSettlements(db: Db, dealerId: string, params: ListParams): Promise<{ rows: unknown[]; total: number }> {
  const filter = parseFilter(settlementFilter, params.filter);
  const { rows, total } = await listSettlementRows(db, dealerId, {
    ids: filter.id ? asArray(filter.id) : undefined,
    statuses: filter.status ? asArray(filter.status) : undefined,
    q: filter.q,
    businessDateGte: filter.business_date_gte,
    businessDateLte: filter.business_date_lte,
    unresolved: filter.unresolved,
  }, { sort: params.sort ?? DEFAULT_SETTLEMENT_SORT, range: params.range });
  const categories = await categoriesFor(db, dealerId, rows.map((row) => row.id));
  return { rows: rows.map((row) => toSettlementView(row, categories.get(row.id))), total };
}

/** Rows of the store as the settlements list shows them, with their categories. */
export async function settlementViews(db: Db, dealerId: string, rows: SettlementListRow[]) {
  const categories = await categoriesFor(db, dealerId, rows.map((row) => row.id));
  return rows.map((row) => toSettlementView(row, categories.get(row.id)));
}

async function categoriesFor(db: Db, dealerId: string, settlementIds: string[]): Promise<Map<string, Record<SettlementCategory, CategoryView>>> {
  const byId = new Map<string, Record<SettlementCategory, CategoryView>>();
  for (const row of await settlementCategoryRows(db, dealerId, settlementIds)) {
    const entry = byId.get(row.settlement_id) ?? ({} as Record<SettlementCategory, CategoryView>);
    entry[row.category] = {
      status: row.status, line_count: row.line_count, amount_cents: row.amount_cents, posted_at: row.posted_at,
      post_method: row.post_method, posted_by: row.posted_by, posted_by_name: row.posted_by_name,
    };
    byId.set(row.settlement_id, entry);
  }
  return byId;
}

function toSettlementView(row: SettlementListRow, categories: Record<SettlementCategory, CategoryView> | undefined) {
  return {
    id: row.id,
    number: row.number,
    business_date: row.business_date,
    sequence: row.sequence,
    created_at: row.created_at,
    status: row.status,
    payment_count: row.payment_count,
    gross_cents: row.gross_cents,
    fee_cents: row.fee_cents,
    net_cents: row.net_cents,
    closes_at: row.closes_at,
    closed_at: row.closed_at,
    resolved_at: row.resolved_at,
    resolved_by: row.resolved_by,
    resolved_by_name: row.resolved_by_name ?? null,
    workflow_id: row.workflow_id,
    categories: Object.fromEntries(SETTLEMENT_CATEGORIES.map((category) => [category, categories?.[category] ?? null])),
  };
}

/** One settlement with every payment it holds (or reverses) and its first lines. */
export async function settlementDetail(db: Db, dealerId: string, settlementId: string, lineLimit = 500) {
  const row = await findSettlementRow(db, dealerId, settlementId);
  if (!row) throw notFound('Settlement');
  const categories = await categoriesFor(db, dealerId, [row.id]);
  const payments = await settlementPayments(db, dealerId, row.id);
  const lines = await settlementLineRows(db, dealerId, row.id, lineLimit);
  const counts = await lineCounts(db, row.id);
  return {
    ...toSettlementView(row, categories.get(row.id)),
    returned_cents: payments.filter((payment) => payment.reversed_here).reduce((total, payment) => total + payment.amount_cents, 0),
    line_counts: counts,
    line_total: counts.reduce((total, count) => total + count.total, 0),
    payments,
    lines,
  };
}


/** Every line of a settlement, paged (a batch can hold tens of thousands). */
export async function listSettlementLines(db: Db, dealerId: string, settlementId: string, params: ListParams): Promise<{ rows: unknown[]; total: number }> {
  const own = await findSettlementHeader(db, dealerId, settlementId);
  if (!own) throw notFound('Settlement');
  const filter = parseFilter(lineFilter, params.filter);
  return listSettlementLineRows(db, dealerId, settlementId, {
    category: filter.category,
    statuses: filter.status ? asArray(filter.status) : undefined,
    lineTypes: filter.line_type ? asArray(filter.line_type) : undefined,
  }, params.range);
}

/** The auto-post progress the console draws: persisted by the posting activities. */
export async function postingProgress(db: Db, dealerId: string, settlementId: string) {
  const settlement = await findSettlementHeader(db, dealerId, settlementId);
  if (!settlement) throw notFound('Settlement');
  const run = await findPostingRun(db, dealerId, settlementId);
  const counts = await lineCounts(db, settlementId);
  const categories = await categoriesFor(db, dealerId, [settlementId]);
  const rejected = await rejectedLineRows(db, dealerId, settlementId, 100);
  const totals = counts.reduce((sum, row) => ({ total: sum.total + row.total, posted: sum.posted + row.posted, rejected: sum.rejected + row.rejected, pending: sum.pending + row.pending }), { total: 0, posted: 0, rejected: 0, pending: 0 });
  const state = !run ? 'idle' : run.status === 'running' ? (run.waiting_for_erp ? 'waiting_for_spruce' : 'posting') : run.status === 'failed' ? 'failed' : totals.rejected > 0 ? 'completed_with_rejections' : 'completed';
  return {
    id: settlement.id,
    settlement_number: settlement.number,
    settlement_status: settlement.status,
    state,
    message: progressMessage(state, run?.last_error ?? null),
    current_step: run?.status === 'running' ? run.current_category ?? 'starting' : null,
    waiting_for_spruce: Boolean(run?.status === 'running' && run.waiting_for_erp),
    last_error: run?.last_error ?? null,
    last_error_at: run?.last_error_at ?? null,
    started_at: run?.started_at ?? null,
    finished_at: run?.finished_at ?? null,
    run_count: run?.run_count ?? 0,
    workflow_id: run?.workflow_id ?? null,
    totals,
    percent: totals.total === 0 ? 100 : Math.floor(((totals.posted + totals.rejected) * 100) / totals.total),
    categories: counts.map((row) => ({ ...row, status: categories.get(settlementId)?.[row.category]?.status ?? 'empty', posted_at: categories.get(settlementId)?.[row.category]?.posted_at ?? null })),
    rejected_lines: rejected,
  };
}

function progressMessage(state: string, lastError: string | null): string {
  switch (state) {
    case 'idle': return 'Not auto-posted yet.';
    case 'posting': return 'Posting to Spruce.';
    case 'waiting_for_spruce': return 'Waiting for Spruce: it is not answering right now. Postings are queued and will continue by themselves when it is back.';
    case 'failed': return `Auto-post stopped: ${lastError ?? 'unknown error'}`;
    case 'completed_with_rejections': return 'Posted, except lines Spruce refused; see the reasons below. Fix them in Spruce and retry, or post them by hand.';
    default: return 'Every line is posted.';
  }
}
