import type { Knex } from 'knex';
import { paymentTransitions } from '../runtime/metrics';
import { paymentEventFor } from '../domain/domain-events';
import { auditInsert, recordAudit, type AuditEvent } from './audit';
import { domainEventWrites } from './domain-events';
import { writeTogether } from './one-statement';
import { applicationsWithDocuments } from './payment-queries';
import { recordShortPay } from './short-pays';
import { creditFromApplication, lockCreditAccountOf, settlePaidElsewhere, takeBackCreditOfPayment } from './account-credits';
import type { ShortPayReason } from '../domain/short-pay';
import { issueConditionalWaivers, voidWaiversForStatus } from './lien-waivers';
import { paymentWorkflowId } from '../workflows/payment-definitions';

/**
 * The payment read model and the balance bookkeeping behind it. Item balances move in
 * three steps, each in one transaction with the status change that causes it:
 *   reserve  (submit)          reserved += x                 — the item is no longer payable twice
 *   apply    (settled)         reserved -= x, balance -= x   — the money is ours
 *   release  (failed/terminated before settling)  reserved -= x
 *   reverse  (ACH return after settling)          balance += x — the item is owed again
 * Rows are always locked in id order so concurrent payments cannot deadlock.
 */

import type { PaymentMethodFacts } from '../domain/payment-method-label';
import type { PaymentStatus } from '../domain/payment-status';

export type { PaymentStatus };
export type ApplicationType = 'invoice' | 'debit' | 'credit' | 'discount' | 'terms_discount' | 'unapplied';
/** Discounts move no item balance: the item's own line carries its whole open amount; cash on account pays no item. */
export type BalanceApplicationType = Exclude<ApplicationType, 'discount' | 'terms_discount' | 'unapplied'>;
const movesBalance = (itemType: string): itemType is BalanceApplicationType => itemType !== 'discount' && itemType !== 'terms_discount' && itemType !== 'unapplied';

export interface NewApplication {
  itemType: ApplicationType;
  itemId: string; // invoice id (also for its terms discount), adjustment id, or statement id for a statement discount
  amountCents: number;
  appliedToInvoiceId?: string | null;
  appliedToDebitId?: string | null;
  /** An invoice or debit paid in part, and the customer's reason (domain/short-pay.ts). */
  shortPay?: { reason: ShortPayReason; note: string | null } | null;
}

export interface NewPayment {
  id: string;
  dealerId: string;
  customerAccountId: string;
  companyId: string;
  portalUserId: string | null;
  paymentMethodId: string;
  method: 'ach' | 'card';
  cardFunding: string | null;
  itemsCents: number;
  creditsCents: number;
  discountCents: number;
  /** Paid beyond the items, on account (an `unapplied` application); 0 when none. */
  onAccountCents?: number;
  feeCents: number;
  amountCents: number;
  processingCostCents: number;
  sourceView: 'all' | 'current_statement' | 'new_charges' | 'amount';
  statementId: string | null;
  idempotencyKey: string;
  requestHash: string;
  /** ACH only: the authorization wording the customer accepted, its version and rendered text. */
  achAuthorization?: { version: string; text: string } | null;
  applications: NewApplication[];
  /** True when the caller knows no line pays an item of a job, so there is no lien waiver to issue and nothing to ask. */
  jobless?: boolean;
}

export class ReservationConflict extends Error {
  constructor(public readonly itemType: ApplicationType, public readonly itemId: string, message: string) {
    super(message);
  }
}

const ITEM_TABLE: Record<BalanceApplicationType, 'invoices' | 'adjustments'> = { invoice: 'invoices', debit: 'adjustments', credit: 'adjustments' };

/** What the database gave a payment as it stored it. */
export interface StoredPayment {
  number: string;
  submittedAt: Date;
}

/**
 * Reserves every item's amount (or throws ReservationConflict), then stores the payment, its
 * lines, its first history row, its audit entry and `payment.created` in one statement: the
 * caller's transaction sends two statements however many items the payment pays.
 */
