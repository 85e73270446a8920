import type { Knex } from 'knex';
import { nextBusinessDay } from '../domain/business-calendar';
import {
  glReversalKey, reversalIdOfKey, SETTLEMENT_CATEGORIES, settlementStatusFor, type CategoryStatus, type SettlementCategory, type SettlementStatus,
} from '../domain/settlement';
import { settlementBusinessDate, settlementClosesAt } from '../domain/settlement-day';
import { Refusal, refuseConflict, refuseNotFound } from '../domain/refusal';
import { settlementEventFor, type DomainEventType } from '../domain/domain-events';
import { auditInsert, recordAudit, type AuditEvent } from './audit';
import { writeTogether } from './one-statement';
import { recordDomainEvent } from './domain-events';
import { insertCreditApplicationLines, insertPaymentLines, insertReversalLines, type CreditApplicationLine, type ReversalLinePlan } from './gl-lines';

/**
 * Settlement membership and state. The database is the authority on which payments a batch
 * holds: every change locks the payment row, then the settlement row (always in that order,
 * so concurrent joins, removals and closes cannot deadlock), and recomputes the totals from
 * the rows themselves rather than adding deltas that a replay could apply twice.
 */

export type Trx = Knex.Transaction;

export interface SettlementRow {
  id: string;
  number: string;
  dealer_id: string;
  business_date: string;
  /** 1 for a day's first settlement; 2, 3, … for those opened after an early close that day. */
  sequence: number;
  status: SettlementStatus;
  workflow_id: string;
  closes_at: Date;
  payment_count: number;
  gross_cents: number;
  fee_cents: number;
  net_cents: number;
}

export interface CategoryRow {
  settlement_id: string;
  category: SettlementCategory;
  line_count: number;
  amount_cents: number;
  status: CategoryStatus;
  posted_at: Date | null;
  post_method: 'auto' | 'manual' | null;
  posted_by: string | null;
}

type WorkflowIdFor = (dealerId: string, businessDate: string, sequence: number) => string;
type Actor = { kind: AuditEvent['actorKind']; id?: string | null };

const HOW_FAR_TO_LOOK = 30;

/**
 * Puts a settled payment into the open settlement of its business day (see
 * docs/settlements.md). A batch that has already closed is never reopened: the payment goes
 * to the day's next batch, or to today's once its own day's cutoff has passed. Calling it
 * again for a payment already in a batch returns that batch.
 */
export async function joinSettlement(trx: Trx, input: { paymentId: string; now: Date; workflowIdFor: WorkflowIdFor }): Promise<{ settlement: SettlementRow; joined: boolean }> {
  // The payment locked, with its dealer's settlement terms and its account's ERP number beside it.
  const row = await trx('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').join('customer_accounts as a', 'a.id', 'p.customer_account_id')
    .where('p.id', input.paymentId).forUpdate('p')
    .first('p.*', 'd.time_zone as dealer_time_zone', 'd.settlement_cutoff as dealer_settlement_cutoff', 'd.discount_gl_account as dealer_discount_gl_account', 'a.erp_account_id as account_erp_id');
  if (!row) throw new Refusal('not_found', 'payment_not_found', `Payment ${input.paymentId} does not exist.`);
  const { dealer_time_zone: timeZone, dealer_settlement_cutoff: cutoff, dealer_discount_gl_account: discountGlAccount, account_erp_id: erpAccountId, ...payment } = row;
  if (payment.settlement_id) {
    return { settlement: (await findSettlement(trx, payment.settlement_id))!, joined: false };
  }
  if (payment.status !== 'settled') {
    throw refuseConflict('payment_not_settled', `Payment ${payment.number} is ${payment.status}; only a settled payment joins a settlement.`);
  }
  const dealer = { id: payment.dealer_id as string, time_zone: timeZone as string, settlement_cutoff: cutoff as string };
  const settledAt: Date = payment.settled_at ?? input.now;
  const settlement = await openSettlementFrom(trx, dealer, settlementBusinessDate(settledAt, dealer.time_zone, dealer.settlement_cutoff), input);

  // The payment's link to its batch and the audit entry saying so, in one statement.
  await writeTogether(trx, [
    trx('payments').where({ id: payment.id }).update({ settlement_id: settlement.id, updated_at: trx.fn.now() }),
    auditInsert(trx, {
      dealerId: payment.dealer_id, actorKind: 'system', action: 'settlement.payment_added', entityType: 'settlement', entityId: settlement.id,
      data: { paymentId: payment.id, paymentNumber: payment.number, settlementNumber: settlement.number, businessDate: settlement.business_date },
    }),
  ]);
  await insertPaymentLines(trx, { settlementId: settlement.id, payment, erpAccountId, discountGlAccount });
  return { settlement: await refreshSettlement(trx, settlement.id), joined: true };
}

