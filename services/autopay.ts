import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import type { EnrolmentRequest } from '../contracts/portal/autopay';
import type { PaymentRequest } from '../contracts/portal/payments';
import {
  changeEnrolmentStatus, createEnrolment, lockEnrolment, cycleByKey, ensureCycle, enrolmentById, lastDebit, openInvoicesDue, openStatementItems, openStatements, paidCycleKeys, updateCycle, type EnrolmentRow,
} from '../db/autopay';
import type { Db } from '../db/connection';
import { queueEmail } from '../db/email-outbox';
import { companyPaymentMethod } from '../db/payment-methods';
import { createPaymentWithReservations } from '../db/payments';
import { dealerTerms, linkedAccount } from '../db/portal-scope';
import { portalUserEmail } from '../db/scheduled-payments';
import { CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION, isKnownRecurringAchAuthorizationVersion, recurringAchAuthorizationText } from '../domain/ach-authorization';
import {
  aboveMaximumReason, autopayInstant, DEFAULT_NOTICE_DAYS, describeRule, effectiveDate, invoiceDebitDate, noticeDate, statementDebitDate, type AutopayRule,
} from '../domain/autopay';
import { localDate, type IsoDate } from '../domain/dates';
import { formatCents } from '../domain/money';
import { methodLabel } from '../domain/payment-method-label';
import { quotePayment, type PaymentQuote } from '../domain/payment-quote';
import { isRefusal, refuseInvalid, refuseNotFound } from '../domain/refusal';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { autopayWorkflowId, type AutopayPlan } from '../workflows/autopay-definitions';
import { signalAutopayChanged, startAutopayWorkflow } from '../workflows/autopay-client';
import { startPaymentWorkflow } from '../workflows/payment-client';
import { buildQuoteInput, paymentFromQuote } from './payment-submission';

/**
 * Autopay (docs/autopay.md): enrolment with its recurring authorization, and the three steps
 * the enrolment's workflow takes each cycle (plan, notice, debit). Every step re-reads the
 * enrolment, so a suspension or cancellation is obeyed however it races a timer. A debit is an
 * ordinary payment made through the same quote as paying in the portal, keyed by enrolment and
 * cycle, so a retried debit is the same payment.
 */
export interface AutopayDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

interface AuthorizationContext {
  dealerName: string;
  method: { kind: 'ach' | 'card'; label: string };
  today: IsoDate;
}

async function enrolmentContext(db: Db, companyId: string, request: EnrolmentRequest) {
  const account = await linkedAccount(db, companyId, request.customerAccountId);
  if (account.dealer_id !== request.dealerId) throw refuseNotFound('Account');
  const dealer = await dealerTerms(db, account.dealer_id);
  const method = await companyPaymentMethod(db, companyId, request.paymentMethodId);
  if (!method) throw refuseNotFound('Payment method');
  if (method.status !== 'active' || method.relink_reason !== null) {
    throw refuseInvalid('payment_method_unusable', 'This payment method cannot be used for autopay now (disabled, or the bank asks you to reconnect it). Choose or link another.', [{ field: 'paymentMethodId', message: 'not usable' }]);
  }
  if (request.rule === 'invoice_before_due' && request.daysBeforeDue === undefined) {
    throw refuseInvalid('autopay_days_required', 'daysBeforeDue is required for the rule invoice_before_due (0 to 30 days before each due date).', [{ field: 'daysBeforeDue', message: 'required for invoice_before_due' }]);
  }
  if (request.rule !== 'invoice_before_due' && request.daysBeforeDue !== undefined) {
    throw refuseInvalid('autopay_days_unexpected', `daysBeforeDue applies only to the rule invoice_before_due, not ${request.rule}.`, [{ field: 'daysBeforeDue', message: 'only for invoice_before_due' }]);
  }
  if (method.kind === 'ach' && !request.accountHolderType) {
    throw refuseInvalid('account_holder_type_required', 'accountHolderType (business or consumer) is required to authorize recurring bank debits.', [{ field: 'accountHolderType', message: 'required for ACH' }]);
  }
  const context: AuthorizationContext = { dealerName: dealer.name, method: { kind: method.kind, label: methodLabel(method) }, today: localDate(new Date(), dealer.time_zone) };
  return { account, dealer, method, context };
}

