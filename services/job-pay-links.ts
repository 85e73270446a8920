import { randomUUID } from 'node:crypto';
import { newToken } from '../domain/secret-tokens';
import type { Db } from '../db/connection';
import { createJobPayLink, jobLinkAccount, liveJobPayLink, type JobPayLinkRow, type LinkActor } from '../db/job-pay-links';
import { outstandingItemPage, type OpenItemRow } from '../db/outstanding';
import { localDate } from '../domain/dates';
import { paymentByIdempotencyKey } from '../db/payments';
import { portalLink } from '../domain/portal-links';
import { Refusal } from '../domain/refusal';
import type { PaymentRequest } from '../contracts/portal/payments';
import { previewPayment, submitPayment, type PreviewResponse, type SubmitDeps, type SubmitOutcome } from './payment-submission';

/**
 * Job pay links (docs/company-roles.md): an owner or an operator makes one for a job and sends
 * it to a general contractor or joint-check payer, who opens it without a login, sees only the
 * supplier's name and that job's open items, links a card or bank account under the link's own
 * payer company, and pays exactly those items through the ordinary payment path.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export async function makeJobPayLink(db: Db, publicUrl: string, actor: LinkActor, input: { jobId: string; expiresInDays: number; payerLabel?: string }): Promise<{ row: JobPayLinkRow; url: string }> {
  // Only the hash is kept: the link is answered once, to whoever made it.
  const { token, hash } = newToken();
  const row = await createJobPayLink(db, actor, {
    id: randomUUID(), jobId: input.jobId, tokenHash: hash,
    expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS), payerLabel: input.payerLabel ?? null,
  });
  return { row, url: portalLink(publicUrl, 'job-link', token) };
}

export const payLinkUnusable = () => new Refusal('not_found', 'pay_link_unusable', 'This pay link has expired, was revoked, or does not exist. Ask whoever sent it for a new one.');

/** The live link behind a token, or the refusal every unusable link gets alike. */
export async function openJobPayLink(db: Db, tokenHash: string): Promise<JobPayLinkRow> {
  const link = await liveJobPayLink(db, tokenHash);
  if (!link) throw payLinkUnusable();
  return link;
}

/** The job's items still open to pay (not already held by a payment in flight). */
export async function jobLinkItems(db: Db, link: JobPayLinkRow): Promise<Array<OpenItemRow & { openCents: number }>> {
  // Every open item of the job: a link pays them all, so there is no page to stop at.
  const { rows: items } = await outstandingItemPage(db, [link.customer_account_id], 'all', localDate(new Date(), 'UTC'), { offset: 0, limit: 1_000_000 }, [link.job_id]);
  return items
    .map((item) => ({ ...item, openCents: Number(item.balance_cents) - Math.min(Number(item.reserved_cents), Number(item.balance_cents)) }))
    .filter((item) => item.openCents > 0)
    .sort((a, b) => (a.due_date ?? '').localeCompare(b.due_date ?? '') || a.number.localeCompare(b.number));
}

async function linkRequest(db: Db, link: JobPayLinkRow, body: { paymentMethodId: string; achAuthorizationVersion?: string }): Promise<PaymentRequest> {
  const items = await jobLinkItems(db, link);
  if (items.length === 0) throw new Refusal('conflict', 'nothing_to_pay', `Nothing on ${link.job_name} is open to pay right now.`);
  return {
    dealerId: link.dealer_id, customerAccountId: link.customer_account_id, paymentMethodId: body.paymentMethodId, sourceView: 'all',
    items: items.map((item) => ({ type: item.type, id: item.id })), achAuthorizationVersion: body.achAuthorizationVersion,
  } as PaymentRequest;
}

const payer = async (db: Db, link: JobPayLinkRow) => ({ companyId: link.payer_company_id, jobIds: [link.job_id], account: await jobLinkAccount(db, link) });

export async function previewJobLinkPayment(db: Db, link: JobPayLinkRow, body: { paymentMethodId: string; achAuthorizationVersion?: string }): Promise<PreviewResponse> {
  const who = await payer(db, link);
  return previewPayment(db, who, await linkRequest(db, link, body), { account: who.account });
}

/** Pays every open item of the link's job; the same Idempotency-Key answers the same payment. */
export async function payJobLink(deps: SubmitDeps, link: JobPayLinkRow, idempotencyKey: string, body: { paymentMethodId: string; achAuthorizationVersion?: string }): Promise<SubmitOutcome> {
  // A retry finds its payment before the items it now holds make the job look paid.
  const earlier = await paymentByIdempotencyKey(deps.db, link.payer_company_id, idempotencyKey);
  if (earlier) return { paymentId: earlier.id, created: false };
  const who = await payer(deps.db, link);
  return submitPayment(deps, { id: null, ...who }, idempotencyKey, await linkRequest(deps.db, link, body));
}
