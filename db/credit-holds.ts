import type { Knex } from 'knex';
import { recordAudit } from './audit';
import { writeTogether } from './one-statement';
import { queueEmail } from './email-outbox';
import { creditAfterPayment, CREDIT_HOLD_REASON_LABELS, type CreditHoldOutcome, type CreditHoldReason } from '../domain/credit-hold';
import { localDate } from '../domain/dates';
import { formatCents } from '../domain/money';

/**
 * `credit_hold_checks`: what each settled payment did to its account's credit hold (docs/credit-holds.md).
 * One row per payment, written in the transaction that moves the account's available credit,
 * so however often the check runs (an activity retried, an event delivered twice) the credit
 * moves once and the hold is lifted once.
 */

export type CreditHoldErpStatus = 'none' | 'books_only' | 'pending' | 'released' | 'refused';

export interface CreditHoldCheck {
  payment_id: string;
  dealer_id: string;
  customer_account_id: string;
  outcome: CreditHoldOutcome;
  hold_reason: CreditHoldReason | null;
  credited_cents: number;
  available_before_cents: number | null;
  available_after_cents: number | null;
  erp_status: CreditHoldErpStatus;
  erp_error: string | null;
}

/** What the release needs to say and send: the payment, the account and the dealer's integration. */
export interface CreditHoldContext {
  check: CreditHoldCheck;
  paymentNumber: string;
  method: string;
  amountCents: number;
  accountName: string;
  erpAccountId: string;
  integrationMode: string;
}

const mapCheck = (row: Record<string, unknown>): CreditHoldCheck => ({
  payment_id: row.payment_id as string,
  dealer_id: row.dealer_id as string,
  customer_account_id: row.customer_account_id as string,
  outcome: row.outcome as CreditHoldOutcome,
  hold_reason: (row.hold_reason as CreditHoldReason | null) ?? null,
  credited_cents: Number(row.credited_cents),
  available_before_cents: row.available_before_cents === null ? null : Number(row.available_before_cents),
  available_after_cents: row.available_after_cents === null ? null : Number(row.available_after_cents),
  erp_status: row.erp_status as CreditHoldErpStatus,
  erp_error: (row.erp_error as string | null) ?? null,
});

/**
 * Checks a settled payment against its account's hold once: counts what it took off the
 * balance into the available credit and decides whether the hold goes. A file-based dealer's
 * hold is lifted here, in our books, with the branch emailed in the same transaction; a Spruce
 * dealer's waits for Spruce's answer (`erp_status` pending). A payment that is not settled
 * (any more) is not checked: null.
 */