export async function createPaymentWithReservations(trx: Knex.Transaction, payment: NewPayment): Promise<StoredPayment> {
  for (const application of payment.applications) {
    if (application.itemType === 'discount') await reserveStatementDiscount(trx, payment, application);
    else if (application.itemType === 'terms_discount') await reserveTermsDiscount(trx, payment, application);
  }
  const holds = payment.applications.flatMap((application) => (movesBalance(application.itemType) ? [{ itemType: application.itemType, itemId: application.itemId, amountCents: application.amountCents }] : []));
  const openBefore = await reserveItems(trx, payment, holds);

  // The number is drawn by the insert; the audit entry and the event read it from there.
  const withNumber = (data: Record<string, unknown>) => trx.raw("cast(? as jsonb) || jsonb_build_object('number', (select number from created_payment))", [JSON.stringify(data)]);
  const lines = payment.applications.map((application) => ({
    payment_id: payment.id,
    dealer_id: payment.dealerId,
    item_type: application.itemType,
    invoice_id: application.itemType === 'invoice' || application.itemType === 'terms_discount' ? application.itemId : null,
    adjustment_id: application.itemType === 'debit' || application.itemType === 'credit' ? application.itemId : null,
    statement_id: application.itemType === 'discount' ? application.itemId : null,
    applied_to_invoice_id: application.appliedToInvoiceId ?? null,
    applied_to_adjustment_id: application.appliedToDebitId ?? null,
    amount_cents: application.amountCents,
    state: 'reserved',
  }));
  const [stored] = await writeTogether<{ number: string; submitted_at: Date; lines: Array<{ id: number; item_id: string }> | null }>(trx, [
    { name: 'created_payment', write: trx('payments').insert(paymentRow(trx, payment)).returning(['number', 'submitted_at']) },
    ...(lines.length > 0 ? [{ name: 'created_lines', write: trx('payment_applications').insert(lines).returning(['id', trx.raw('coalesce(invoice_id, adjustment_id, statement_id) as item_id')]) }] : []),
    trx('payment_events').insert({ payment_id: payment.id, from_status: null, to_status: 'pending', event: 'submitted', actor_kind: 'customer', actor_id: payment.portalUserId }),
    // The submission is the payment's first state change: audited like every later one.
    auditInsert(trx, {
      dealerId: payment.dealerId, actorKind: 'customer', actorId: payment.portalUserId, action: 'payment.submitted',
      entityType: 'payment', entityId: payment.id, data: withNumber({ from: null, to: 'pending', amountCents: payment.amountCents }),
    }),
    ...domainEventWrites(trx, {
      dealerId: payment.dealerId, type: 'payment.created', entityType: 'payment', entityId: payment.id,
      data: withNumber({ id: payment.id, status: 'pending', amount_cents: payment.amountCents, method: payment.method, customer_account_id: payment.customerAccountId }),
    }),
  ], `select number, submitted_at, ${lines.length > 0 ? '(select json_agg(created_lines) from created_lines)' : 'null'} as lines from created_payment`);

  const shortPaid = payment.applications.filter((application) => application.shortPay && (application.itemType === 'invoice' || application.itemType === 'debit'));
  for (const application of shortPaid) {
    const line = stored!.lines!.find((row) => row.item_id === application.itemId)!;
    await recordShortPay(trx, {
      dealerId: payment.dealerId, customerAccountId: payment.customerAccountId, paymentId: payment.id, applicationId: Number(line.id),
      itemType: application.itemType as 'invoice' | 'debit', itemId: application.itemId, paidCents: application.amountCents, openBeforeCents: openBefore.get(application.itemId)!,
      reason: application.shortPay!.reason, note: application.shortPay!.note,
    });
  }
  // The customer may hand these to the owner the moment the payment is on its way.
  if (!payment.jobless) await issueConditionalWaivers(trx, payment.id);
  return { number: stored!.number, submittedAt: new Date(stored!.submitted_at) };
}