function authorizationFor(context: AuthorizationContext, request: EnrolmentRequest, version: string): { version: string; text: string } {
  return {
    version,
    text: recurringAchAuthorizationText(version, {
      dealerName: context.dealerName, accountLabel: context.method.label, accountHolderType: request.accountHolderType ?? 'business',
      ruleText: describeRule(request.rule, request.daysBeforeDue ?? null), maxAmountCents: request.maxAmountCents ?? null, noticeDays: request.noticeDays ?? DEFAULT_NOTICE_DAYS, date: context.today,
    }),
  };
}

/** The recurring authorization this enrolment would give, in the words the portal shows beside Turn on. */
export async function previewEnrolment(db: Db, companyId: string, request: EnrolmentRequest): Promise<{ version: string; text: string } | null> {
  const { method, context } = await enrolmentContext(db, companyId, request);
  return method.kind === 'ach' ? authorizationFor(context, request, CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION) : null;
}

/** Enrols the account, recording the authorization as given (who, from where, when, which account), and starts its workflow. */
export async function enrol(deps: AutopayDeps, customer: { id: string; companyId: string }, request: EnrolmentRequest, client: { ip: string | null; userAgent: string | null }): Promise<string> {
  const { account, method, context } = await enrolmentContext(deps.db, customer.companyId, request);
  let authorization: { version: string; text: string } | null = null;
  if (method.kind === 'ach') {
    if (request.achAuthorizationVersion === undefined) {
      throw refuseInvalid('ach_authorization_required', 'achAuthorizationVersion is required to enrol a bank account: send the version of the recurring debit authorization the customer accepted.', [{ field: 'achAuthorizationVersion', message: 'required for ACH' }]);
    }
    if (!isKnownRecurringAchAuthorizationVersion(request.achAuthorizationVersion)) {
      throw refuseInvalid('ach_authorization_unknown', `achAuthorizationVersion "${request.achAuthorizationVersion}" is not a recurring debit authorization we have shown. Reload the page to see the current wording.`, [{ field: 'achAuthorizationVersion', message: 'unknown version' }]);
    }
    authorization = authorizationFor(context, request, request.achAuthorizationVersion);
  }
  const id = randomUUID();
  await createEnrolment(deps.db, {
    id, dealer_id: account.dealer_id, customer_account_id: account.id, company_id: customer.companyId, portal_user_id: customer.id, payment_method_id: method.id,
    rule: request.rule, days_before_due: request.daysBeforeDue ?? null, max_amount_cents: request.maxAmountCents ?? null, notice_days: request.noticeDays ?? DEFAULT_NOTICE_DAYS,
    authorization_version: authorization?.version ?? null, authorization_text: authorization?.text ?? null, account_mask: `····${method.last4}`,
    account_holder_type: method.kind === 'ach' ? request.accountHolderType ?? null : null, authorized_ip: client.ip, authorized_user_agent: client.userAgent?.slice(0, 500) ?? null,
    authorized_at: new Date(), workflow_id: autopayWorkflowId(id),
  });
  // Committed: if this start fails, the cluster sweep starts it.
  await startAutopayWorkflow(deps.db, deps.temporal, deps.config, { enrolmentId: id, dealerId: account.dealer_id })
    .catch((error) => logger.error({ err: error, enrolmentId: id }, 'autopay workflow start failed; the sweep will retry'));
  return id;
}

type Actor = { kind: 'customer' | 'operator'; id: string };

/** Cancel (the customer revokes the authorization), suspend (the dealer), resume (after it asked): then the workflow plans again. */
export async function changeEnrolment(deps: AutopayDeps, row: EnrolmentRow, action: 'cancel' | 'suspend' | 'resume', actor: Actor, fields: { maxAmountCents?: number | null } = {}, reason: string | null = null): Promise<EnrolmentRow> {
  const to = action === 'cancel' ? 'canceled' : action === 'suspend' ? 'suspended' : 'active';
  const changed = await changeEnrolmentStatus(deps.db, row.id, row.dealer_id, to, actor, { ...fields, reason });
  await signalAutopayChanged(deps.temporal, row.id);
  return changed;
}

interface Candidate {
  key: string;
  debitDate: IsoDate;
  statementId: string | null;
  what: string;
}