/**
 * The open settlement a payment (or a reversal) of business date `date` goes to, created when
 * missing. While the day's cutoff is still ahead, a batch an operator closed early is followed
 * by the same day's next one (sequence 2, 3, …): closing early never moves money to a later
 * business day. Once the day's cutoff has passed, a payment whose batch has closed goes to the
 * business day of `now`.
 */
async function openSettlementFrom(
  trx: Trx,
  dealer: { id: string; time_zone: string; settlement_cutoff: string },
  date: string,
  input: { now: Date; workflowIdFor: WorkflowIdFor },
): Promise<SettlementRow> {
  const today = settlementBusinessDate(input.now, dealer.time_zone, dealer.settlement_cutoff);
  let candidate = date;
  for (let step = 0; step < HOW_FAR_TO_LOOK; step += 1) {
    const latest = await latestSettlementOf(trx, dealer.id, candidate);
    if (latest?.status === 'open') return latest;
    if (!latest || new Date(latest.closes_at).getTime() > input.now.getTime()) {
      // Nothing yet for the day, or closed before its cutoff: the day's next batch. A
      // concurrent join may be creating it too; the loser reads the winner's row next time round.
      await createSettlement(trx, dealer, candidate, (latest?.sequence ?? 0) + 1, input.workflowIdFor);
      continue;
    }
    candidate = candidate < today ? today : nextBusinessDay(candidate);
  }
  throw new Error(`no open settlement for dealer ${dealer.id} within ${HOW_FAR_TO_LOOK} steps of ${date}`);
}

/** The day's settlement of the highest sequence, locked. */
async function latestSettlementOf(trx: Trx, dealerId: string, businessDate: string): Promise<SettlementRow | undefined> {
  return trx('settlements').where({ dealer_id: dealerId, business_date: businessDate }).orderBy('sequence', 'desc').forUpdate().first();
}

async function createSettlement(trx: Trx, dealer: { id: string; time_zone: string; settlement_cutoff: string }, businessDate: string, sequence: number, workflowIdFor: WorkflowIdFor): Promise<void> {
  // Two joins may create the same batch at once: the unique keys (day and sequence; one open
  // batch per day) make one insert win and the other wait for it and insert nothing.
  const { rows } = await trx.raw<{ rows: Array<{ id: string }> }>(
    `insert into settlements (number, dealer_id, business_date, sequence, workflow_id, closes_at)
     values ('S-' || nextval('settlement_number_seq'), ?, ?, ?, ?, ?)
     on conflict do nothing returning id`,
    [dealer.id, businessDate, sequence, workflowIdFor(dealer.id, businessDate, sequence), settlementClosesAt(businessDate, dealer.time_zone, dealer.settlement_cutoff)],
  );
  if (rows[0]) {
    await trx('settlement_categories').insert(SETTLEMENT_CATEGORIES.map((category) => ({ settlement_id: rows[0]!.id, category, status: 'empty' })));
  }
}