function paymentRow(trx: Knex.Transaction, payment: NewPayment) {
  return {
    id: payment.id,
    number: trx.raw("'P-' || nextval('payment_number_seq')"),
    dealer_id: payment.dealerId,
    customer_account_id: payment.customerAccountId,
    company_id: payment.companyId,
    portal_user_id: payment.portalUserId,
    payment_method_id: payment.paymentMethodId,
    method: payment.method,
    card_funding: payment.cardFunding,
    status: 'pending',
    items_cents: payment.itemsCents,
    credits_cents: payment.creditsCents,
    discount_cents: payment.discountCents,
    on_account_cents: payment.onAccountCents ?? 0,
    fee_cents: payment.feeCents,
    amount_cents: payment.amountCents,
    processing_cost_cents: payment.processingCostCents,
    source_view: payment.sourceView,
    statement_id: payment.statementId,
    idempotency_key: payment.idempotencyKey,
    request_hash: payment.requestHash,
    ach_authorization_version: payment.achAuthorization?.version ?? null,
    ach_authorization_text: payment.achAuthorization?.text ?? null,
    workflow_id: paymentWorkflowId(payment.id),
  };
}

/** A statement discount can be earned once: no other live payment may hold it. */
async function reserveStatementDiscount(trx: Knex.Transaction, payment: NewPayment, application: NewApplication): Promise<void> {
  const statement = await trx('statements').where({ id: application.itemId, dealer_id: payment.dealerId, customer_account_id: payment.customerAccountId }).forUpdate().first();
  if (!statement || statement.status !== 'open') {
    throw new ReservationConflict('discount', application.itemId, 'This statement is no longer open, so its discount cannot be applied.');
  }
  const taken = await trx('payment_applications as pa')
    .join('payments as p', 'p.id', 'pa.payment_id')
    .where({ 'pa.statement_id': application.itemId, 'pa.item_type': 'discount' })
    .whereIn('pa.state', ['reserved', 'applied'])
    .first('p.number');
  if (taken) throw new ReservationConflict('discount', application.itemId, `The statement discount is already part of payment ${taken.number}.`);
}

/** An amount of one invoice or adjustment to hold for a payment, an approval or a schedule. */
export interface ItemHold {
  itemType: BalanceApplicationType;
  itemId: string;
  amountCents: number;
}

const PAYABLE = { invoices: ['open', 'partially_paid'], adjustments: ['open', 'partially_applied'] } as const;

/**
 * Holds every item's amount (summed per item) for a payment, an approval or a schedule in one
 * statement, so no other payment can take them; what each item had free to pay before, by item
 * id, or ReservationConflict naming the first item (in id order) that could not be held. Every
 * reserving path comes here, so all lock invoices then adjustments, each in id order, and two
 * never deadlock. One statement whatever the number of items: each round trip on this path costs
 * more than the update it carries (docs/performance.md, Payments).
 */
export async function reserveItems(trx: Knex.Transaction, scope: { dealerId: string; customerAccountId: string }, holds: ItemHold[]): Promise<Map<string, number>> {
  const totals = new Map<string, ItemHold>();
  for (const hold of holds) {
    const earlier = totals.get(hold.itemId);
    totals.set(hold.itemId, earlier ? { ...earlier, amountCents: earlier.amountCents + hold.amountCents } : { ...hold });
  }
  if (totals.size === 0) return new Map();
  const wanted = [...totals.values()].sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  const held = (table: 'invoices' | 'adjustments') => `
       ${table}_locked as (
         select t.id from ${table} t
          where t.id in (select item_id from wanted where ${table === 'invoices' ? "item_type = 'invoice'" : "item_type <> 'invoice'"})
            and t.dealer_id = :dealerId and t.customer_account_id = :customerAccountId
          order by t.id for update
       ),
       ${table}_held as (
         update ${table} t set reserved_cents = t.reserved_cents + w.amount_cents
           from wanted w, ${table}_locked l
          where l.id = t.id and w.item_id = t.id${table === 'adjustments' ? ' and t.kind = w.item_type' : " and w.item_type = 'invoice'"}
            and t.status in (${PAYABLE[table].map((status) => `'${status}'`).join(', ')})
            and t.balance_cents - t.reserved_cents >= w.amount_cents
         returning t.id, t.balance_cents - t.reserved_cents + w.amount_cents as open_before_cents
       )`;
  const { rows } = await trx.raw(
    `with wanted as (select * from jsonb_to_recordset(cast(:wanted as jsonb)) as w(item_type text, item_id uuid, amount_cents bigint)),
       ${held('invoices')},
       ${held('adjustments')}
     select id, open_before_cents from invoices_held union all select id, open_before_cents from adjustments_held`,
    { wanted: JSON.stringify(wanted.map((hold) => ({ item_type: hold.itemType, item_id: hold.itemId, amount_cents: hold.amountCents }))), dealerId: scope.dealerId, customerAccountId: scope.customerAccountId },
  );
  const openBefore = new Map<string, number>(rows.map((row: { id: string; open_before_cents: string | number }) => [row.id, Number(row.open_before_cents)]));
  const refused = wanted.find((hold) => !openBefore.has(hold.itemId));
  if (refused) throw await reservationRefusal(trx, refused);
  return openBefore;
}