/** What the enrolment pays next: the earliest open statement or group of invoices not yet debited. */
async function nextCandidate(db: Db | Knex.Transaction, row: EnrolmentRow, today: IsoDate): Promise<Candidate | null> {
  const paid = await paidCycleKeys(db, row.id);
  const candidates: Candidate[] = [];
  if (row.rule === 'invoice_before_due') {
    for (const invoice of await openInvoicesDue(db, row.customer_account_id)) {
      const date = effectiveDate(invoiceDebitDate(invoice.due_date, row.days_before_due ?? 0), today);
      const key = `invoices:${date}`;
      if (!paid.has(key)) candidates.push({ key, debitDate: date, statementId: null, what: 'Invoices due' });
    }
  } else {
    for (const statement of await openStatements(db, row.customer_account_id)) {
      const key = `statement:${statement.id}`;
      if (paid.has(key) || (await openStatementItems(db, statement.id)).length === 0) continue;
      const date = effectiveDate(statementDebitDate(row.rule, { discountDate: statement.discount_date, discountCents: statement.discount_cents, dueDate: statement.due_date }), today);
      candidates.push({ key, debitDate: date, statementId: statement.id, what: `Statement ${statement.statement_number}` });
    }
  }
  candidates.sort((a, b) => (a.debitDate < b.debitDate ? -1 : a.debitDate > b.debitDate ? 1 : 0));
  return candidates[0] ?? null;
}

/** The cycle's selection, as the portal would send it: a statement in full from its view, or the invoices due by the date. */
async function cycleRequest(db: Db | Knex.Transaction, row: EnrolmentRow, cycle: { statement_id: string | null; debit_date: string }): Promise<PaymentRequest> {
  const base = { dealerId: row.dealer_id, customerAccountId: row.customer_account_id, paymentMethodId: row.payment_method_id };
  if (cycle.statement_id) return { ...base, sourceView: 'current_statement', statementId: cycle.statement_id, items: await openStatementItems(db, cycle.statement_id) };
  const due = (await openInvoicesDue(db, row.customer_account_id)).filter((invoice) => invoiceDebitDate(invoice.due_date, row.days_before_due ?? 0) <= cycle.debit_date);
  return { ...base, sourceView: 'all', items: due.map((invoice) => ({ type: 'invoice' as const, id: invoice.id })) };
}

type Quoted = { ok: true; quote: PaymentQuote; context: Awaited<ReturnType<typeof buildQuoteInput>>; request: PaymentRequest } | { ok: false; reason: string };

async function quoteCycle(db: Db | Knex.Transaction, row: EnrolmentRow, cycle: { statement_id: string | null; debit_date: string }, today: IsoDate): Promise<Quoted> {
  const request = await cycleRequest(db, row, cycle);
  if (request.items.length === 0) return { ok: false, reason: 'Nothing is left open to pay.' };
  let context;
  try {
    context = await buildQuoteInput(db, row.company_id, request, { asOf: effectiveDate(cycle.debit_date, today) });
  } catch (error) {
    if (isRefusal(error)) return { ok: false, reason: error.message };
    throw error;
  }
  const result = quotePayment(context.input);
  if (!result.ok) return { ok: false, reason: result.errors.map((error) => error.message).join(' ') };
  return { ok: true, quote: result.quote, context, request };
}

const recheck = (config: Config, now: Date) => new Date(now.getTime() + config.CALENDAR_DAY_MS).toISOString();

/** Stops the enrolment to ask the customer (needs attention), emailing them why. */
async function askCustomer(deps: AutopayDeps, row: EnrolmentRow, reason: string, dedupe: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await changeEnrolmentStatus(trx, row.id, row.dealer_id, 'needs_attention', { kind: 'system', id: null }, { reason });
    const to = row.portal_user_id ? await portalUserEmail(trx, row.portal_user_id) : null;
    if (to) {
      await queueEmail(trx, {
        dealerId: row.dealer_id, customerAccountId: row.customer_account_id, kind: 'autopay_needs_attention', to, subject: 'Autopay needs your attention: nothing was debited',
        text: `${reason}\n\nAutopay is paused for this account until you act. Sign in to the payments portal, open Autopay, and turn it back on (you may raise the maximum) or pay yourself.`,
        dedupeKey: `autopay:${row.id}:attention:${dedupe}`,
      });
    }
  });
}

