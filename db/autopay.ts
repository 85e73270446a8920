import type { Knex } from 'knex';
import type { AutopayRule, AutopayStatus } from '../domain/autopay';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';

/**
 * Autopay's store (docs/autopay.md): enrolments with the recurring authorization they carry,
 * and one cycle row per debit (its notice, the payment it became, or why it stopped).
 */
type Executor = Knex | Knex.Transaction;
type Scope = { companyId: string; accountIds: string[] } | { dealerId: string };

export interface EnrolmentRow {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  company_id: string;
  portal_user_id: string | null;
  payment_method_id: string;
  rule: AutopayRule;
  days_before_due: number | null;
  max_amount_cents: number | null;
  notice_days: number;
  status: AutopayStatus;
  attention_reason: string | null;
  authorization_version: string | null;
  authorization_text: string | null;
  account_mask: string;
  account_holder_type: 'business' | 'consumer' | null;
  authorized_ip: string | null;
  authorized_user_agent: string | null;
  authorized_at: Date;
  suspended_at: Date | null;
  canceled_at: Date | null;
  workflow_id: string;
  created_at: Date;
}

export interface CycleRow {
  id: number;
  enrolment_id: string;
  cycle_key: string;
  debit_date: string;
  statement_id: string | null;
  amount_cents: number | null;
  state: 'planned' | 'noticed' | 'paid' | 'stopped';
  stop_reason: string | null;
  payment_id: string | null;
}

export type NewEnrolment = Omit<EnrolmentRow, 'status' | 'attention_reason' | 'suspended_at' | 'canceled_at' | 'created_at' | 'max_amount_cents'> & { max_amount_cents: number | null };

function num(row: EnrolmentRow | undefined): EnrolmentRow | undefined {
  return row && { ...row, max_amount_cents: row.max_amount_cents === null ? null : Number(row.max_amount_cents) };
}