export async function checkCreditAfterPayment(trx: Knex.Transaction, paymentId: string): Promise<CreditHoldContext | null> {
  // The payment and its account locked in one statement (the order every payment change takes
  // them), then, in a snapshot taken after the locks, what an earlier check recorded and what
  // the account owes past due now.
  const payment = await trx('payments as p')
    .join('dealers as d', 'd.id', 'p.dealer_id')
    .join('customer_accounts as a', function joinAccount() {
      this.on('a.id', '=', 'p.customer_account_id').andOn('a.dealer_id', '=', 'p.dealer_id');
    })
    .where('p.id', paymentId)
    .forUpdate('p', 'a')
    .first(
      'p.id', 'p.dealer_id', 'p.customer_account_id', 'p.number', 'p.method', 'p.status', 'p.amount_cents', 'p.items_cents', 'p.credits_cents', 'd.integration_mode', 'd.time_zone',
      'a.name as account_name', 'a.erp_account_id', 'a.credit_hold', 'a.credit_hold_reason', 'a.credit_limit_cents', 'a.available_credit_cents',
    );
  if (!payment) return null;
  const { existing, pastDueAfter } = await checkAndPastDue(trx, payment, localDate(new Date(), payment.time_zone));
  const context = (check: CreditHoldCheck): CreditHoldContext => ({
    check, paymentNumber: payment.number, method: payment.method, amountCents: Number(payment.amount_cents),
    accountName: payment.account_name, erpAccountId: payment.erp_account_id, integrationMode: payment.integration_mode,
  });
  if (existing) return context(mapCheck(existing));
  if (payment.status !== 'settled') return null;

  const credited = Math.max(0, Number(payment.items_cents) - Number(payment.credits_cents));
  const before = payment.available_credit_cents === null ? null : Number(payment.available_credit_cents);
  const decision = creditAfterPayment(
    { onHold: payment.credit_hold, reason: payment.credit_hold_reason, limitCents: payment.credit_limit_cents === null ? null : Number(payment.credit_limit_cents), availableCents: before },
    credited,
    pastDueAfter,
  );
  const released = decision.outcome === 'released';
  const booksOnly = payment.integration_mode !== 'spruce';
  const check: CreditHoldCheck = {
    payment_id: paymentId, dealer_id: payment.dealer_id, customer_account_id: payment.customer_account_id,
    outcome: decision.outcome, hold_reason: payment.credit_hold ? payment.credit_hold_reason : null, credited_cents: credited,
    available_before_cents: before, available_after_cents: decision.availableAfterCents,
    erp_status: !released ? 'none' : booksOnly ? 'books_only' : 'pending', erp_error: null,
  };
  await writeTogether(trx, [
    trx('credit_hold_checks').insert({ ...check, past_due_after_cents: pastDueAfter }),
    trx('customer_accounts').where({ id: payment.customer_account_id }).update({
      available_credit_cents: decision.availableAfterCents,
      ...(released && booksOnly ? { credit_hold: false, credit_hold_reason: null, credit_hold_changed_at: trx.fn.now() } : {}),
      updated_at: trx.fn.now(),
    }),
  ]);
  if (payment.credit_hold) {
    await recordAudit(trx, {
      dealerId: payment.dealer_id, actorKind: 'system',
      action: released ? (booksOnly ? 'customer_account.credit_hold_released' : 'customer_account.credit_hold_release_requested') : 'customer_account.credit_hold_kept',
      entityType: 'customer_account', entityId: payment.customer_account_id,
      data: { payment_id: paymentId, payment_number: payment.number, outcome: decision.outcome, hold_reason: payment.credit_hold_reason, credited_cents: credited, available_before_cents: before, available_after_cents: decision.availableAfterCents, past_due_after_cents: pastDueAfter },
    });
  }
  const result = context(check);
  if (released && booksOnly) await emailBranch(trx, result, 'books_only');
  return result;
}

/** Spruce lifted the hold: our books follow, the branch is emailed and the release audited. */
export async function recordHoldReleasedByErp(trx: Knex.Transaction, context: CreditHoldContext, replayed: boolean): Promise<boolean> {
  const moved = await trx('credit_hold_checks').where({ payment_id: context.check.payment_id, erp_status: 'pending' }).update({ erp_status: 'released', erp_released_at: trx.fn.now() });
  if (!moved) return false;
  await trx('customer_accounts').where({ id: context.check.customer_account_id }).update({ credit_hold: false, credit_hold_reason: null, credit_hold_changed_at: trx.fn.now(), updated_at: trx.fn.now() });
  await recordAudit(trx, {
    dealerId: context.check.dealer_id, actorKind: 'erp', action: 'customer_account.credit_hold_released', entityType: 'customer_account', entityId: context.check.customer_account_id,
    data: { payment_id: context.check.payment_id, payment_number: context.paymentNumber, available_after_cents: context.check.available_after_cents, replayed },
  });
  await emailBranch(trx, { ...context, check: { ...context.check, erp_status: 'released' } }, 'released');
  return true;
}

/** Spruce would not lift the hold: kept with its reason, and the branch told to lift it by hand. */
export async function recordHoldRefusedByErp(trx: Knex.Transaction, context: CreditHoldContext, reason: string): Promise<boolean> {
  const moved = await trx('credit_hold_checks').where({ payment_id: context.check.payment_id, erp_status: 'pending' }).update({ erp_status: 'refused', erp_error: reason });
  if (!moved) return false;
  await recordAudit(trx, {
    dealerId: context.check.dealer_id, actorKind: 'erp', action: 'customer_account.credit_hold_release_refused', entityType: 'customer_account', entityId: context.check.customer_account_id,
    data: { payment_id: context.check.payment_id, payment_number: context.paymentNumber, reason },
  });
  await emailBranch(trx, { ...context, check: { ...context.check, erp_status: 'refused', erp_error: reason } }, 'refused');
  return true;
}

/** The check of one payment, if it was checked. */
export async function creditHoldCheck(db: Knex | Knex.Transaction, paymentId: string): Promise<CreditHoldCheck | null> {
  const row = await db('credit_hold_checks').where({ payment_id: paymentId }).first();
  return row ? mapCheck(row) : null;
}

