import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { queueEmail, type QueuedEmail } from '../db/email-outbox';
import { ReservationConflict } from '../db/payments';
import { activeOwners } from '../db/company-team';
import { approvalById, approvalByKey, countReminder, createApproval, decideApproval, portalUserEmail, recordApprovalOutcome, type ApprovalOutcome, type PaymentApprovalRow } from '../db/payment-approvals';
import { needsOwnerApproval, type CompanyRole } from '../domain/company-roles';
import { formatCents } from '../domain/money';
import { portalPage as portalUrl } from '../domain/portal-links';
import { itemHolds, type PaymentQuote } from '../domain/payment-quote';
import { isRefusal, refuseConflict } from '../domain/refusal';
import { logger } from '../runtime/logger';
import { signalApprovalDecided, startPaymentApprovalWorkflow } from '../workflows/payment-approval-client';
import type { PaymentRequest } from '../contracts/portal/payments';
import type { ScheduleRequest } from '../contracts/portal/scheduled-payments';
import { keyReused, submitPayment, type QuoteContext, type SubmitDeps } from './payment-submission';
import { schedulePayment } from './scheduled-payments';

/**
 * The owner-approval gate of a company (docs/company-roles.md). A non-owner's payment above
 * the company's threshold is not made: it is stored as awaiting approval with its items held,
 * the owners are emailed, and `payment-approval-<id>` reminds them until it lapses. An owner's
 * approval submits the stored request through the ordinary payment path with the key
 * `approval:<id>`, so a repeated approval can never pay twice.
 */

export interface Requester {
  id: string;
  companyId: string;
  role: CompanyRole;
}

/** The approval a submit needs, or null when the payment may go ahead now. */
export function approvalNeeded(role: CompanyRole, context: QuoteContext, quote: PaymentQuote): number | null {
  const threshold = context.approvalThresholdCents;
  return needsOwnerApproval(role, quote.amountCents, threshold) ? threshold : null;
}

/** Holds the items and asks the owners; the same Idempotency-Key answers the same approval. */
export async function requestApproval(
  deps: SubmitDeps,
  requester: Requester,
  submission: {
    idempotencyKey: string; requestHash: string; request: PaymentRequest | ScheduleRequest; context: QuoteContext; quote: PaymentQuote; thresholdCents: number;
    /** A scheduled payment: the approval lapses no later than the schedule would have run, since approving it afterwards could only fail. */
    schedule?: { scheduledFor: string; runAt: Date };
  },
): Promise<{ approvalId: string; created: boolean }> {
  const { context, quote, schedule } = submission;
  const id = randomUUID();
  const timeout = new Date(Date.now() + deps.config.APPROVAL_TIMEOUT_MS);
  const expiresAt = schedule && schedule.runAt < timeout ? schedule.runAt : timeout;
  const [owners, maker] = await Promise.all([activeOwners(deps.db, requester.companyId), portalUserEmail(deps.db, requester.id)]);
  const amount = formatCents(quote.amountCents);
  const link = portalUrl(deps.config.PUBLIC_URL, 'approvals');
  try {
    await createApproval(deps.db, {
      id, dealerId: context.account.dealer_id, customerAccountId: context.account.id, companyId: requester.companyId, requestedBy: requester.id,
      request: submission.request, quotedAmountCents: quote.amountCents, thresholdCents: submission.thresholdCents,
      idempotencyKey: submission.idempotencyKey, requestHash: submission.requestHash, expiresAt, scheduledFor: schedule?.scheduledFor ?? null, holds: itemHolds(quote),
    }, (approvalId) => owners.map((owner): QueuedEmail => ({
      dealerId: context.account.dealer_id, kind: 'payment_approval_requested', to: owner.email, dedupeKey: `payment-approval:${approvalId}:requested:${owner.id}`,
      subject: `Approve a payment of ${amount} to ${context.dealer.name}`,
      text: `Hello ${owner.name},\n\n${maker?.name ?? 'Someone'} (${maker?.email ?? 'a member of your team'}) wants to pay ${amount} to ${context.dealer.name} for account ${context.account.erp_account_id}${schedule ? ` on ${schedule.scheduledFor}` : ''}. That is above your company's approval limit of ${formatCents(submission.thresholdCents)}, so it waits for an owner.\n\nApprove or decline it by ${expiresAt.toUTCString()}:\n${link}\n\nThe items stay reserved until then.`,
    })));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      const winner = await approvalByKey(deps.db, requester.companyId, submission.idempotencyKey);
      if (winner && winner.request_hash === submission.requestHash) return { approvalId: winner.id, created: false };
    }
    if (error instanceof ReservationConflict) throw refuseConflict('items_unavailable', error.message, { itemType: error.itemType, itemId: error.itemId });
    throw error;
  }
  await startPaymentApprovalWorkflow(deps.temporal, deps.config, { approvalId: id, dealerId: context.account.dealer_id, expiresAt })
    .catch((error) => logger.error({ err: error, approvalId: id }, 'payment approval workflow start failed'));
  return { approvalId: id, created: true };
}

/** The approval under a submit's key, when that key asked for one (a retried submit answers it). */
export async function existingApproval(db: Db, companyId: string, idempotencyKey: string, requestHash: string): Promise<string | null> {
  const row = await approvalByKey(db, companyId, idempotencyKey);
  if (!row) return null;
  if (row.request_hash !== requestHash) throw keyReused();
  return row.id;
}