/** Why an item could not be held, in the customer's words (read only when a hold failed). */
async function reservationRefusal(trx: Knex.Transaction, hold: ItemHold): Promise<ReservationConflict> {
  const table = ITEM_TABLE[hold.itemType];
  const item = await trx(table).where({ id: hold.itemId }).first();
  const label = table === 'invoices' ? `Invoice ${item?.invoice_number ?? hold.itemId}` : `Adjustment ${item?.adjustment_number ?? hold.itemId}`;
  const open = item ? Number(item.balance_cents) - Number(item.reserved_cents) : 0;
  const payable: readonly string[] = PAYABLE[table];
  return new ReservationConflict(hold.itemType, hold.itemId,
    item && payable.includes(item.status)
      ? `${label} has only ${open} cents left to pay after other payments in progress; refresh and try again.`
      : `${label} is no longer open for payment.`);
}

/** Gives a hold back; greatest(): an ERP sync may already have lowered the item's reservation below it. */
export async function unreserveItem(trx: Knex.Transaction, hold: { itemType: BalanceApplicationType; itemId: string; amountCents: number }): Promise<void> {
  await trx(ITEM_TABLE[hold.itemType]).where({ id: hold.itemId }).update({ reserved_cents: trx.raw('greatest(reserved_cents - ?, 0)', [hold.amountCents]) });
}

/**
 * An invoice's terms discount can be earned once, and only as its terms allow: the quote
 * checked the date, and the invoice line before this one reserved the whole balance.
 */
async function reserveTermsDiscount(trx: Knex.Transaction, payment: NewPayment, application: NewApplication): Promise<void> {
  const invoice = await trx('invoices').where({ id: application.itemId, dealer_id: payment.dealerId, customer_account_id: payment.customerAccountId })
    .first('invoice_number', 'terms_discount_cents', 'balance_cents', 'reserved_cents');
  if (!invoice || invoice.terms_discount_cents === null || application.amountCents > Math.min(Number(invoice.terms_discount_cents), Number(invoice.balance_cents))) {
    throw new ReservationConflict('terms_discount', application.itemId, `Invoice ${invoice?.invoice_number ?? application.itemId} no longer offers that discount; review the payment again.`);
  }
  const taken = await trx('payment_applications as pa')
    .join('payments as p', 'p.id', 'pa.payment_id')
    .where({ 'pa.invoice_id': application.itemId, 'pa.item_type': 'terms_discount' })
    .whereIn('pa.state', ['reserved', 'applied'])
    .whereNot('pa.payment_id', payment.id)
    .first('p.number');
  if (taken) throw new ReservationConflict('terms_discount', application.itemId, `The discount on invoice ${invoice.invoice_number} is already part of payment ${taken.number}.`);
}

/**
 * A payment's lines in the order their items are then locked: invoices, then adjustments, each
 * in id order, as a hold takes them (reserveItems), so a hold and a settle, return or release
 * sharing an invoice and an adjustment never each hold what the other waits for.
 */
async function lockedApplications(trx: Knex.Transaction, paymentId: string, state: string) {
  return trx('payment_applications').where({ payment_id: paymentId, state })
    .orderByRaw('invoice_id is null, adjustment_id is null, coalesce(invoice_id, adjustment_id, statement_id)').forUpdate();
}

/** Failed or terminated before settling: the reserved amounts become payable again. */
export async function releaseReservations(trx: Knex.Transaction, paymentId: string): Promise<void> {
  for (const application of await lockedApplications(trx, paymentId, 'reserved')) {
    if (movesBalance(application.item_type)) {
      await unreserveItem(trx, { itemType: application.item_type as BalanceApplicationType, itemId: application.invoice_id ?? application.adjustment_id, amountCents: Number(application.amount_cents) });
    }
    await trx('payment_applications').where({ id: application.id }).update({ state: 'released' });
  }
}