/**
 * The payment's earlier check, if any, and what its account owes past due on `today` (the
 * dealer's date): open invoices and debit adjustments due before it, after every applied payment.
 */
async function checkAndPastDue(trx: Knex.Transaction, payment: { id: string; dealer_id: string; customer_account_id: string }, today: string) {
  const row = await trx.raw(
    `select (select to_jsonb(c) from credit_hold_checks c where c.payment_id = :paymentId) as existing,
            coalesce((select sum(balance_cents) from invoices where dealer_id = :dealerId and customer_account_id = :accountId
                        and status in ('open', 'partially_paid') and due_date < :today), 0)
          + coalesce((select sum(balance_cents) from adjustments where dealer_id = :dealerId and customer_account_id = :accountId
                        and kind = 'debit' and status in ('open', 'partially_applied') and due_date < :today), 0) as past_due`,
    { paymentId: payment.id, dealerId: payment.dealer_id, accountId: payment.customer_account_id, today },
  );
  const found = row.rows[0] as { existing: Record<string, unknown> | null; past_due: string | number };
  return { existing: found.existing, pastDueAfter: Number(found.past_due) };
}

/** Who hears of a lifted hold: the dealer's branch notification address, else its active admins. */
async function branchRecipients(trx: Knex.Transaction, dealerId: string): Promise<string[]> {
  const dealer = await trx('dealers').where({ id: dealerId }).first('branch_notification_email');
  if (dealer?.branch_notification_email) return [dealer.branch_notification_email];
  const admins = await trx('operator_users').where({ dealer_id: dealerId, status: 'active', role: 'admin' }).select('email');
  return admins.map((admin: { email: string }) => admin.email);
}

type BranchNews = 'books_only' | 'released' | 'refused';

/** The branch's email: the customer, the payment the counter can check, the amount and the new available credit. */
export function branchEmail(context: CreditHoldContext, news: BranchNews): { subject: string; text: string } {
  const { check } = context;
  const customer = `${context.accountName} (account ${context.erpAccountId})`;
  const payment = `Payment ${context.paymentNumber} (id ${check.payment_id}) of ${formatCents(context.amountCents)} by ${context.method === 'card' ? 'card' : 'ACH bank transfer'} has cleared.`;
  const available = check.available_after_cents === null ? 'Available credit: not reported by the ERP.' : `Available credit is now ${formatCents(check.available_after_cents)}.`;
  const reason = check.hold_reason ? ` The hold was for: ${CREDIT_HOLD_REASON_LABELS[check.hold_reason]}.` : '';
  const check_ = `Look the payment up in the Drypowder console under Payments by its number ${context.paymentNumber}.`;
  switch (news) {
    case 'released':
      return {
        subject: `Credit hold lifted in Spruce: ${context.accountName} — payment ${context.paymentNumber}`,
        text: `Spruce has lifted the credit hold on ${customer}; the customer's orders can be released.${reason}\n\n${payment}\n${available}\n\n${check_}`,
      };
    case 'books_only':
      return {
        subject: `Lift the credit hold in your ERP: ${context.accountName} — payment ${context.paymentNumber}`,
        text: `The credit hold on ${customer} is lifted in Drypowder. Lift the hold in your ERP now so the customer's orders can be released.${reason}\n\n${payment}\n${available}\n\n${check_}`,
      };
    case 'refused':
      return {
        subject: `Credit hold NOT lifted in Spruce: ${context.accountName} — payment ${context.paymentNumber}`,
        text: `A payment brought ${customer} out of its credit hold, but Spruce did not lift the hold: ${check.erp_error ?? 'no reason given'} Lift it in Spruce by hand if the orders should be released.${reason}\n\n${payment}\n${available}\n\n${check_}`,
      };
  }
}

async function emailBranch(trx: Knex.Transaction, context: CreditHoldContext, news: BranchNews): Promise<void> {
  const { subject, text } = branchEmail(context, news);
  for (const to of await branchRecipients(trx, context.check.dealer_id)) {
    await queueEmail(trx, {
      dealerId: context.check.dealer_id, kind: 'credit_hold_release', to, subject, text,
      dedupeKey: `credit-hold:${context.check.payment_id}:${news}:${to}`,
      customerAccountId: context.check.customer_account_id, paymentId: context.check.payment_id,
    });
  }
}