/** The next cycle to wait for, or why to wait (stopped, suspended, nothing open), or that the enrolment ended. */
export async function planAutopayCycle(deps: AutopayDeps, enrolmentId: string, now: Date = new Date()): Promise<AutopayPlan> {
  const row = await enrolmentById(deps.db, enrolmentId);
  if (!row || row.status === 'canceled') return { kind: 'ended' };
  if (row.status !== 'active') return { kind: 'wait', reason: row.status, recheckAt: recheck(deps.config, now) };
  const dealer = await dealerTerms(deps.db, row.dealer_id);
  const today = localDate(now, dealer.time_zone);

  // The last debit failed or came back: stop and ask rather than try the same account again.
  const last = await lastDebit(deps.db, row.id);
  if (last && ['failed', 'returned'].includes(last.status)) {
    const cycle = (await cycleByKey(deps.db, row.id, last.cycle_key))!;
    await updateCycle(deps.db, cycle.id, { state: 'stopped', stop_reason: `payment ${last.status}` });
    await askCustomer(deps, row, `The autopay debit of ${last.debit_date} was ${last.status === 'returned' ? 'returned by your bank' : 'not accepted'}.`, `payment:${last.payment_id}`);
    return { kind: 'wait', reason: 'needs_attention', recheckAt: recheck(deps.config, now) };
  }
  const method = await companyPaymentMethod(deps.db, row.company_id, row.payment_method_id);
  if (!method || method.status !== 'active' || method.relink_reason !== null) {
    await askCustomer(deps, row, `The ${method?.kind === 'card' ? 'card' : 'bank account'} ${row.account_mask} used for autopay ${method?.relink_reason ? 'must be reconnected (your bank asks you to sign in again)' : 'can no longer be used'}.`, `method:${now.toISOString().slice(0, 10)}`);
    return { kind: 'wait', reason: 'needs_attention', recheckAt: recheck(deps.config, now) };
  }

  const candidate = await nextCandidate(deps.db, row, today);
  if (!candidate) return { kind: 'wait', reason: 'nothing_open', recheckAt: recheck(deps.config, now) };
  const cycle = await ensureCycle(deps.db, row, { key: candidate.key, debitDate: candidate.debitDate, statementId: candidate.statementId });
  if (cycle.debit_date !== candidate.debitDate) await updateCycle(deps.db, cycle.id, { debit_date: candidate.debitDate, ...(cycle.state === 'stopped' ? { state: 'planned' } : {}) });
  else if (cycle.state === 'stopped') await updateCycle(deps.db, cycle.id, { state: 'planned' });
  const instant = (date: IsoDate) => autopayInstant(date, today, dealer.time_zone, now, deps.config.CALENDAR_DAY_MS).toISOString();
  return {
    kind: 'cycle', cycleKey: candidate.key, debitDate: candidate.debitDate, noticed: cycle.state === 'noticed',
    noticeAt: instant(noticeDate(candidate.debitDate, row.notice_days, today)), debitAt: instant(candidate.debitDate),
  };
}

/**
 * The notice before a debit: the amount as quoted for the debit date, the account and how to
 * stop it. An amount above the maximum stops the enrolment now, days ahead, instead.
 */
export async function sendAutopayNotice(deps: AutopayDeps, enrolmentId: string, cycleKey: string, now: Date = new Date()): Promise<'sent' | 'stopped' | 'not_active'> {
  const row = await enrolmentById(deps.db, enrolmentId);
  if (!row || row.status !== 'active') return 'not_active';
  const cycle = await cycleByKey(deps.db, row.id, cycleKey);
  if (!cycle) return 'not_active';
  if (cycle.state === 'noticed' || cycle.state === 'paid') return 'sent';
  const dealer = await dealerTerms(deps.db, row.dealer_id);
  const today = localDate(now, dealer.time_zone);
  const quoted = await quoteCycle(deps.db, row, cycle, today);
  const what = cycle.statement_id ? `The statement due for autopay on ${cycle.debit_date}` : `The invoices due for autopay on ${cycle.debit_date}`;
  if (!quoted.ok) {
    await updateCycle(deps.db, cycle.id, { state: 'stopped', stop_reason: quoted.reason });
    await askCustomer(deps, row, `${what} cannot be paid: ${quoted.reason}`, `cycle:${cycleKey}:quote`);
    return 'stopped';
  }
  const amount = quoted.quote.amountCents;
  if (row.max_amount_cents !== null && amount > row.max_amount_cents) {
    await updateCycle(deps.db, cycle.id, { state: 'stopped', stop_reason: 'above maximum', amount_cents: amount });
    await askCustomer(deps, row, aboveMaximumReason(amount, row.max_amount_cents, what), `cycle:${cycleKey}:max`);
    return 'stopped';
  }
  await deps.db.transaction(async (trx) => {
    await updateCycle(trx, cycle.id, { state: 'noticed', amount_cents: amount, noticed: true });
    const to = row.portal_user_id ? await portalUserEmail(trx, row.portal_user_id) : null;
    if (!to) return;
    const discount = quoted.quote.discountCents > 0 ? ` This includes a discount of ${formatCents(quoted.quote.discountCents)} for paying by the discount date.` : '';
    await queueEmail(trx, {
      dealerId: row.dealer_id, customerAccountId: row.customer_account_id, kind: 'autopay_notice', to,
      subject: `Autopay will debit ${formatCents(amount)} on ${cycle.debit_date}`,
      text: `On ${cycle.debit_date}, autopay will pay ${dealer.name} ${formatCents(amount)} from ${quoted.context.method.kind === 'ach' ? 'your bank account' : 'your card'} ${row.account_mask} `
        + `for ${quoted.quote.lines.filter((line) => line.itemType === 'invoice' || line.itemType === 'debit').map((line) => line.number).join(', ')}.${discount}\n\n`
        + `The amount may be lower if something is paid another way before then. To stop this debit, cancel autopay in the payments portal before ${cycle.debit_date}.`,
      dedupeKey: `autopay:${row.id}:${cycleKey}:notice`,
    });
  });
  return 'sent';
}