/**
 * Settled: reserved amounts come off the item balances, and cash paid on account becomes the
 * account's credit. An invoice the ERP says was paid some other way meanwhile takes only what is
 * still open; the rest becomes credit too (db/account-credits.ts settlePaidElsewhere).
 */
export async function applyReservations(trx: Knex.Transaction, payment: Pick<MovedPayment, 'id' | 'dealer_id' | 'customer_account_id' | 'number'>): Promise<void> {
  const paymentId = payment.id;
  await lockCreditAccountOf(trx, paymentId);
  for (const application of await lockedApplications(trx, paymentId, 'reserved')) {
    if (application.item_type === 'discount') {
      await trx('statements').where({ id: application.statement_id }).update({ status: 'paid', updated_at: trx.fn.now() });
    } else if (application.item_type === 'unapplied') {
      await creditFromApplication(trx, { application, payment, kind: 'overpayment' });
    } else if (application.item_type === 'invoice') {
      const paying = await settlePaidElsewhere(trx, application);
      await moveBalance(trx, application, -paying, -Number(application.amount_cents));
      if (paying === 0) continue;
    } else if (movesBalance(application.item_type)) {
      await moveBalance(trx, application, -Number(application.amount_cents), -Number(application.amount_cents));
    }
    await trx('payment_applications').where({ id: application.id }).update({ state: 'applied' });
  }
}

/**
 * ACH return after settling: what the payment took off is owed again, less whatever refunds
 * or chargebacks already gave back (db/payment-reversals.ts), and the payment counts as taken
 * back in full.
 */
export async function reverseApplications(trx: Knex.Transaction, paymentId: string): Promise<void> {
  await lockCreditAccountOf(trx, paymentId);
  for (const application of await lockedApplications(trx, paymentId, 'applied')) {
    if (application.item_type === 'discount') {
      await trx('statements').where({ id: application.statement_id }).update({ status: 'open', updated_at: trx.fn.now() });
    } else if (movesBalance(application.item_type)) {
      await moveBalance(trx, application, Number(application.amount_cents) - Number(application.reversed_cents ?? 0), 0);
    }
    await trx('payment_applications').where({ id: application.id }).update({ state: 'reversed', reversed_cents: trx.ref('amount_cents') });
  }
  // The credit it brought in goes too, with whatever that credit paid since.
  await takeBackCreditOfPayment(trx, paymentId);
  await trx('payments').where({ id: paymentId }).update({ reversed_cents: trx.ref('amount_cents') });
}

/**
 * Moves an invoice's or adjustment's balance and reservation and sets its status to match;
 * `application` is a payment_applications row (its item type and item id).
 */
export async function moveBalance(trx: Knex.Transaction, application: Record<string, any>, balanceDelta: number, reservedDelta: number): Promise<void> {
  const isInvoice = application.item_type === 'invoice';
  const table = isInvoice ? 'invoices' : 'adjustments';
  const id = application.invoice_id ?? application.adjustment_id;
  const [paid, partial, open] = isInvoice ? ['paid', 'partially_paid', 'open'] : ['applied', 'partially_applied', 'open'];
  await trx.raw(
    `update ${table} set
       balance_cents = least(amount_cents, greatest(balance_cents + ?, 0)),
       reserved_cents = greatest(reserved_cents + ?, 0),
       status = case when status = 'void' then status
                     when least(amount_cents, greatest(balance_cents + ?, 0)) = 0 then ?
                     when least(amount_cents, greatest(balance_cents + ?, 0)) < amount_cents then ?
                     else ? end,
       updated_at = now()
     where id = ?`,
    [balanceDelta, reservedDelta, balanceDelta, paid, balanceDelta, partial, open, id],
  );
}

export interface Transition {
  paymentId: string;
  from: PaymentStatus[];
  to: PaymentStatus;
  event: string;
  actor: { kind: AuditEvent['actorKind']; id?: string | null };
  reason?: string | null;
  fields?: Record<string, unknown>;
}