/** Categories already sent to (or marked in) the ERP; their lines can no longer change. */
const isPostingStarted = (categories: CategoryRow[]) => categories.some((category) => category.status === 'posting' || category.status === 'posted');

/**
 * Takes a payment out of its settlement (freeze or terminate before posting). Refused once
 * any category of the batch is posting or posted: those lines may already be in the ERP.
 * Returns the settlement left, or null when the payment was in none.
 */
export async function leaveSettlement(trx: Trx, input: { paymentId: string; actor: Actor }): Promise<SettlementRow | null> {
  const payment = await trx('payments').where({ id: input.paymentId }).forUpdate().first();
  if (!payment?.settlement_id) return null;
  const settlement: SettlementRow = await trx('settlements').where({ id: payment.settlement_id }).forUpdate().first();
  const categories: CategoryRow[] = await trx('settlement_categories').where({ settlement_id: settlement.id });
  if (settlement.status === 'resolved' || isPostingStarted(categories)) {
    throw refuseConflict('settlement_posted', `Settlement ${settlement.number} is already ${settlement.status === 'resolved' ? 'resolved' : 'being posted to the general ledger'}; payment ${payment.number} can no longer leave it.`);
  }
  await trx('gl_posting_lines').where({ settlement_id: settlement.id, payment_id: payment.id }).delete();
  await trx('payments').where({ id: payment.id }).update({ settlement_id: null, updated_at: trx.fn.now() });
  await refreshSettlement(trx, settlement.id);
  await recordAudit(trx, {
    dealerId: payment.dealer_id, actorKind: input.actor.kind, actorId: input.actor.id ?? null, action: 'settlement.payment_removed',
    entityType: 'settlement', entityId: settlement.id, data: { paymentId: payment.id, paymentNumber: payment.number, settlementNumber: settlement.number },
  });
  return settlement;
}

/**
 * Queues reversal lines for a payment returned (or refunded) in full after it settled: every
 * line it has, less whatever earlier reversals of it (a partial refund, a chargeback) already
 * took back. Idempotent: once nothing is left to reverse, a call returns the settlement
 * holding the payment's latest reversal.
 */
export async function queueReversal(trx: Trx, input: { paymentId: string; now: Date; workflowIdFor: WorkflowIdFor }): Promise<{ settlement: SettlementRow | null; created: boolean }> {
  const payment = await trx('payments').where({ id: input.paymentId }).forUpdate().first();
  if (!payment) throw new Refusal('not_found', 'payment_not_found', `Payment ${input.paymentId} does not exist.`);
  const originals = await trx('gl_posting_lines').where({ payment_id: payment.id }).whereNot({ line_type: 'reversal' }).orderBy('created_at').orderBy('id');
  if (originals.length === 0 || !payment.settlement_id) return { settlement: null, created: false };
  const taken = new Map<string, number>(
    (await trx('gl_posting_lines').where({ payment_id: payment.id, line_type: 'reversal' }).groupBy('reverses_line_id')
      .select('reverses_line_id', trx.raw('(-sum(amount_cents))::bigint as cents')))
      .map((row: { reverses_line_id: string; cents: string }) => [row.reverses_line_id, Number(row.cents)]),
  );
  const lines = originals
    .map((original) => ({
      original,
      amountCents: Math.abs(Number(original.amount_cents)) - (taken.get(original.id) ?? 0),
      idempotencyKey: glReversalKey(payment.id, original.payment_application_id ?? original.id),
    }))
    .filter((line) => line.amountCents > 0);
  if (lines.length === 0) {
    const latest = await trx('gl_posting_lines').where({ payment_id: payment.id, line_type: 'reversal' }).orderBy('created_at', 'desc').orderBy('id', 'desc').first('settlement_id');
    return { settlement: latest ? await trx('settlements').where({ id: latest.settlement_id }).first() : null, created: false };
  }
  const settlement = await placeReversalLines(trx, { payment, lines, now: input.now, workflowIdFor: input.workflowIdFor });
  return { settlement, created: settlement !== null };
}