const requesterEmail = async (db: Db, row: PaymentApprovalRow, kind: string, subject: string, text: (name: string) => string): Promise<QueuedEmail[]> => {
  const requester = await portalUserEmail(db, row.requested_by);
  if (!requester) return [];
  return [{ dealerId: row.dealer_id, kind, to: requester.email, subject, text: text(requester.name), dedupeKey: `payment-approval:${row.id}:${kind}`, customerAccountId: row.customer_account_id }];
};

/** The approved request, made as the requester's own under the key `approval:<id>`: the payment now, or the schedule for its date. */
async function carryOut(deps: SubmitDeps, row: PaymentApprovalRow): Promise<ApprovalOutcome> {
  const maker = { id: row.requested_by, companyId: row.company_id, role: 'owner' as const, jobIds: null };
  if (row.scheduled_for !== null) {
    const { scheduledPaymentId } = await schedulePayment(deps, maker, `approval:${row.id}`, row.request as ScheduleRequest, { approved: true });
    if (!scheduledPaymentId) throw new Error('an approved schedule asked for approval again');
    return { scheduledPaymentId };
  }
  const { paymentId } = await submitPayment(deps, maker, `approval:${row.id}`, row.request as PaymentRequest, { approved: true });
  if (!paymentId) throw new Error('an approved payment asked for approval again');
  return { paymentId };
}

/**
 * An owner approves: the holds are released and the stored request is made at once as the
 * requester's payment (or schedule) under the key `approval:<id>`. One that is refused (an
 * item paid another way meanwhile, a card since removed, a date now past) leaves the approval
 * `failed` with the reason.
 */
export async function approvePayment(deps: SubmitDeps, owner: { id: string }, row: PaymentApprovalRow): Promise<PaymentApprovalRow> {
  await decideApproval(deps.db, row.id, { status: 'approved', by: owner.id });
  await signalApprovalDecided(deps.temporal, row.id).catch((error) => logger.warn({ err: error, approvalId: row.id }, 'approval signal failed; the workflow finds it decided'));
  try {
    await recordApprovalOutcome(deps.db, row.id, await carryOut(deps, row));
  } catch (error) {
    if (!isRefusal(error)) throw error;
    await recordApprovalOutcome(deps.db, row.id, { failure: error.message });
  }
  return (await approvalById(deps.db, row.id))!;
}

export async function declinePayment(deps: SubmitDeps, owner: { id: string; name: string }, row: PaymentApprovalRow, reason: string | null): Promise<PaymentApprovalRow> {
  const emails = await requesterEmail(deps.db, row, 'payment_approval_declined', `Your payment of ${formatCents(Number(row.quoted_amount_cents))} was declined`,
    (name) => `Hello ${name},\n\n${owner.name} declined your payment of ${formatCents(Number(row.quoted_amount_cents))}${reason ? `: "${reason}"` : '.'}\nThe items it held are open again.`);
  const decided = await decideApproval(deps.db, row.id, { status: 'declined', by: owner.id, reason }, () => emails);
  await signalApprovalDecided(deps.temporal, row.id).catch((error) => logger.warn({ err: error, approvalId: row.id }, 'approval signal failed; the workflow finds it decided'));
  return decided;
}

/** One reminder round to the owners of an approval still waiting; `waiting: false` once decided. */
export async function remindApprovers(db: Db, publicUrl: string, approvalId: string, round: number): Promise<{ waiting: boolean }> {
  const row = await approvalById(db, approvalId);
  if (!row || row.status !== 'awaiting_approval') return { waiting: false };
  const owners = await activeOwners(db, row.company_id);
  const amount = formatCents(Number(row.quoted_amount_cents));
  await db.transaction(async (trx) => {
    for (const owner of owners) {
      await queueEmail(trx, {
        dealerId: row.dealer_id, kind: 'payment_approval_reminder', to: owner.email, dedupeKey: `payment-approval:${row.id}:reminder-${round}:${owner.id}`,
        subject: `Reminder: a payment of ${amount} is waiting for your approval`,
        text: `Hello ${owner.name},\n\nA payment of ${amount} is still waiting for an owner's approval. It lapses at ${new Date(row.expires_at).toUTCString()} and its items are released then.\n${portalUrl(publicUrl, 'approvals')}`,
      });
    }
  });
  await countReminder(db, approvalId, round);
  return { waiting: true };
}

/** The approval lapsed: release its items and tell the requester. Idempotent: one decided meanwhile stays as decided. */
export async function expireApproval(db: Db, approvalId: string): Promise<{ outcome: string }> {
  const row = await approvalById(db, approvalId);
  if (!row || row.status !== 'awaiting_approval') return { outcome: row?.status ?? 'missing' };
  const emails = await requesterEmail(db, row, 'payment_approval_expired', `Your payment of ${formatCents(Number(row.quoted_amount_cents))} expired without approval`,
    (name) => `Hello ${name},\n\nNo owner approved your payment of ${formatCents(Number(row.quoted_amount_cents))} in time, so it was not made. The items it held are open again; pay them again when an owner is available.`);
  try {
    const decided = await decideApproval(db, approvalId, { status: 'expired' }, () => emails);
    return { outcome: decided.status };
  } catch (error) {
    if (isRefusal(error) && error.code === 'approval_not_pending') return { outcome: 'decided' };
    throw error;
  }
}