/** The payment row as a move left it, with its dealer's time zone (for the dealer-local dates the workflow counts from). */
export interface MovedPayment {
  id: string;
  dealer_id: string;
  customer_account_id: string;
  number: string;
  status: PaymentStatus;
  settled_at: Date | null;
  dealer_time_zone: string;
  [column: string]: unknown;
}

/**
 * Moves the read model's status, refusing if it is not in an expected `from` state (so a
 * replayed activity cannot move it twice), and records the event and the audit entry.
 * Returns the moved row, or null when the payment was already in `to` (idempotent replay).
 */
export async function transitionPayment(trx: Knex.Transaction, t: Transition): Promise<MovedPayment | null> {
  return movePayment(trx, t, 'throw');
}

/**
 * The same move, for a processor event that only applies from some statuses (a dispute opening
 * on a payment an operator froze, say): null instead of an error when the payment is elsewhere.
 */
export async function transitionPaymentIfIn(trx: Knex.Transaction, t: Transition): Promise<MovedPayment | null> {
  return movePayment(trx, t, 'skip');
}

async function movePayment(trx: Knex.Transaction, t: Transition, elsewhere: 'throw' | 'skip'): Promise<MovedPayment | null> {
  const current = await trx('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').where('p.id', t.paymentId).forUpdate('p').first('p.*', 'd.time_zone as dealer_time_zone');
  if (!current) throw new Error(`payment ${t.paymentId} not found`);
  if (current.status === t.to && !t.from.includes(t.to)) return null;
  if (!t.from.includes(current.status)) {
    if (elsewhere === 'skip') return null;
    throw new Error(`payment ${current.number} is ${current.status}; cannot ${t.event} (expected ${t.from.join('/')})`);
  }
  // The move, its history row, its audit entry and the event it announces in one statement,
  // which answers with the moved row: the caller needs no read of its own.
  const announced = paymentEventFor(current.status, t.to);
  const [moved] = await writeTogether<MovedPayment>(trx, [
    { name: 'moved_payment', write: trx('payments').where({ id: t.paymentId }).update({ status: t.to, updated_at: trx.fn.now(), ...t.fields }).returning('*') },
    trx('payment_events').insert({ payment_id: t.paymentId, from_status: current.status, to_status: t.to, event: t.event, actor_kind: t.actor.kind, actor_id: t.actor.id ?? null, reason: t.reason ?? null }),
    auditInsert(trx, {
      dealerId: current.dealer_id, actorKind: t.actor.kind, actorId: t.actor.id ?? null, action: `payment.${t.event}`,
      entityType: 'payment', entityId: t.paymentId, data: { from: current.status, to: t.to, reason: t.reason ?? undefined, number: current.number },
    }),
    ...(announced ? domainEventWrites(trx, {
      dealerId: current.dealer_id, type: announced, entityType: 'payment', entityId: t.paymentId,
      data: {
        id: t.paymentId, number: current.number, status: t.to, previous_status: current.status, cause: t.event, amount_cents: Number(current.amount_cents),
        method: current.method, customer_account_id: current.customer_account_id, settlement_id: (t.fields?.settlement_id as string | undefined) ?? current.settlement_id ?? null,
      },
    }) : []),
  ], 'select * from moved_payment');
  await voidWaiversForStatus(trx, t.paymentId, t.to);
  // Counted once committed: a rolled-back move never happened.
  trx.executionPromise.then(() => paymentTransitions.inc({ to: t.to, event: t.event }), () => undefined);
  return { ...moved!, dealer_time_zone: current.dealer_time_zone };
}

/** A payment's settlement facts, for a replayed settle that finds the move already made. */
export async function settledPaymentFacts(db: Knex | Knex.Transaction, paymentId: string): Promise<Pick<MovedPayment, 'customer_account_id' | 'settled_at' | 'dealer_time_zone'>> {
  return db('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').where('p.id', paymentId).first('p.customer_account_id', 'p.settled_at', 'd.time_zone as dealer_time_zone');
}

/**
 * The payment as its payer sees it: the company's payments on accounts it can still see
 * (`accountIds` come from db/portal-scope.ts), with the dealer, account, company and method
 * names the history, detail page and receipt show.
 */