/**
 * Puts reversal lines of a payment on a settlement, for a whole return and for an amount
 * taken back alike. While the payment's own batch has posted nothing, the reversal joins that
 * batch, so the two net out in one posting; otherwise it goes to the dealer's open batch of
 * the day it arrived. The caller holds the payment row's lock; returns null when the payment
 * is in no batch or there is nothing to line.
 */
export async function placeReversalLines(
  trx: Trx,
  input: { payment: Record<string, any>; lines: ReversalLinePlan[]; now: Date; workflowIdFor: WorkflowIdFor; audit?: Record<string, unknown> },
): Promise<SettlementRow | null> {
  const { payment } = input;
  const lines = input.lines.filter((line) => line.amountCents !== 0);
  if (lines.length === 0 || !payment.settlement_id) return null;
  const home: SettlementRow = await trx('settlements').where({ id: payment.settlement_id }).forUpdate().first();
  const homeCategories: CategoryRow[] = await trx('settlement_categories').where({ settlement_id: home.id });
  let target = home;
  if (!(home.status === 'open' || home.status === 'ready') || isPostingStarted(homeCategories)) {
    const dealer = await trx('dealers').where({ id: payment.dealer_id }).first('id', 'time_zone', 'settlement_cutoff');
    target = await openSettlementFrom(trx, dealer, settlementBusinessDate(input.now, dealer.time_zone, dealer.settlement_cutoff), input);
  }
  await insertReversalLines(trx, { settlementId: target.id, paymentId: payment.id, lines });
  const refreshed = await refreshSettlement(trx, target.id);
  await recordAudit(trx, {
    dealerId: payment.dealer_id, actorKind: 'system', action: 'settlement.reversal_queued', entityType: 'settlement', entityId: target.id,
    data: {
      paymentId: payment.id, paymentNumber: payment.number, settlementNumber: target.number, originalSettlementNumber: home.number, lines: lines.length,
      amountCents: lines.reduce((sum, line) => sum + Math.abs(line.amountCents), 0), ...input.audit,
    },
  });
  return refreshed;
}

/**
 * Puts the GL lines of unapplied credit applied to invoices on the dealer's open batch of the
 * day the application was made (it moves no money, so it belongs to no payment's own batch).
 */
export async function placeCreditApplicationLines(
  trx: Trx,
  input: { dealerId: string; lines: CreditApplicationLine[]; now: Date; workflowIdFor: WorkflowIdFor },
): Promise<{ settlement: SettlementRow; lineIds: Map<string, string> }> {
  const dealer = await trx('dealers').where({ id: input.dealerId }).first('id', 'time_zone', 'settlement_cutoff');
  const target = await openSettlementFrom(trx, dealer, settlementBusinessDate(input.now, dealer.time_zone, dealer.settlement_cutoff), input);
  const lineIds = await insertCreditApplicationLines(trx, target.id, input.lines);
  const settlement = await refreshSettlement(trx, target.id);
  await recordAudit(trx, {
    dealerId: input.dealerId, actorKind: 'system', action: 'settlement.credit_application_queued', entityType: 'settlement', entityId: target.id,
    data: { settlementNumber: target.number, lines: input.lines.length, amountCents: input.lines.reduce((sum, line) => sum + line.amountCents, 0) },
  });
  return { settlement, lineIds };
}

/**
 * Money taken back from each payment on these settlements: a reversal counts where its lines
 * are; a whole-payment return counts what was left of the payment when it came (its amount,
 * less what refunds and chargebacks had already taken).
 */
