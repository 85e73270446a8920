import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ScheduleRequest } from '../contracts/portal/scheduled-payments';
import type { PaymentRequest } from '../contracts/portal/payments';
import type { Db } from '../db/connection';
import { queueEmail } from '../db/email-outbox';
import { createPaymentWithReservations, ReservationConflict } from '../db/payments';
import { dealerTerms, type PortalSubject } from '../db/portal-scope';
import {
  cancelScheduledPayment, createScheduledPayment, finishScheduledRun, markItemsDropped, portalUserEmail, scheduledPaymentByKey, takeScheduledForRun, type ScheduledItemRow, type ScheduledPaymentRow,
} from '../db/scheduled-payments';
import { CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION, isKnownAchAuthorizationVersion } from '../domain/ach-authorization';
import { localDate } from '../domain/dates';
import { formatCents } from '../domain/money';
import { itemHolds, quotePayment } from '../domain/payment-quote';
import { refuseConflict, refuseInvalid, refuseUnprocessable } from '../domain/refusal';
import { runDate, scheduleDateProblem, scheduledRunAt } from '../domain/scheduled-payment';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { startPaymentWorkflow } from '../workflows/payment-client';
import { scheduledPaymentWorkflowId } from '../workflows/scheduled-payment-definitions';
import { startScheduledPaymentWorkflow } from '../workflows/scheduled-payment-client';
import type { CompanyRole } from '../domain/company-roles';
import { approvalNeeded, existingApproval, requestApproval } from './payment-approvals';
import { buildQuoteInput, describe, achAuthorizationFor, paymentFromQuote, keyReused, requestHash, type PreviewResponse, type QuoteContext } from './payment-submission';

/**
 * Scheduled one-off payments (docs/scheduled-payments.md): the same quote as paying now, taken
 * as of the chosen date; the items are reserved from scheduling; on the date the schedule
 * becomes an ordinary payment, without the items paid another way meanwhile (the customer is
 * told), or fails with its reason when nothing is left to pay.
 */
export interface ScheduleDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

async function scheduledContext(db: Db, subject: string | PortalSubject, request: ScheduleRequest): Promise<QuoteContext> {
  const { scheduledFor, ...payment } = request;
  const context = await buildQuoteInput(db, subject, payment, { asOf: scheduledFor });
  const today = localDate(new Date(), context.dealer.time_zone);
  const problem = scheduleDateProblem(scheduledFor, today);
  if (problem) throw refuseInvalid('scheduled_for_invalid', `scheduledFor ${problem}.`, [{ field: 'scheduledFor', message: problem }]);
  if (request.sourceView === 'amount') {
    throw refuseInvalid('schedule_needs_items', 'A scheduled payment pays chosen items; "pay an amount" spreads money over whatever is oldest on the day, so pay it now instead.', [{ field: 'sourceView', message: 'amount cannot be scheduled' }]);
  }
  return context;
}

export async function previewScheduledPayment(db: Db, subject: string | PortalSubject, request: ScheduleRequest): Promise<PreviewResponse & { scheduledFor: string }> {
  const context = await scheduledContext(db, subject, request);
  const result = quotePayment(context.input);
  const authorization = result.ok && context.method.kind === 'ach' ? achAuthorizationFor(context, result.quote.amountCents, request.achAuthorizationVersion ?? CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION) : null;
  return { ...describe(result.ok ? result.quote : null, result.errors, context.numbers, context.method.kind, authorization), scheduledFor: request.scheduledFor };
}

/** What scheduling made: the schedule, or (a non-owner above the company's threshold) a request for an owner's approval. */
export type ScheduleOutcome = { scheduledPaymentId: string; approvalId?: undefined; created: boolean } | { scheduledPaymentId?: undefined; approvalId: string; created: boolean };

/**
 * Schedules the payment and reserves its items; the same Idempotency-Key returns the same
 * schedule. A non-owner's schedule above the company's approval threshold waits for an owner
 * exactly as a payment made now does (`options.approved`: an owner already approved it).
 */