export interface PortalPaymentScope {
  companyId: string;
  accountIds: string[];
  /** A project manager's jobs: a payment shows only when every item it paid is on one of them. */
  jobIds?: string[] | null;
}

/** The method columns are the facts domain/payment-method-label.ts names a method from. */
export interface PortalPaymentRow extends PaymentMethodFacts {
  id: string;
  number: string;
  status: PaymentStatus;
  method: 'ach' | 'card';
  items_cents: number;
  credits_cents: number;
  discount_cents: number;
  fee_cents: number;
  amount_cents: number;
  submitted_at: Date;
  settled_at: Date | null;
  dealer_id: string;
  dealer_name: string;
  dealer_time_zone: string;
  customer_account_id: string;
  account_name: string;
  erp_account_id: string;
  company_name: string;
}

export interface PortalPaymentApplicationRow {
  item_type: ApplicationType;
  amount_cents: number;
  invoice_id: string | null;
  invoice_number: string | null;
  adjustment_number: string | null;
  statement_number: string | null;
  applied_to_invoice_number: string | null;
}

export interface PortalPaymentEventRow {
  to_status: PaymentStatus;
  event: string;
  /** ISO text: the history is read as JSON. */
  at: string;
}

export interface PortalPaymentRecord {
  row: PortalPaymentRow;
  applications: PortalPaymentApplicationRow[];
  events: PortalPaymentEventRow[];
  outcome: { moov_status: string | null; failure_reason: string | null; return_code: string | null } | undefined;
}

const PORTAL_SUMMARY_COLUMNS = [
  'p.id', 'p.number', 'p.status', 'p.method', 'p.items_cents', 'p.credits_cents', 'p.discount_cents', 'p.fee_cents', 'p.amount_cents',
  'p.submitted_at', 'p.settled_at', 'p.dealer_id', 'd.name as dealer_name', 'd.time_zone as dealer_time_zone', 'p.customer_account_id',
  'ca.name as account_name', 'ca.erp_account_id', 'c.name as company_name',
  'pm.kind', 'pm.label', 'pm.last4', 'pm.bank_name', 'pm.card_brand', 'pm.card_funding',
];

function scopedPayments(db: Knex | Knex.Transaction, scope: PortalPaymentScope): Knex.QueryBuilder {
  const query = db('payments as p')
    .join('dealers as d', 'd.id', 'p.dealer_id')
    .join('customer_accounts as ca', 'ca.id', 'p.customer_account_id')
    .join('customer_companies as c', 'c.id', 'p.company_id')
    .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
    .where('p.company_id', scope.companyId)
    .whereIn('p.customer_account_id', scope.accountIds);
  if (scope.jobIds !== null && scope.jobIds !== undefined) {
    // A statement discount names no job: a payment carrying one is not a single job's.
    query.whereRaw(`not exists (select 1 from payment_applications pa left join invoices i on i.id = coalesce(pa.invoice_id, pa.applied_to_invoice_id) left join adjustments a on a.id = pa.adjustment_id
      where pa.payment_id = p.id and (coalesce(i.job_id, a.job_id) is null or not (coalesce(i.job_id, a.job_id) = any(?::uuid[]))))`, [scope.jobIds]);
  }
  return query;
}