export async function reversedMoneyOn(db: Knex | Trx, settlementIds: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (settlementIds.length === 0) return result;
  const lines: Array<{ payment_id: string; idempotency_key: string }> = await db('gl_posting_lines')
    .whereIn('settlement_id', settlementIds).where('line_type', 'reversal').select('payment_id', 'idempotency_key');
  if (lines.length === 0) return result;
  const paymentIds = [...new Set(lines.map((line) => line.payment_id))];
  // One after the other: inside a transaction the queries share one connection.
  const payments: Array<{ id: string; amount_cents: string | number }> = await db('payments').whereIn('id', paymentIds).select('id', 'amount_cents');
  const reversals: Array<{ id: string; payment_id: string; amount_cents: string | number }> = await db('payment_reversals').whereIn('payment_id', paymentIds).select('id', 'payment_id', 'amount_cents');
  for (const payment of payments) {
    const own = reversals.filter((reversal) => reversal.payment_id === payment.id);
    const named = new Set(lines.filter((line) => line.payment_id === payment.id).map((line) => reversalIdOfKey(line.idempotency_key)));
    const here = own.filter((reversal) => named.has(reversal.id)).reduce((sum, reversal) => sum + Number(reversal.amount_cents), 0);
    const wholeReturn = named.has(null) ? Number(payment.amount_cents) - own.reduce((sum, reversal) => sum + Number(reversal.amount_cents), 0) : 0;
    result.set(payment.id, here + wholeReturn);
  }
  return result;
}

/** Closes an open batch (cutoff reached or closed early by an operator). Idempotent. */
export async function closeSettlement(trx: Trx, input: { settlementId: string; now: Date; actor: Actor }): Promise<SettlementRow> {
  const settlement: SettlementRow | undefined = await trx('settlements').where({ id: input.settlementId }).forUpdate().first();
  if (!settlement) throw new Refusal('not_found', 'settlement_not_found', `Settlement ${input.settlementId} does not exist.`);
  if (settlement.status !== 'open') return settlement;
  await trx('settlements').where({ id: settlement.id }).update({ status: 'ready', closed_at: input.now, updated_at: trx.fn.now() });
  // Announced before the refresh, which may find nothing to post and announce it posted at once.
  await announceSettlement(trx, 'settlement.closed', { ...settlement, status: 'ready' });
  const refreshed = await refreshSettlement(trx, settlement.id);
  await recordAudit(trx, {
    dealerId: settlement.dealer_id, actorKind: input.actor.kind, actorId: input.actor.id ?? null, action: 'settlement.closed', entityType: 'settlement', entityId: settlement.id,
    data: { number: settlement.number, status: refreshed.status, paymentCount: refreshed.payment_count, grossCents: refreshed.gross_cents, netCents: refreshed.net_cents },
  });
  return refreshed;
}

/** The dealer closes one of its batches early (an operator, or its own system through an API key); another dealer's batch is not found. */
export async function closeOwnSettlement(trx: Trx, input: { settlementId: string; dealerId: string; now: Date; actor: Actor }): Promise<SettlementRow> {
  const own = await trx('settlements').where({ id: input.settlementId, dealer_id: input.dealerId }).first('id');
  if (!own) throw refuseNotFound('Settlement');
  return closeSettlement(trx, { settlementId: input.settlementId, now: input.now, actor: input.actor });
}

/**
 * Recomputes a settlement's totals, its categories' line counts and amounts, and its status
 * from the rows themselves. Gross is what the member payments charged; fees are what the
 * processor costs the dealer; net is gross less fees less the money taken back on this batch
 * (whole returns, and the amounts of refunds and chargebacks reversed here).
 */