export async function schedulePayment(
  deps: ScheduleDeps, customer: { id: string; companyId: string; role?: CompanyRole; jobIds?: string[] | null }, idempotencyKey: string, request: ScheduleRequest, options: { approved?: boolean } = {},
): Promise<ScheduleOutcome> {
  const hash = requestHash(request);
  const existing = await scheduledPaymentByKey(deps.db, customer.companyId, idempotencyKey);
  if (existing) {
    if (existing.request_hash !== hash) throw keyReused();
    return { scheduledPaymentId: existing.id, created: false };
  }
  const waiting = await existingApproval(deps.db, customer.companyId, idempotencyKey, hash);
  if (waiting) return { approvalId: waiting, created: false };
  if (request.achAuthorizationVersion !== undefined && !isKnownAchAuthorizationVersion(request.achAuthorizationVersion)) {
    throw refuseInvalid('ach_authorization_unknown', `achAuthorizationVersion "${request.achAuthorizationVersion}" is not a debit authorization we have shown. Reload the page to see the current wording, then schedule.`, [{ field: 'achAuthorizationVersion', message: 'unknown version' }]);
  }
  const context = await scheduledContext(deps.db, { companyId: customer.companyId, jobIds: customer.jobIds ?? null }, request);
  if (context.method.kind === 'ach' && request.achAuthorizationVersion === undefined) {
    throw refuseInvalid('ach_authorization_required', 'achAuthorizationVersion is required for a bank (ACH) payment: send the version of the debit authorization the customer accepted.', [{ field: 'achAuthorizationVersion', message: 'required for ACH' }]);
  }
  const result = quotePayment(context.input);
  if (!result.ok) {
    const taken = result.errors.find((error) => error.code === 'item_in_other_payment');
    if (taken) throw refuseConflict('items_unavailable', taken.message, { errors: result.errors });
    throw refuseUnprocessable(result.errors[0]!.code, result.errors.map((error) => error.message).join(' '), { errors: result.errors });
  }
  const id = randomUUID();
  const today = localDate(new Date(), context.dealer.time_zone);
  const runAt = scheduledRunAt(request.scheduledFor, today, context.dealer.time_zone, new Date(), deps.config.CALENDAR_DAY_MS);
  if (!options.approved && customer.role) {
    const requester = { id: customer.id, companyId: customer.companyId, role: customer.role };
    const thresholdCents = approvalNeeded(requester.role, context, result.quote);
    if (thresholdCents !== null) {
      return requestApproval(deps, requester, {
        idempotencyKey, requestHash: hash, request, context, quote: result.quote, thresholdCents, schedule: { scheduledFor: request.scheduledFor, runAt },
      });
    }
  }
  try {
    await deps.db.transaction((trx) => createScheduledPayment(trx, {
      id, dealerId: context.account.dealer_id, customerAccountId: context.account.id, companyId: customer.companyId, portalUserId: customer.id,
      paymentMethodId: context.method.id, scheduledFor: request.scheduledFor, runAt, request: { ...request }, quotedAmountCents: result.quote.amountCents,
      achAuthorizationVersion: request.achAuthorizationVersion ?? null, idempotencyKey, requestHash: hash, workflowId: scheduledPaymentWorkflowId(id), items: itemHolds(result.quote),
    }));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      const winner = await scheduledPaymentByKey(deps.db, customer.companyId, idempotencyKey);
      if (winner && winner.request_hash === hash) return { scheduledPaymentId: winner.id, created: false };
    }
    if (error instanceof ReservationConflict) throw refuseConflict('items_unavailable', error.message, { itemType: error.itemType, itemId: error.itemId });
    throw error;
  }
  // Committed: if this start fails, the worker's sweep starts it (workflows/scheduled-payment-client.ts).
  await startScheduledPaymentWorkflow(deps.db, deps.temporal, deps.config, { scheduledPaymentId: id, runAt: runAt.toISOString(), dealerId: context.account.dealer_id })
    .catch((error) => logger.error({ err: error, scheduledPaymentId: id }, 'scheduled payment workflow start failed; the sweep will retry'));
  return { scheduledPaymentId: id, created: true };
}

export type ScheduledRunOutcome = { outcome: 'submitted'; paymentId: string; dropped: string[] } | { outcome: 'failed'; reason: string } | { outcome: 'not_scheduled' };

/**
 * The run on the day, in one transaction: give the holds back, drop every item that no longer
 * has what was scheduled for it open (paid another way meanwhile), quote the rest as of the
 * scheduled date, and store that as the payment, reserving it again. The customer is emailed
 * (in the same transaction, through the outbox) about anything dropped or a run that failed.
 */