export type AutopayDebitOutcome = { outcome: 'submitted'; paymentId: string } | { outcome: 'stopped'; reason: string } | { outcome: 'not_active' };

/**
 * The debit, in one transaction: re-check the enrolment, quote the cycle as of its date (the
 * statement discount if it is still earned then), refuse above the maximum, and store the
 * payment with its reservations and the standing authorization it is made under.
 */
export async function makeAutopayDebit(deps: AutopayDeps, enrolmentId: string, cycleKey: string, now: Date = new Date()): Promise<AutopayDebitOutcome> {
  let ask: { row: EnrolmentRow; reason: string } | null = null;
  const outcome = await deps.db.transaction(async (trx): Promise<AutopayDebitOutcome> => {
    const row = await lockEnrolment(trx, enrolmentId);
    if (!row || row.status !== 'active') return { outcome: 'not_active' };
    const cycle = await cycleByKey(trx, row.id, cycleKey);
    if (!cycle) return { outcome: 'not_active' };
    if (cycle.state === 'paid' && cycle.payment_id) return { outcome: 'submitted', paymentId: cycle.payment_id };
    if (cycle.state === 'stopped') return { outcome: 'stopped', reason: cycle.stop_reason ?? 'stopped' };
    const dealer = await dealerTerms(trx, row.dealer_id);
    const quoted = await quoteCycle(trx, row, cycle, localDate(now, dealer.time_zone));
    const what = cycle.statement_id ? `The statement due for autopay on ${cycle.debit_date}` : `The invoices due for autopay on ${cycle.debit_date}`;
    if (!quoted.ok) {
      await updateCycle(trx, cycle.id, { state: 'stopped', stop_reason: quoted.reason });
      ask = { row, reason: `${what} cannot be paid: ${quoted.reason}` };
      return { outcome: 'stopped', reason: quoted.reason };
    }
    if (row.max_amount_cents !== null && quoted.quote.amountCents > row.max_amount_cents) {
      await updateCycle(trx, cycle.id, { state: 'stopped', stop_reason: 'above maximum', amount_cents: quoted.quote.amountCents });
      ask = { row, reason: aboveMaximumReason(quoted.quote.amountCents, row.max_amount_cents, what) };
      return { outcome: 'stopped', reason: 'above maximum' };
    }
    const paymentId = randomUUID();
    const idempotencyKey = `autopay:${row.id}:${cycleKey}`;
    const payment = paymentFromQuote(quoted.context, quoted.quote, {
      id: paymentId, companyId: row.company_id, portalUserId: row.portal_user_id, idempotencyKey,
      requestHash: createHash('sha256').update(JSON.stringify(quoted.request)).digest('hex'), achAuthorizationVersion: null,
    });
    // Made under the standing authorization, whose words are stored with the payment like a one-time one's.
    if (row.authorization_version && row.authorization_text) payment.achAuthorization = { version: row.authorization_version, text: row.authorization_text };
    await createPaymentWithReservations(trx, payment);
    await updateCycle(trx, cycle.id, { state: 'paid', payment_id: paymentId, amount_cents: quoted.quote.amountCents });
    return { outcome: 'submitted', paymentId };
  });
  if (ask) {
    const { row, reason } = ask as { row: EnrolmentRow; reason: string };
    await askCustomer(deps, row, reason, `cycle:${cycleKey}:debit`);
  }
  if (outcome.outcome === 'submitted') {
    await startPaymentWorkflow(deps.db, deps.temporal, deps.config, outcome.paymentId)
      .catch((error) => logger.error({ err: error, paymentId: outcome.paymentId }, 'payment workflow start failed; the sweeper will retry'));
  }
  return outcome;
}

