import type { Knex } from 'knex';
import {
  creditBalance, paidElsewhereSplit, planCreditApplication, planSourceReturn, type CreditEntry, type CreditEntryKind, type PlannedApplication,
} from '../domain/account-credit';
import { formatCents } from '../domain/money';
import { refuseNotFound, refuseUnprocessable } from '../domain/refusal';
import { recordAudit, type AuditEvent } from './audit';
import { alertOperators } from './operator-alerts';
import { moveBalance } from './payments';
import { placeCreditApplicationLines, type SettlementRow } from './settlements';

/**
 * The customer account's unapplied-credit ledger (domain/account-credit.ts, docs/unapplied-credit.md).
 * Every change locks the account row first, so two applications (or an application and a
 * return) cannot both spend the same credit, and writes the entries the domain planned.
 */

type Db = Knex | Knex.Transaction;
type Actor = { kind: AuditEvent['actorKind']; id?: string | null };
type WorkflowIdFor = (dealerId: string, businessDate: string, sequence: number) => string;

export interface CreditEntryRow {
  id: string;
  kind: CreditEntryKind;
  amount_cents: number;
  payment_id: string;
  payment_number: string;
  source_entry_id: string | null;
  reverses_entry_id: string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  actor_kind: 'system' | 'operator' | 'customer';
  note: string | null;
  created_at: Date;
}

const toDomain = (row: CreditEntryRow): CreditEntry => ({
  id: row.id, kind: row.kind, amountCents: Number(row.amount_cents), sourceEntryId: row.source_entry_id, invoiceId: row.invoice_id,
  reversesEntryId: row.reverses_entry_id, createdAt: new Date(row.created_at).toISOString(),
});

function entriesOf(db: Db, dealerId: string, customerAccountId: string) {
  return db('account_credit_entries as e')
    .join('payments as p', 'p.id', 'e.payment_id')
    .leftJoin('invoices as i', 'i.id', 'e.invoice_id')
    .where({ 'e.dealer_id': dealerId, 'e.customer_account_id': customerAccountId })
    .orderBy([{ column: 'e.created_at' }, { column: 'e.id' }])
    .select('e.id', 'e.kind', 'e.amount_cents', 'e.payment_id', 'p.number as payment_number', 'e.source_entry_id', 'e.reverses_entry_id', 'e.invoice_id',
      'i.invoice_number', 'e.actor_kind', 'e.note', 'e.created_at');
}