/** Writes the enrolment (audited); a live one on the same account is a conflict. */
export async function createEnrolment(db: Knex, enrolment: NewEnrolment): Promise<void> {
  try {
    await db.transaction(async (trx) => {
      await trx('autopay_enrolments').insert(enrolment);
      await recordAudit(trx, {
        dealerId: enrolment.dealer_id, actorKind: 'customer', actorId: enrolment.portal_user_id, action: 'autopay.enrolled', entityType: 'autopay_enrolment', entityId: enrolment.id,
        data: { customer_account_id: enrolment.customer_account_id, rule: enrolment.rule, max_amount_cents: enrolment.max_amount_cents, authorization_version: enrolment.authorization_version, ip: enrolment.authorized_ip },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw refuseConflict('autopay_already_enrolled', 'This account already has autopay. Cancel it first to enrol with another method or rule.');
    throw error;
  }
}

export async function findEnrolment(db: Executor, scope: Scope, id: string): Promise<EnrolmentRow | undefined> {
  const query = db('autopay_enrolments').where({ id });
  if ('dealerId' in scope) query.where({ dealer_id: scope.dealerId });
  else query.where({ company_id: scope.companyId }).whereIn('customer_account_id', scope.accountIds);
  return num(await query.first());
}

export async function enrolmentById(db: Executor, id: string): Promise<EnrolmentRow | undefined> {
  return num(await db('autopay_enrolments').where({ id }).first());
}

export async function enrolmentsOf(db: Executor, scope: { companyId: string; accountIds: string[] } | { dealerId: string; customerAccountId: string }): Promise<EnrolmentRow[]> {
  const query = db('autopay_enrolments');
  if ('dealerId' in scope) query.where({ dealer_id: scope.dealerId, customer_account_id: scope.customerAccountId });
  else query.where({ company_id: scope.companyId }).whereIn('customer_account_id', scope.accountIds);
  return (await query.orderBy('created_at', 'desc').limit(100)).map((row: EnrolmentRow) => num(row)!);
}

type Actor = { kind: 'customer' | 'operator' | 'system'; id: string | null };

/** Moves an enrolment between states, audited with who did it; refuses a move its state does not allow. */
export async function changeEnrolmentStatus(db: Knex, id: string, dealerId: string, to: AutopayStatus, actor: Actor, fields: { reason?: string | null; maxAmountCents?: number | null } = {}): Promise<EnrolmentRow> {
  return db.transaction(async (trx) => {
    const row = num(await trx('autopay_enrolments').where({ id, dealer_id: dealerId }).forUpdate().first());
    if (!row) throw refuseNotFound('Autopay enrolment');
    if (row.status === 'canceled') throw refuseConflict('autopay_canceled', 'This autopay was cancelled; enrol again to turn it back on.');
    if (to === 'active' && row.status === 'suspended' && actor.kind === 'customer') throw refuseConflict('autopay_suspended', 'The dealer suspended this autopay; contact them to turn it back on.');
    if (to === 'suspended' && row.status === 'suspended') throw refuseConflict('autopay_already_suspended', 'This autopay is already suspended.');
    const update: Record<string, unknown> = { status: to, updated_at: trx.fn.now(), attention_reason: to === 'needs_attention' || to === 'suspended' ? fields.reason ?? null : null };
    if (to === 'suspended') update.suspended_at = trx.fn.now();
    if (to === 'canceled') Object.assign(update, { canceled_at: trx.fn.now(), canceled_by_kind: actor.kind === 'system' ? null : actor.kind });
    if (fields.maxAmountCents !== undefined) update.max_amount_cents = fields.maxAmountCents;
    await trx('autopay_enrolments').where({ id }).update(update);
    await recordAudit(trx, {
      dealerId, actorKind: actor.kind, actorId: actor.id, action: `autopay.${to === 'active' ? 'resumed' : to}`, entityType: 'autopay_enrolment', entityId: id,
      data: { customer_account_id: row.customer_account_id, from: row.status, reason: fields.reason ?? null, ...(fields.maxAmountCents !== undefined ? { max_amount_cents: fields.maxAmountCents } : {}) },
    });
    return (await enrolmentById(trx, id))!;
  });
}

/** The cycle of this enrolment for `key`, created (planned) on first sight. */
export async function ensureCycle(db: Executor, enrolment: EnrolmentRow, cycle: { key: string; debitDate: string; statementId: string | null }): Promise<CycleRow> {
  await db('autopay_cycles').insert({ dealer_id: enrolment.dealer_id, enrolment_id: enrolment.id, cycle_key: cycle.key, debit_date: cycle.debitDate, statement_id: cycle.statementId })
    .onConflict(['enrolment_id', 'cycle_key']).ignore();
  return db('autopay_cycles').where({ enrolment_id: enrolment.id, cycle_key: cycle.key }).first();
}

export async function cycleByKey(db: Executor, enrolmentId: string, key: string): Promise<CycleRow | undefined> {
  return db('autopay_cycles').where({ enrolment_id: enrolmentId, cycle_key: key }).forUpdate().first();
}

/** Cycle keys already finished (paid), so planning skips what was debited. */
export async function paidCycleKeys(db: Executor, enrolmentId: string): Promise<Set<string>> {
  return new Set(await db('autopay_cycles').where({ enrolment_id: enrolmentId, state: 'paid' }).pluck('cycle_key'));
}

export async function updateCycle(db: Executor, id: number, fields: Partial<Pick<CycleRow, 'state' | 'stop_reason' | 'payment_id' | 'amount_cents' | 'debit_date'>> & { noticed?: boolean }): Promise<void> {
  const { noticed, ...rest } = fields;
  await db('autopay_cycles').where({ id }).update({ ...rest, ...(noticed ? { noticed_at: db.fn.now() } : {}), updated_at: db.fn.now() });
}

/** The latest debit's payment and its status: a failed or returned one stops the enrolment. */
export async function lastDebit(db: Executor, enrolmentId: string): Promise<{ cycle_key: string; payment_id: string; status: string; debit_date: string } | undefined> {
  return db('autopay_cycles as c').join('payments as p', 'p.id', 'c.payment_id').where({ 'c.enrolment_id': enrolmentId })
    .orderBy('c.updated_at', 'desc').first('c.cycle_key', 'c.payment_id', 'p.status', 'c.debit_date');
}

/** The next planned (not yet paid or stopped) cycle's date, for the lists. */
export async function nextDebitDates(db: Executor, enrolmentIds: string[]): Promise<Map<string, { nextDebitDate: string | null; lastPaymentId: string | null }>> {
  const result = new Map<string, { nextDebitDate: string | null; lastPaymentId: string | null }>();
  if (enrolmentIds.length === 0) return result;
  const rows = await db('autopay_cycles').whereIn('enrolment_id', enrolmentIds).orderBy('id').select('enrolment_id', 'state', 'debit_date', 'payment_id');
  for (const id of enrolmentIds) result.set(id, { nextDebitDate: null, lastPaymentId: null });
  for (const row of rows) {
    const entry = result.get(row.enrolment_id)!;
    if (['planned', 'noticed'].includes(row.state)) entry.nextDebitDate = entry.nextDebitDate && entry.nextDebitDate < row.debit_date ? entry.nextDebitDate : row.debit_date;
    if (row.payment_id) entry.lastPaymentId = row.payment_id;
  }
  return result;
}

export async function markAutopayWorkflowStarted(db: Executor, id: string): Promise<void> {
  await db('autopay_enrolments').where({ id }).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

/** Live enrolments whose workflow start was never recorded: the sweep starts them. */
export async function unstartedEnrolments(db: Executor, createdBefore: Date, scope: { dealerId?: string } = {}): Promise<Array<{ id: string; dealer_id: string }>> {
  const query = db('autopay_enrolments').whereNot({ status: 'canceled' }).whereNull('workflow_started_at').where('created_at', '<', createdBefore);
  if (scope.dealerId) query.where({ dealer_id: scope.dealerId });
  return query.limit(100).select('id', 'dealer_id');
}

/** Open statements of the account, oldest first, with their dates. */
export async function openStatements(db: Executor, customerAccountId: string): Promise<Array<{ id: string; statement_number: string; discount_cents: number; discount_date: string | null; due_date: string }>> {
  const rows = await db('statements').where({ customer_account_id: customerAccountId, status: 'open' }).orderBy('statement_date').select('id', 'statement_number', 'discount_cents', 'discount_date', 'due_date');
  return rows.map((row) => ({ ...row, discount_cents: Number(row.discount_cents) }));
}

/** The statement's items still open (what "pay the statement in full" selects). */
export async function openStatementItems(db: Executor, statementId: string): Promise<Array<{ type: 'invoice' | 'debit' | 'credit'; id: string }>> {
  const rows = await db('statement_items as si').leftJoin('invoices as i', 'i.id', 'si.invoice_id').leftJoin('adjustments as a', 'a.id', 'si.adjustment_id')
    .where('si.statement_id', statementId)
    .select('si.item_type', db.raw('coalesce(si.invoice_id, si.adjustment_id) as id'), db.raw('coalesce(i.balance_cents, a.balance_cents) as balance'));
  return rows.filter((row) => Number(row.balance) > 0).map((row) => ({ type: row.item_type, id: row.id }));
}

/** Open invoices of the account with their due dates. */
export async function openInvoicesDue(db: Executor, customerAccountId: string): Promise<Array<{ id: string; due_date: string }>> {
  return db('invoices').where({ customer_account_id: customerAccountId }).whereIn('status', ['open', 'partially_paid']).where('balance_cents', '>', 0)
    .orderBy('due_date').select('id', 'due_date');
}

/** The names the authorization document prints: dealer, account and the user who authorized. */
export async function enrolmentNames(db: Executor, row: EnrolmentRow): Promise<{ dealerName: string; dealerTimeZone: string; accountName: string; accountNumber: string; userEmail: string | null }> {
  const [dealer, account, user] = await Promise.all([
    db('dealers').where({ id: row.dealer_id }).first('name', 'time_zone'),
    db('customer_accounts').where({ id: row.customer_account_id }).first('name', 'erp_account_id'),
    row.portal_user_id ? db('portal_users').where({ id: row.portal_user_id }).first('email') : Promise.resolve(undefined),
  ]);
  return { dealerName: dealer?.name ?? '', dealerTimeZone: dealer?.time_zone ?? 'UTC', accountName: account?.name ?? '', accountNumber: account?.erp_account_id ?? '', userEmail: user?.email ?? null };
}

/** Each account's number in the ERP, as the lists show it. */
export async function accountNumbers(db: Executor, customerAccountIds: string[]): Promise<Map<string, string>> {
  if (customerAccountIds.length === 0) return new Map();
  const rows = await db('customer_accounts').whereIn('id', [...new Set(customerAccountIds)]).select('id', 'erp_account_id');
  return new Map(rows.map((row) => [row.id as string, row.erp_account_id as string]));
}

/** Locks the enrolment for the debit's transaction, so a suspension waits for the debit or the debit sees it. */
export async function lockEnrolment(trx: Knex.Transaction, id: string): Promise<EnrolmentRow | undefined> {
  return num(await trx('autopay_enrolments').where({ id }).forUpdate().first());
}

/** Whether the account is the dealer's own (the console's list answers 404 for anyone else's). */
export async function isDealerAccount(db: Executor, dealerId: string, customerAccountId: string): Promise<boolean> {
  return Boolean(await db('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).whereNull('deleted_at').first('id'));
}
