import type { Knex } from 'knex';
import { refuseConflict, refuseNotFound, refuseUnprocessable } from '../domain/refusal';
import type { SettlementCategory } from '../domain/settlement';
import { recordAudit } from './audit';
import { lineCounts, resetRejectedLines, type LineCounts } from './gl-lines';
import { refreshStatus, type CategoryRow, type SettlementRow } from './settlements';

/**
 * The persisted side of an auto-post run (`gl-posting-<settlementId>`): which category it is
 * on, whether it is waiting for the ERP, the last error, and when it started and finished.
 * The workflow's query shows the same live; this is what the API and the console read.
 */

type Db = Knex | Knex.Transaction;

export interface PostingRunRow {
  settlement_id: string;
  dealer_id: string;
  workflow_id: string;
  status: 'running' | 'completed' | 'failed';
  current_category: SettlementCategory | null;
  waiting_for_erp: boolean;
  last_error: string | null;
  last_error_at: Date | null;
  run_count: number;
  started_by: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * Checks a settlement can be auto-posted and records the run as started; returns whether a
 * run was already going (a second click joins it rather than starting another).
 */
export async function claimPostingRun(
  trx: Knex.Transaction,
  input: { settlementId: string; dealerId: string; operatorId: string; workflowId: string; retryRejected: boolean },
): Promise<{ alreadyRunning: boolean; nothingToPost: boolean; settlement: SettlementRow; retried: number }> {
  const settlement: SettlementRow | undefined = await trx('settlements').where({ id: input.settlementId, dealer_id: input.dealerId }).forUpdate().first();
  if (!settlement) throw refuseNotFound('Settlement');
  const dealer = await trx('dealers').where({ id: input.dealerId }).first('integration_mode', 'spruce_base_url', 'spruce_tenant_id');
  if (dealer.integration_mode !== 'spruce') {
    throw refuseUnprocessable('auto_post_unavailable', 'Auto-post needs the Spruce integration; download the posting file and post it by hand instead.');
  }
  if (!dealer.spruce_base_url || !dealer.spruce_tenant_id) {
    throw refuseUnprocessable('spruce_not_configured', 'This dealer has no Spruce connection configured; set it up on the Integration page first.');
  }
  if (settlement.status === 'open') throw refuseConflict('settlement_open', `Settlement ${settlement.number} is still collecting payments; post it after it closes at the cutoff.`);
  if (settlement.status === 'resolved') throw refuseConflict('settlement_resolved', `Settlement ${settlement.number} is resolved; there is nothing left to post.`);

  const run: PostingRunRow | undefined = await trx('gl_posting_runs').where({ settlement_id: settlement.id }).forUpdate().first();
  if (run?.status === 'running') return { alreadyRunning: true, nothingToPost: false, settlement, retried: 0 };

  const retried = input.retryRejected ? await resetRejectedLines(trx, settlement.id) : 0;
  const postable = await trx('gl_posting_lines as l')
    .join('settlement_categories as c', function joinCategory() {
      this.on('c.settlement_id', '=', 'l.settlement_id').andOn('c.category', '=', 'l.category');
    })
    .where({ 'l.settlement_id': settlement.id, 'l.status': 'pending' })
    .whereNot('c.status', 'posted')
    .first(trx.raw('count(*)::int as n'));
  if (!postable || postable.n === 0) return { alreadyRunning: false, nothingToPost: true, settlement, retried };

  const fields = {
    dealer_id: settlement.dealer_id, workflow_id: input.workflowId, status: 'running', current_category: null, waiting_for_erp: false,
    last_error: null, last_error_at: null, started_by: input.operatorId, started_at: trx.fn.now(), finished_at: null, updated_at: trx.fn.now(),
  };
  if (run) await trx('gl_posting_runs').where({ settlement_id: settlement.id }).update({ ...fields, run_count: run.run_count + 1 });
  else await trx('gl_posting_runs').insert({ settlement_id: settlement.id, ...fields });
  await markCategoriesPosting(trx, settlement.id);
  await recordAudit(trx, {
    dealerId: settlement.dealer_id, actorKind: 'operator', actorId: input.operatorId, action: 'settlement.auto_post_started', entityType: 'settlement', entityId: settlement.id,
    data: { number: settlement.number, workflowId: input.workflowId, retriedRejectedLines: retried },
  });
  return { alreadyRunning: false, nothingToPost: false, settlement, retried };
}

/**
 * Categories with something to send are "posting" until their run ends: no manual marking
 * and no payment leaving the batch meanwhile.
 */
async function markCategoriesPosting(trx: Knex.Transaction, settlementId: string): Promise<void> {
  await trx('settlement_categories')
    .where({ settlement_id: settlementId, status: 'unposted' })
    .whereExists(trx('gl_posting_lines as l').whereRaw('l.settlement_id = settlement_categories.settlement_id and l.category = settlement_categories.category').where('l.status', 'pending'))
    .update({ status: 'posting' });
}

/**
 * The auto-post workflow's own start, whoever asked for it: the run is recorded as running
 * (again, after a failed one) and its categories as posting, under the settlement's lock.
 * False when there is no such settlement; nothing is written then.
 */
export async function startPostingRun(
  trx: Knex.Transaction,
  input: { settlementId: string; workflowId: string; startedBy: string | null },
): Promise<boolean> {
  const settlement = await trx('settlements').where({ id: input.settlementId }).forUpdate().first('id', 'dealer_id');
  if (!settlement) return false;
  await trx('gl_posting_runs')
    .insert({ settlement_id: input.settlementId, dealer_id: settlement.dealer_id, workflow_id: input.workflowId, status: 'running', started_by: input.startedBy })
    .onConflict('settlement_id')
    .merge({ status: 'running', finished_at: null, waiting_for_erp: false, updated_at: trx.fn.now() });
  await markCategoriesPosting(trx, input.settlementId);
  return true;
}

export interface SettlementSpruceConnection {
  id: string;
  number: string;
  dealer_id: string;
  integration_mode: string;
  spruce_base_url: string | null;
  spruce_api_key: string | null;
  spruce_tenant_id: string | null;
}

/** The settlement with its dealer's Spruce connection (API key still sealed), for posting its lines; undefined when there is no such settlement. */
export async function settlementSpruceConnection(db: Db, settlementId: string): Promise<SettlementSpruceConnection | undefined> {
  return db('settlements as s')
    .join('dealers as d', 'd.id', 's.dealer_id')
    .where('s.id', settlementId)
    .first('s.id', 's.number', 's.dealer_id', 'd.integration_mode', 'd.spruce_base_url', 'd.spruce_api_key', 'd.spruce_tenant_id');
}

export async function recordRunState(db: Db, settlementId: string, state: { currentCategory?: SettlementCategory | null; waitingForErp?: boolean; lastError?: string | null }): Promise<void> {
  const update: Record<string, unknown> = { updated_at: db.fn.now() };
  if (state.currentCategory !== undefined) update.current_category = state.currentCategory;
  if (state.waitingForErp !== undefined) update.waiting_for_erp = state.waitingForErp;
  if (state.lastError !== undefined) {
    update.last_error = state.lastError;
    if (state.lastError !== null) update.last_error_at = db.fn.now();
  }
  await db('gl_posting_runs').where({ settlement_id: settlementId }).update(update);
}

/**
 * A category's lines have all been sent. It is Posted (time, method auto, who started it)
 * when every line is in the ERP; with refused lines it goes back to Unposted, so the operator
 * deals with them (retry, or fix in the ERP and mark the category posted).
 */
export async function completeAutoCategory(
  trx: Knex.Transaction,
  input: { settlementId: string; category: SettlementCategory; postedBy: string | null; now: Date },
): Promise<{ category: CategoryRow; counts: LineCounts }> {
  const settlement: SettlementRow = await trx('settlements').where({ id: input.settlementId }).forUpdate().first();
  const current: CategoryRow = await trx('settlement_categories').where({ settlement_id: settlement.id, category: input.category }).forUpdate().first();
  const counts = (await lineCounts(trx, settlement.id)).find((row) => row.category === input.category)!;
  if (current.status === 'posted' || current.status === 'empty') return { category: current, counts };
  const posted = counts.total > 0 && counts.posted === counts.total;
  const [category] = await trx('settlement_categories').where({ settlement_id: settlement.id, category: input.category })
    .update(posted
      ? { status: 'posted', posted_at: input.now, post_method: 'auto', posted_by: input.postedBy }
      : { status: counts.total === 0 ? 'empty' : 'unposted' })
    .returning('*');
  const refreshed = await refreshStatus(trx, settlement.id);
  await recordAudit(trx, {
    dealerId: settlement.dealer_id, actorKind: input.postedBy ? 'operator' : 'system', actorId: input.postedBy, entityType: 'settlement', entityId: settlement.id,
    action: posted ? 'settlement.category_posted' : 'settlement.category_post_incomplete',
    data: { number: settlement.number, method: 'auto', ...counts, status: refreshed.status },
  });
  return { category, counts };
}

export async function finishPostingRun(db: Db, settlementId: string, status: 'completed' | 'failed', lastError: string | null = null): Promise<void> {
  await db('gl_posting_runs').where({ settlement_id: settlementId }).update({
    status, finished_at: db.fn.now(), current_category: null, waiting_for_erp: false, updated_at: db.fn.now(),
    ...(lastError ? { last_error: lastError, last_error_at: db.fn.now() } : {}),
  });
  // A failed run must not leave categories stuck in "posting".
  if (status === 'failed') {
    await db('settlement_categories').where({ settlement_id: settlementId, status: 'posting' }).update({ status: 'unposted' });
  }
}

/** Payments of a settlement whose every line on it is in the ERP (posted automatically or by hand). */
export async function fullyPostedPayments(db: Db, settlementId: string): Promise<string[]> {
  const rows = await db('gl_posting_lines')
    .where({ settlement_id: settlementId })
    .groupBy('payment_id')
    .havingRaw(`bool_and(status = 'posted')`)
    .select('payment_id');
  return rows.map((row: { payment_id: string }) => row.payment_id);
}

/** The dealer's auto-post run of a settlement, if one ever started. */
export async function findPostingRun(db: Db, dealerId: string, settlementId: string): Promise<PostingRunRow | undefined> {
  return db('gl_posting_runs').where({ settlement_id: settlementId, dealer_id: dealerId }).first();
}