export async function refreshSettlement(trx: Trx, settlementId: string): Promise<SettlementRow> {
  // Each update answers with the rows it wrote, which is all the status needs: no reads after.
  const categories = (await trx.raw(
    `update settlement_categories c
        set line_count = x.line_count,
            amount_cents = x.amount_cents,
            status = case when c.status in ('posting', 'posted') then c.status when x.line_count = 0 then 'empty' else 'unposted' end
       from (select cat.category, count(l.id)::int as line_count, coalesce(sum(l.amount_cents), 0)::bigint as amount_cents
               from unnest(?::text[]) as cat(category)
               left join gl_posting_lines l on l.settlement_id = ? and l.category = cat.category
              group by cat.category) x
      where c.settlement_id = ? and c.category = x.category
  returning c.*`,
    [SETTLEMENT_CATEGORIES as unknown as string[], settlementId, settlementId],
  )).rows as CategoryRow[];
  const returnedCents = [...(await reversedMoneyOn(trx, [settlementId])).values()].reduce((sum, cents) => sum + cents, 0);
  const settlement = (await trx.raw(
    `update settlements s
        set payment_count = m.payment_count,
            gross_cents = m.gross_cents,
            fee_cents = m.fee_cents,
            net_cents = m.gross_cents - m.fee_cents - ?::bigint,
            updated_at = now()
       from (select count(*)::int as payment_count, coalesce(sum(amount_cents), 0)::bigint as gross_cents,
                    coalesce(sum(processing_cost_cents), 0)::bigint as fee_cents
               from payments where settlement_id = ?) m
      where s.id = ?
  returning s.*`,
    [returnedCents, settlementId, settlementId],
  )).rows[0] as SettlementRow;
  return moveStatus(trx, settlement, categories);
}

/** Moves the settlement status to match its categories (Ready → Partially posted → Posted). */
export async function refreshStatus(trx: Trx, settlementId: string): Promise<SettlementRow> {
  const settlement: SettlementRow = await trx('settlements').where({ id: settlementId }).first();
  const categories: CategoryRow[] = await trx('settlement_categories').where({ settlement_id: settlementId });
  return moveStatus(trx, settlement, categories);
}

async function moveStatus(trx: Trx, settlement: SettlementRow, categories: CategoryRow[]): Promise<SettlementRow> {
  const status = settlementStatusFor(settlement.status, categories);
  if (status === settlement.status) return settlement;
  const [updated] = await trx('settlements').where({ id: settlement.id }).update({ status, updated_at: trx.fn.now() }).returning('*');
  const type = settlementEventFor(settlement.status, updated.status);
  if (type) await announceSettlement(trx, type, updated);
  return updated;
}

/** The feed's word on a settlement whose status moved (domain/domain-events.ts decides which moves count). */
async function announceSettlement(trx: Trx, type: DomainEventType, settlement: SettlementRow): Promise<void> {
  await recordDomainEvent(trx, {
    dealerId: settlement.dealer_id, type, entityType: 'settlement', entityId: settlement.id,
    data: {
      id: settlement.id, number: settlement.number, business_date: settlement.business_date, status: settlement.status, payment_count: settlement.payment_count,
      gross_cents: Number(settlement.gross_cents), fee_cents: Number(settlement.fee_cents), net_cents: Number(settlement.net_cents),
    },
  });
}

/**
 * An operator loaded the posting file into the ERP and records when. Refused for a batch
 * still open, a category with nothing in it, one already posted, or one auto-post is busy
 * with. Every line of the category counts as posted from then on.
 */