/** The account's credit balance and its entries, newest first; undefined when the account is not the dealer's. */
export async function accountCredit(db: Db, dealerId: string, customerAccountId: string): Promise<{ balanceCents: number; entries: CreditEntryRow[] } | undefined> {
  const account = await db('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).first('id');
  if (!account) return undefined;
  const rows: CreditEntryRow[] = (await entriesOf(db, dealerId, customerAccountId)).map((row: CreditEntryRow) => ({ ...row, amount_cents: Number(row.amount_cents) }));
  return { balanceCents: creditBalance(rows.map(toDomain)), entries: rows.reverse() };
}

/**
 * Takes the payment's account lock before its items': applying credit locks the account and then
 * the invoices, so settling and returning a payment must take them in the same order.
 */
export async function lockCreditAccountOf(trx: Knex.Transaction, paymentId: string): Promise<void> {
  await trx('customer_accounts').whereIn('id', trx('payments').where({ id: paymentId }).select('customer_account_id')).forUpdate().first('id');
}

async function lockAccount(trx: Knex.Transaction, dealerId: string, customerAccountId: string) {
  const account = await trx('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).forUpdate().first('id', 'erp_account_id', 'name');
  if (!account) throw refuseNotFound('Account');
  return account;
}

/**
 * A settled payment's `unapplied` application becomes the account's credit (once: the entry is
 * keyed by the application). Called when the payment's money is ours, where its items' balances
 * come down (db/payments.ts applyReservations).
 */
export async function creditFromApplication(
  trx: Knex.Transaction,
  input: { application: { id: number | string; amount_cents: number | string }; payment: { id: string; dealer_id: string; customer_account_id: string; number: string }; kind: 'overpayment' | 'paid_elsewhere'; invoiceId?: string | null },
): Promise<void> {
  await lockAccount(trx, input.payment.dealer_id, input.payment.customer_account_id);
  const inserted = await trx('account_credit_entries').insert({
    dealer_id: input.payment.dealer_id, customer_account_id: input.payment.customer_account_id, kind: input.kind, amount_cents: Number(input.application.amount_cents),
    payment_id: input.payment.id, payment_application_id: input.application.id, invoice_id: input.invoiceId ?? null, actor_kind: 'system',
  }).onConflict('payment_application_id').ignore().returning('id');
  if (inserted.length === 0) return;
  await recordAudit(trx, {
    dealerId: input.payment.dealer_id, actorKind: 'system', action: 'account_credit.created', entityType: 'customer_account', entityId: input.payment.customer_account_id,
    data: { kind: input.kind, amountCents: Number(input.application.amount_cents), paymentId: input.payment.id, paymentNumber: input.payment.number },
  });
}

/**
 * Applies the account's credit to open invoices (oldest first; all that fits when `amountCents`
 * is null): each invoice's balance comes down at once, and each part is queued as an
 * `unapplied_cash_application` GL line, under the payment whose cash it was, on the dealer's
 * open batch. Refused (nothing written) when there is no credit or the amount does not fit.
 */
export async function applyAccountCredit(
  trx: Knex.Transaction,
  input: { dealerId: string; customerAccountId: string; invoiceIds: string[]; amountCents: number | null; actor: Actor; now: Date; workflowIdFor: WorkflowIdFor; note?: string | null },
): Promise<{ appliedCents: number; balanceCents: number; applications: PlannedApplication[]; settlement: SettlementRow; sourcePaymentIds: string[] }> {
  const account = await lockAccount(trx, input.dealerId, input.customerAccountId);
  const entries = (await entriesOf(trx, input.dealerId, input.customerAccountId)).map(toDomain);
  const ids = [...new Set(input.invoiceIds)].sort();
  const invoices = await trx('invoices as i').leftJoin('jobs as j', 'j.id', 'i.job_id')
    .where({ 'i.dealer_id': input.dealerId, 'i.customer_account_id': input.customerAccountId }).whereIn('i.id', ids)
    .orderBy('i.id').forUpdate('i')
    .select('i.id', 'i.invoice_number', 'i.due_date', 'i.status', 'i.balance_cents', 'i.reserved_cents', 'j.erp_job_id');
  if (invoices.length !== ids.length) throw refuseNotFound('Invoice');
  const plan = planCreditApplication(entries, invoices.map((invoice) => ({
    id: invoice.id, number: invoice.invoice_number, dueDate: invoice.due_date,
    availableCents: ['open', 'partially_paid'].includes(invoice.status) ? Math.max(0, Number(invoice.balance_cents) - Number(invoice.reserved_cents)) : 0,
  })), input.amountCents);
  if (!plan.ok) throw refuseUnprocessable(plan.code, plan.message);

  const sources = new Map(entries.map((entry) => [entry.id, entry]));
  const sourcePayments = new Map<string, string>(
    (await trx('account_credit_entries').whereIn('id', [...new Set(plan.applications.map((a) => a.sourceEntryId))]).select('id', 'payment_id'))
      .map((row: { id: string; payment_id: string }) => [row.id, row.payment_id]),
  );
  const lines = [];
  for (const application of plan.applications) {
    if (!sources.has(application.sourceEntryId)) throw new Error(`credit source ${application.sourceEntryId} vanished under the account lock`);
    await moveBalance(trx, { item_type: 'invoice', invoice_id: application.invoiceId }, -application.amountCents, 0);
    const [entry] = await trx('account_credit_entries').insert({
      dealer_id: input.dealerId, customer_account_id: input.customerAccountId, kind: 'application', amount_cents: -application.amountCents,
      payment_id: sourcePayments.get(application.sourceEntryId), source_entry_id: application.sourceEntryId, invoice_id: application.invoiceId,
      actor_kind: input.actor.kind, actor_id: input.actor.id ?? null, note: input.note ?? null,
    }).returning('id');
    const invoice = invoices.find((row) => row.id === application.invoiceId)!;
    lines.push({
      entryId: entry.id as string, dealerId: input.dealerId, paymentId: sourcePayments.get(application.sourceEntryId)!, erpAccountId: account.erp_account_id,
      erpJobId: invoice.erp_job_id ?? null, invoiceNumber: invoice.invoice_number, amountCents: application.amountCents,
    });
  }
  const { settlement, lineIds } = await placeCreditApplicationLines(trx, { dealerId: input.dealerId, lines, now: input.now, workflowIdFor: input.workflowIdFor });
  for (const [entryId, lineId] of lineIds) await trx('account_credit_entries').where({ id: entryId }).update({ gl_line_id: lineId });
  const balanceCents = creditBalance(entries) - plan.totalCents;
  await recordAudit(trx, {
    dealerId: input.dealerId, actorKind: input.actor.kind, actorId: input.actor.id ?? null, action: 'account_credit.applied', entityType: 'customer_account', entityId: input.customerAccountId,
    data: {
      amountCents: plan.totalCents, balanceCents, settlementNumber: settlement.number, note: input.note ?? undefined,
      invoices: lines.map((line) => ({ number: line.invoiceNumber, amountCents: line.amountCents })),
    },
  });
  return { appliedCents: plan.totalCents, balanceCents, applications: plan.applications, settlement, sourcePaymentIds: [...new Set(lines.map((line) => line.paymentId))] };
}

/**
 * The payment that brought credit in was returned after settling: its applications are undone
 * (each invoice it paid is owed again; their GL lines are reversed with the payment's own by
 * db/settlements.ts queueReversal) and the credit is taken back, so the ledger never holds money
 * that did not arrive. Idempotent: a source already taken back plans nothing.
 */
export async function takeBackCreditOfPayment(trx: Knex.Transaction, paymentId: string): Promise<{ takenCents: number; undoneLines: Array<{ lineId: string; amountCents: number }> }> {
  const sources = await trx('account_credit_entries').where({ payment_id: paymentId }).whereIn('kind', ['overpayment', 'paid_elsewhere']).select('id', 'dealer_id', 'customer_account_id');
  let taken = 0;
  const undoneLines: Array<{ lineId: string; amountCents: number }> = [];
  for (const source of sources) {
    await lockAccount(trx, source.dealer_id, source.customer_account_id);
    const entries = (await entriesOf(trx, source.dealer_id, source.customer_account_id)).map(toDomain);
    const plan = planSourceReturn(entries, source.id);
    for (const undo of plan.undo) {
      const undone = await trx('account_credit_entries').where({ id: undo.applicationEntryId }).first('gl_line_id');
      if (undone?.gl_line_id) undoneLines.push({ lineId: undone.gl_line_id, amountCents: undo.amountCents });
      await moveBalance(trx, { item_type: 'invoice', invoice_id: undo.invoiceId }, undo.amountCents, 0);
      await trx('account_credit_entries').insert({
        dealer_id: source.dealer_id, customer_account_id: source.customer_account_id, kind: 'application_reversed', amount_cents: undo.amountCents,
        payment_id: paymentId, source_entry_id: source.id, reverses_entry_id: undo.applicationEntryId, invoice_id: undo.invoiceId, actor_kind: 'system',
      });
    }
    if (plan.takeBackCents > 0) {
      await trx('account_credit_entries').insert({
        dealer_id: source.dealer_id, customer_account_id: source.customer_account_id, kind: 'credit_reversed', amount_cents: -plan.takeBackCents,
        payment_id: paymentId, source_entry_id: source.id, actor_kind: 'system', note: 'The payment was returned',
      });
      taken += plan.takeBackCents;
      await recordAudit(trx, {
        dealerId: source.dealer_id, actorKind: 'system', action: 'account_credit.taken_back', entityType: 'customer_account', entityId: source.customer_account_id,
        data: { paymentId, amountCents: plan.takeBackCents, applicationsUndone: plan.undo.length },
      });
    }
  }
  return { takenCents: taken, undoneLines };
}

/**
 * Settling an invoice application the ERP says was (partly) paid some other way meanwhile:
 * only what is still open is applied to the invoice; the rest becomes an `unapplied`
 * application of the same payment (posted as unapplied cash) and the customer's credit.
 * Returns the cents applied to the invoice.
 */
export async function settlePaidElsewhere(trx: Knex.Transaction, application: Record<string, any>): Promise<number> {
  const invoice = await trx('invoices').where({ id: application.invoice_id }).forUpdate().first('balance_cents', 'status', 'invoice_number');
  const amount = Number(application.amount_cents);
  const open = invoice.status === 'void' ? 0 : Number(invoice.balance_cents);
  const { payCents, creditCents } = paidElsewhereSplit(amount, open);
  if (creditCents === 0) return amount;
  const payment = await trx('payments').where({ id: application.payment_id }).first('id', 'dealer_id', 'customer_account_id', 'number');
  if (payCents > 0) await trx('payment_applications').where({ id: application.id }).update({ amount_cents: payCents });
  else await trx('payment_applications').where({ id: application.id }).update({ state: 'released' });
  const [excess] = await trx('payment_applications').insert({
    payment_id: payment.id, dealer_id: payment.dealer_id, item_type: 'unapplied', amount_cents: creditCents, state: 'applied',
  }).returning(['id', 'amount_cents']);
  await trx('payments').where({ id: payment.id }).update({
    items_cents: trx.raw('items_cents - ?', [creditCents]), on_account_cents: trx.raw('on_account_cents + ?', [creditCents]), updated_at: trx.fn.now(),
  });
  await creditFromApplication(trx, { application: excess, payment, kind: 'paid_elsewhere', invoiceId: application.invoice_id });
  await recordAudit(trx, {
    dealerId: payment.dealer_id, actorKind: 'system', action: 'payment.paid_elsewhere_credited', entityType: 'payment', entityId: payment.id,
    data: { invoiceNumber: invoice.invoice_number, appliedCents: payCents, creditCents },
  });
  return payCents;
}

/**
 * The ERP lowered these invoices' balances (a check at the counter, say): every payment still
 * in flight that applies more to one of them than is now open is flagged, once per invoice and
 * amount, and the dealer's operators are told. Settling it later turns the excess into credit.
 */
export async function flagPaidElsewhere(db: Db, dealerId: string, invoiceIds: string[]): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  if (!(db as Knex.Transaction).isTransaction) return (db as Knex).transaction((trx) => flagPaidElsewhere(trx, dealerId, invoiceIds));
  const trx = db as Knex.Transaction;
  const rows = await trx('payment_applications as pa')
    .join('payments as p', 'p.id', 'pa.payment_id')
    .join('invoices as i', 'i.id', 'pa.invoice_id')
    .where({ 'pa.item_type': 'invoice', 'pa.state': 'reserved', 'p.dealer_id': dealerId })
    .whereIn('pa.invoice_id', invoiceIds)
    .select('p.id as payment_id', 'p.number', 'p.paid_elsewhere_cents', 'pa.invoice_id', 'pa.amount_cents', 'i.invoice_number', 'i.balance_cents', 'i.status');
  let flagged = 0;
  for (const row of rows) {
    const open = row.status === 'void' ? 0 : Number(row.balance_cents);
    const { creditCents } = paidElsewhereSplit(Number(row.amount_cents), open);
    if (creditCents === 0 || Number(row.paid_elsewhere_cents) >= creditCents) continue;
    await trx('payments').where({ id: row.payment_id }).update({ paid_elsewhere_cents: creditCents, paid_elsewhere_at: trx.fn.now(), updated_at: trx.fn.now() });
    await alertOperators(trx, {
      paymentId: row.payment_id, dealerId, key: `paid-elsewhere:${row.invoice_id}:${creditCents}`,
      subject: `Payment ${row.number}: invoice ${row.invoice_number} was paid another way`,
      text: `Spruce now shows ${formatCents(open)} open on invoice ${row.invoice_number}, but payment ${row.number} in progress applies ${formatCents(Number(row.amount_cents))} to it. `
        + `When the payment settles, ${formatCents(creditCents)} becomes the customer's unapplied credit instead of paying the invoice twice.`,
    });
    flagged += 1;
  }
  return flagged;
}