export async function runScheduledPayment(deps: ScheduleDeps, scheduledPaymentId: string, now: Date = new Date()): Promise<ScheduledRunOutcome> {
  const outcome = await deps.db.transaction(async (trx): Promise<ScheduledRunOutcome> => {
    const taken = await takeScheduledForRun(trx, scheduledPaymentId);
    if (!taken) return { outcome: 'not_scheduled' };
    const { row, items } = taken;
    const dealer = await dealerTerms(trx, row.dealer_id);
    const asOf = runDate(row.scheduled_for, localDate(now, dealer.time_zone));
    const { scheduledFor: _date, ...request } = row.request as ScheduleRequest;
    const fail = async (reason: string): Promise<ScheduledRunOutcome> => {
      await finishScheduledRun(trx, row, { failureReason: reason });
      await notifyCustomer(trx, row, `Your payment scheduled for ${row.scheduled_for} was not made`, `${reason}\n\nNothing was charged. Sign in to the payments portal to pay what is still open.`, 'failed');
      return { outcome: 'failed', reason };
    };

    let context: QuoteContext;
    try {
      context = await buildQuoteInput(trx, row.company_id, request as PaymentRequest, { asOf });
    } catch (error) {
      // The account, method or an item is gone, or the method needs re-linking: nothing can be paid.
      return fail(error instanceof Error ? error.message : String(error));
    }
    const held = new Map(items.filter((item) => item.state === 'reserved').map((item) => [item.item_id, item]));
    const dropped: ScheduledItemRow[] = [];
    const keep = context.input.items.filter((item) => {
      const hold = held.get(item.id);
      const available = item.openCents - item.reservedCents;
      const payable = item.itemType === 'invoice' ? ['open', 'partially_paid'].includes(item.status) : ['open', 'partially_applied'].includes(item.status);
      if (hold && payable && available >= hold.amount_cents) return true;
      if (hold) dropped.push(hold);
      return false;
    });
    await markItemsDropped(trx, dropped.map((item) => item.id));
    if (!keep.some((item) => item.itemType !== 'credit')) return fail(`Everything it was to pay (${dropped.map((item) => item.number).join(', ')}) was paid another way or is no longer open.`);
    const result = quotePayment({ ...context.input, items: keep, expectedAmountCents: null });
    if (!result.ok) return fail(result.errors.map((error) => error.message).join(' '));

    const paymentId = randomUUID();
    await createPaymentWithReservations(trx, paymentFromQuote(context, result.quote, {
      id: paymentId, companyId: row.company_id, portalUserId: row.portal_user_id, idempotencyKey: `scheduled:${row.id}`, requestHash: row.request_hash,
      achAuthorizationVersion: row.ach_authorization_version,
    }));
    await finishScheduledRun(trx, row, { paymentId });
    if (dropped.length > 0) {
      await notifyCustomer(trx, row, `Your scheduled payment changed: ${formatCents(result.quote.amountCents)} instead of ${formatCents(Number(row.quoted_amount_cents))}`,
        `${dropped.map((item) => item.number).join(', ')} ${dropped.length === 1 ? 'was' : 'were'} paid another way or no longer open, so ${dropped.length === 1 ? 'it was' : 'they were'} left out of your payment scheduled for ${row.scheduled_for}. `
        + `The rest is being paid now: ${formatCents(result.quote.amountCents)}.`, 'changed');
    }
    return { outcome: 'submitted', paymentId, dropped: dropped.map((item) => item.number) };
  });
  if (outcome.outcome === 'submitted') {
    await startPaymentWorkflow(deps.db, deps.temporal, deps.config, outcome.paymentId)
      .catch((error) => logger.error({ err: error, paymentId: outcome.paymentId }, 'payment workflow start failed; the sweeper will retry'));
  }
  return outcome;
}

/**
 * The dealer's AR team cancels a customer's schedule (the customer asked by phone, or the
 * account is in dispute): the items are free again and the customer is told why, in the same
 * transaction, so a cancel never goes unexplained.
 */
export async function cancelScheduledPaymentForDealer(db: Db, id: string, operator: { id: string; dealerId: string; dealerName: string }, reason: string): Promise<void> {
  await cancelScheduledPayment(db, id, { kind: 'operator', id: operator.id, dealerId: operator.dealerId, reason }, (trx, row) => notifyCustomer(
    trx, row, `${operator.dealerName} cancelled your payment scheduled for ${row.scheduled_for}`,
    `${operator.dealerName} cancelled the ${formatCents(Number(row.quoted_amount_cents))} payment you scheduled for ${row.scheduled_for}: ${reason}\n`
    + 'Nothing will be taken for it, and the items it held are open to pay again in the Payments portal.', 'canceled',
  ));
}

async function notifyCustomer(trx: Knex.Transaction, row: ScheduledPaymentRow, subject: string, text: string, what: 'failed' | 'changed' | 'canceled'): Promise<void> {
  const to = row.portal_user_id ? await portalUserEmail(trx, row.portal_user_id) : null;
  if (!to) return;
  await queueEmail(trx, {
    dealerId: row.dealer_id, customerAccountId: row.customer_account_id, kind: `scheduled_payment_${what}`, to, subject, text, dedupeKey: `scheduled-payment:${row.id}:${what}`,
  });
}