export async function markCategoryPosted(
  trx: Trx,
  input: { settlementId: string; dealerId: string; category: SettlementCategory; postedAt: Date; operatorId: string },
): Promise<{ settlement: SettlementRow; category: CategoryRow }> {
  const settlement = await lockOwnSettlement(trx, input.settlementId, input.dealerId);
  if (settlement.status === 'open') throw refuseConflict('settlement_open', `Settlement ${settlement.number} is still collecting payments; post it after it closes at the cutoff.`);
  if (settlement.status === 'resolved') throw refuseConflict('settlement_resolved', `Settlement ${settlement.number} is resolved; its postings can no longer change.`);
  const run = await trx('gl_posting_runs').where({ settlement_id: settlement.id, status: 'running' }).first('settlement_id');
  if (run) throw refuseConflict('auto_post_running', `Auto-post is running for settlement ${settlement.number}; wait for it to finish before marking categories by hand.`);
  const category: CategoryRow | undefined = await trx('settlement_categories').where({ settlement_id: settlement.id, category: input.category }).forUpdate().first();
  if (!category || category.status === 'empty' || category.line_count === 0) {
    throw refuseConflict('category_empty', `Settlement ${settlement.number} has nothing in ${input.category.replace('_', ' ')} to post.`);
  }
  if (category.status === 'posted') {
    throw refuseConflict('category_already_posted', `${input.category.replace('_', ' ')} of settlement ${settlement.number} were already posted (${category.post_method}) at ${category.posted_at?.toISOString()}.`);
  }
  if (category.status === 'posting') throw refuseConflict('auto_post_running', `Auto-post is posting ${input.category.replace('_', ' ')} of settlement ${settlement.number}.`);

  await trx('gl_posting_lines').where({ settlement_id: settlement.id, category: input.category }).whereNot({ status: 'posted' })
    .update({ status: 'posted', posted_at: input.postedAt });
  const [updated] = await trx('settlement_categories').where({ settlement_id: settlement.id, category: input.category })
    .update({ status: 'posted', posted_at: input.postedAt, post_method: 'manual', posted_by: input.operatorId }).returning('*');
  const refreshed = await refreshStatus(trx, settlement.id);
  await recordAudit(trx, {
    dealerId: settlement.dealer_id, actorKind: 'operator', actorId: input.operatorId, action: 'settlement.category_marked_posted', entityType: 'settlement', entityId: settlement.id,
    data: { number: settlement.number, category: input.category, postedAt: input.postedAt.toISOString(), lines: category.line_count, amountCents: category.amount_cents, status: refreshed.status },
  });
  return { settlement: refreshed, category: updated };
}

/** The operator confirms reconciliation. Only a batch with every non-empty category posted. */
export async function resolveSettlement(trx: Trx, input: { settlementId: string; dealerId: string; operatorId: string; now: Date }): Promise<SettlementRow> {
  const settlement = await lockOwnSettlement(trx, input.settlementId, input.dealerId);
  if (settlement.status === 'resolved') throw refuseConflict('settlement_already_resolved', `Settlement ${settlement.number} is already resolved.`);
  if (settlement.status === 'open') throw refuseConflict('settlement_open', `Settlement ${settlement.number} is still collecting payments.`);
  const categories: CategoryRow[] = await trx('settlement_categories').where({ settlement_id: settlement.id }).orderBy('category');
  const unposted = categories.filter((category) => category.status !== 'empty' && category.status !== 'posted');
  if (unposted.length > 0) {
    throw refuseConflict('categories_unposted', `Post ${unposted.map((c) => c.category.replace('_', ' ')).join(', ')} of settlement ${settlement.number} before resolving it.`);
  }
  const [updated] = await trx('settlements').where({ id: settlement.id })
    .update({ status: 'resolved', resolved_at: input.now, resolved_by: input.operatorId, updated_at: trx.fn.now() }).returning('*');
  await recordAudit(trx, {
    dealerId: settlement.dealer_id, actorKind: 'operator', actorId: input.operatorId, action: 'settlement.resolved', entityType: 'settlement', entityId: settlement.id,
    data: { number: settlement.number, resolvedAt: input.now.toISOString() },
  });
  return updated;
}

/** The settlement as it stands, without a lock: for telling its workflow, not for changing it. */
export async function findSettlement(db: Knex | Trx, settlementId: string): Promise<SettlementRow | undefined> {
  return db('settlements').where({ id: settlementId }).first();
}

export async function lockOwnSettlement(trx: Trx, settlementId: string, dealerId: string): Promise<SettlementRow> {
  const settlement = await trx('settlements').where({ id: settlementId, dealer_id: dealerId }).forUpdate().first();
  if (!settlement) throw refuseNotFound('Settlement');
  return settlement;
}