/** One page of the company's payments, newest first, and how many there are in all. */
export async function portalPaymentPage(db: Knex | Knex.Transaction, scope: PortalPaymentScope, options: { dealerId?: string; limit: number; offset: number }): Promise<{ rows: PortalPaymentRow[]; total: number }> {
  const base = scopedPayments(db, scope);
  if (options.dealerId) base.where('p.dealer_id', options.dealerId);
  const [rows, counted] = await Promise.all([
    base.clone().select(PORTAL_SUMMARY_COLUMNS).orderBy([{ column: 'p.submitted_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(options.limit).offset(options.offset),
    base.clone().count({ total: '*' }).first(),
  ]);
  return { rows: rows as PortalPaymentRow[], total: Number(counted?.total ?? 0) };
}

/**
 * One payment of the company with what it paid and its history; undefined outside the scope.
 * One statement: the lines and the history come as JSON beside the row, since the detail is
 * read after every submission and each round trip costs more than these small reads.
 */
export async function portalPayment(db: Knex | Knex.Transaction, scope: PortalPaymentScope, paymentId: string): Promise<PortalPaymentRecord | undefined> {
  const lines = applicationsWithDocuments(db, paymentId)
    .select('pa.item_type', 'pa.amount_cents', 'pa.invoice_id', 'i.invoice_number', 'ad.adjustment_number', 'st.statement_number', 'ai.invoice_number as applied_to_invoice_number');
  const found = (await scopedPayments(db, scope).where('p.id', paymentId).first([
    ...PORTAL_SUMMARY_COLUMNS, 'p.moov_status', 'p.failure_reason', 'p.return_code',
    db.raw(`(select coalesce(json_agg(line), '[]'::json) from (?) line) as applications`, [lines]),
    db.raw(`(select coalesce(json_agg(json_build_object('to_status', e.to_status, 'event', e.event, 'at', e.at) order by e.at, e.id), '[]'::json)
      from payment_events e where e.payment_id = p.id) as events`),
  ])) as (PortalPaymentRow & { moov_status: string | null; failure_reason: string | null; return_code: string | null; applications: PortalPaymentApplicationRow[]; events: PortalPaymentEventRow[] }) | undefined;
  if (!found) return undefined;
  const { moov_status, failure_reason, return_code, applications, events, ...row } = found;
  return { row: row as PortalPaymentRow, applications, events, outcome: { moov_status, failure_reason, return_code } };
}

/** The payment a company's submit attempt created, by its Idempotency-Key, with the request it hashed. */
export async function paymentByIdempotencyKey(db: Knex | Knex.Transaction, companyId: string, idempotencyKey: string): Promise<{ id: string; request_hash: string } | undefined> {
  return db('payments').where({ company_id: companyId, idempotency_key: idempotencyKey }).first('id', 'request_hash');
}

/**
 * What an Idempotency-Key already made for the company (kind, id, request_hash): a payment, or an approval request
 * waiting for an owner (a payment wins should both exist), as a query for the quote's one read, since
 * every submission asks before doing anything else.
 */
export function submissionByKeyQuery(db: Knex | Knex.Transaction, companyId: string, idempotencyKey: string): Knex.Raw {
  return db.raw(
    `select 'payment' as kind, id, request_hash from payments where company_id = ? and idempotency_key = ?
     union all
     select 'approval', id, request_hash from payment_approvals where company_id = ? and idempotency_key = ?
     order by kind desc limit 1`,
    [companyId, idempotencyKey, companyId, idempotencyKey],
  );
}

/** Whether the company's payment has had its workflow started (false too when there is no such payment). */
export async function paymentWorkflowStarted(db: Knex | Knex.Transaction, companyId: string, paymentId: string): Promise<boolean> {
  const row = await db('payments').where({ id: paymentId, company_id: companyId }).first('workflow_started_at');
  return Boolean(row?.workflow_started_at);
}

/** Stores a submitted payment and its reservations in one transaction (see createPaymentWithReservations). */
export async function createPayment(db: Knex, payment: NewPayment): Promise<StoredPayment> {
  return db.transaction((trx) => createPaymentWithReservations(trx, payment));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payment a processor transfer event is about. A transfer that clears at once can report
 * before submitTransfer has stored its id; its foreignID (our payment id, set when we created
 * it) still finds the payment. The foreign id only counts for a payment with no transfer yet
 * or this very transfer.
 */
export async function paymentForTransfer(db: Knex | Knex.Transaction, transferId: string, foreignId: unknown): Promise<{ id: string } | undefined> {
  const byTransfer = await db('payments').where({ moov_transfer_id: transferId }).first('id');
  if (byTransfer) return byTransfer;
  // An ACH refund is its own transfer (an ACH credit back to the customer): its events belong
  // to the payment it refunds, whose run re-reads the refund's state.
  const refunded = await db('payment_reversals').where({ kind: 'refund', source_id: transferId }).first('payment_id');
  if (refunded) return { id: refunded.payment_id };
  if (typeof foreignId !== 'string' || !UUID.test(foreignId)) return undefined;
  return db('payments').where({ id: foreignId }).where((q) => q.whereNull('moov_transfer_id').orWhere({ moov_transfer_id: transferId })).first('id');
}
