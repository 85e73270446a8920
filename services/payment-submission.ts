import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { statementWithItems } from '../db/outstanding';
import type { PaymentMethodRow } from '../db/payment-methods';
import { quoteParties, type DealerTerms, type QuoteParties } from '../db/quote-parties';
import { createPayment, paymentByIdempotencyKey, ReservationConflict, type NewPayment, type StoredPayment } from '../db/payments';
import { subjectOf, type LinkedAccount, type PortalSubject } from '../db/portal-scope';
import { achAuthorizationText, CURRENT_ACH_AUTHORIZATION_VERSION, isKnownAchAuthorizationVersion } from '../domain/ach-authorization';
import { localDate, type IsoDate } from '../domain/dates';
import { quotePayment, type PaymentQuote, type QuoteError, type QuoteInput, type QuoteItem } from '../domain/payment-quote';
import type { StatementForDiscount } from '../domain/statement-discount';
import { methodLabel } from '../domain/payment-method-label';
import type { ShortPayReason } from '../domain/short-pay';
import { invoiceTerms } from '../db/receivable-terms';
import { refuseConflict, refuseInvalid, refuseNotFound, refuseUnprocessable } from '../domain/refusal';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { startPaymentWorkflow } from '../workflows/payment-client';
import type { PaymentRequest } from '../contracts/portal/payments';
import type { CompanyRole } from '../domain/company-roles';
import { approvalNeeded, requestApproval } from './payment-approvals';

/** The request is the portal contract's; its schema is named here too for the routes that import it from the service. */
export { paymentRequest as paymentRequestSchema, type PaymentRequest } from '../contracts/portal/payments';

/**
 * Preview and submit share one path: load the selected items (scoped to the customer's linked
 * account), quote them with domain/payment-quote, and — on submit — store exactly that quote
 * and reserve its amounts in one transaction. The preview is therefore the charge.
 */

export interface QuoteContext {
  account: LinkedAccount;
  dealer: DealerTerms;
  method: PaymentMethodRow;
  /** The payer company's approval threshold, read with the rest (services/payment-approvals.ts). */
  approvalThresholdCents: number | null;
  input: QuoteInput;
  numbers: Map<string, string>;
  /** The job of every item read for the quote (null: none). */
  itemJobs: Map<string, string | null>;
  shortPays: Map<string, { reason: ShortPayReason; note: string | null }>;
}

/**
 * `asOf`: the dealer-local date to quote at (a scheduled payment's date); today by default.
 * `subject`: a company id (every job) or a signed-in customer, whose project-manager jobs limit
 * the items. `options.account`: the account a job pay link names, for a payer whose company
 * links no account (the link's own job limits the items).
 */
export async function buildQuoteInput(db: Db | Knex.Transaction, subject: string | PortalSubject, request: PaymentRequest, options: { asOf?: IsoDate; account?: LinkedAccount } = {}): Promise<QuoteContext> {
  return quoteContext(db, subject, request, await readQuote(db, subject, request, options), options);
}

/** What the quote reads, in one statement (db/quote-parties.ts); `submissionKey`: also what that Idempotency-Key already made. */
function readQuote(db: Db | Knex.Transaction, subject: string | PortalSubject, request: PaymentRequest, options: { account?: LinkedAccount; submissionKey?: string }): Promise<QuoteParties> {
  const items = {
    sourceView: request.sourceView,
    invoiceIds: request.items.filter((i) => i.type === 'invoice').map((i) => i.id),
    adjustmentIds: request.items.filter((i) => i.type !== 'invoice').map((i) => i.id),
  };
  return quoteParties(db, subjectOf(subject), {
    customerAccountId: request.customerAccountId, dealerId: request.dealerId, paymentMethodId: request.paymentMethodId, account: options.account, items, submissionKey: options.submissionKey,
  });
}

/** Checks what was read against the request and prices it: refusals name what is out of reach or unusable. */
async function quoteContext(db: Db | Knex.Transaction, subject: string | PortalSubject, request: PaymentRequest, parties: QuoteParties, options: { asOf?: IsoDate }): Promise<QuoteContext> {
  const { jobIds } = subjectOf(subject);
  const { account, dealer, method } = parties;
  if (!account || account.id !== request.customerAccountId || account.dealer_id !== request.dealerId || !dealer) throw refuseNotFound('Account');
  if (!method) throw refuseNotFound('Payment method');
  if (method.status !== 'active') {
    throw refuseConflict('payment_method_disabled', `This ${method.kind === 'ach' ? 'bank account' : 'card'} can no longer be used${method.disabled_reason ? ` (${method.disabled_reason})` : ''}. Choose or link another.`);
  }
  // The bank told Plaid the customer must sign in again (or withdrew access): no debit until they do.
  if (method.relink_reason !== null) {
    throw refuseConflict('payment_method_needs_relink', method.relink_reason === 'permission_revoked'
      ? 'Access to this bank account was withdrawn at your bank. Link the account again, or choose another way to pay.'
      : 'Reconnect this bank account (your bank asks you to sign in again) before paying with it, or choose another way to pay.');
  }

  // A statement lists every job's items: not one a project manager may pay.
  if (jobIds !== null && request.statementId) throw refuseNotFound('Statement');
  const { invoices, adjustments } = parties;

  const found = new Set([...invoices.map((r) => r.id), ...adjustments.map((r) => r.id)]);
  const missing = request.items.find((item) => !found.has(item.id));
  if (missing) throw refuseNotFound(missing.type === 'invoice' ? 'Invoice' : 'Adjustment');
  for (const item of request.items) {
    const adjustment = adjustments.find((a) => a.id === item.id);
    if (adjustment && adjustment.kind !== item.type) throw refuseInvalid('wrong_item_type', `Item ${adjustment.adjustment_number} is a ${adjustment.kind} adjustment, not a ${item.type}.`);
  }

  const partial = new Map(request.items.map((item) => [item.id, item.amountCents ?? null]));
  const shortPays = new Map(request.items.flatMap((item) => (item.shortPay ? [[item.id, { reason: item.shortPay.reason, note: item.shortPay.note ?? null }] as const] : [])));
  const numbers = new Map<string, string>();
  const itemJobs = new Map<string, string | null>([...invoices, ...adjustments].map((row) => [row.id, row.job_id ?? null]));
  const items: QuoteItem[] = [
    ...invoices.map((row): QuoteItem => {
      numbers.set(row.id, row.invoice_number);
      return {
        itemType: 'invoice', id: row.id, number: row.invoice_number, dueDate: row.due_date, status: row.status, openCents: Number(row.balance_cents),
        reservedCents: Math.min(Number(row.reserved_cents), Number(row.balance_cents)), partialCents: partial.get(row.id) ?? null, shortPay: shortPays.has(row.id), terms: invoiceTerms(row),
      };
    }),
    ...adjustments.map((row): QuoteItem => {
      numbers.set(row.id, row.adjustment_number);
      return { itemType: row.kind, id: row.id, number: row.adjustment_number, dueDate: row.due_date ?? row.transaction_date ?? null, status: row.status, openCents: Number(row.balance_cents), reservedCents: Math.min(Number(row.reserved_cents), Number(row.balance_cents)), partialCents: partial.get(row.id) ?? null, shortPay: shortPays.has(row.id) };
    }),
  ];

  const input: QuoteInput = {
    items,
    sourceView: request.sourceView,
    payAmountCents: request.payAmountCents ?? null,
    statement: request.statementId ? await loadStatement(db, account.id, request.statementId) : null,
    method: method.kind,
    cardFunding: method.kind === 'card' ? method.card_funding ?? 'unknown' : null,
    billingState: method.billing_state ?? account.state ?? null,
    feeSchedule: {
      feePayer: dealer.fee_payer,
      achFeeCents: Number(dealer.ach_fee_cents),
      cardCreditRateBps: dealer.card_credit_rate_bps,
      cardDebitRateBps: dealer.card_debit_rate_bps,
      cardFlatFeeCents: Number(dealer.card_flat_fee_cents),
      surchargeForbiddenStates: dealer.surcharge_forbidden_states ?? [],
    },
    allowPartialPayments: dealer.allow_partial_payments,
    termsDiscountGraceDays: dealer.terms_discount_grace_days,
    allowOverpayment: dealer.allow_overpayment,
    onAccountCents: request.onAccountCents ?? null,
    today: options.asOf ?? localDate(new Date(), dealer.time_zone),
    expectedAmountCents: request.expectedAmountCents ?? null,
  };
  return { account, dealer, method, approvalThresholdCents: parties.approvalThresholdCents, input, numbers, itemJobs, shortPays };
}

async function loadStatement(db: Db | Knex.Transaction, customerAccountId: string, statementId: string): Promise<StatementForDiscount> {
  const found = await statementWithItems(db, customerAccountId, statementId);
  if (!found) throw refuseNotFound('Statement');
  const { statement, items: rows } = found;
  return {
    id: statement.id,
    number: statement.statement_number,
    status: statement.status,
    discountCents: Number(statement.discount_cents),
    discountDate: statement.discount_date,
    items: rows.map((row) => ({
      itemType: row.item_type as StatementForDiscount['items'][number]['itemType'],
      itemId: (row.invoice_id ?? row.adjustment_id)!,
      number: (row.invoice_number ?? row.adjustment_number)!,
      statementAmountCents: Number(row.amount_cents),
      openCents: Number(row.invoice_balance ?? row.adjustment_balance ?? 0),
      reservedCents: Number(row.invoice_reserved ?? row.adjustment_reserved ?? 0),
    })),
  };
}

export interface PreviewResponse {
  lines: Array<{ type: string; id: string; number: string; amountCents: number; appliedToInvoiceNumber: string | null; appliedToDebitNumber: string | null }>;
  itemsCents: number;
  creditsCents: number;
  discountCents: number;
  discountReason: string | null;
  onAccountCents: number;
  feeCents: number;
  feeExplanation: string | null;
  amountCents: number;
  method: 'ach' | 'card';
  /** ACH: the debit authorization the customer gives by pressing Pay, to show beside it. */
  achAuthorization: { version: string; text: string } | null;
  errors: QuoteError[];
}

/** The authorization in `version`'s words for exactly this quote: what the customer agrees to debit. */
export function achAuthorizationFor(context: QuoteContext, amountCents: number, version: string): { version: string; text: string } {
  return {
    version,
    text: achAuthorizationText(version, { dealerName: context.dealer.name, amountCents, accountLabel: methodLabel(context.method), date: context.input.today }),
  };
}

export function describe(quote: PaymentQuote | null, errors: QuoteError[], numbers: Map<string, string>, method: 'ach' | 'card', achAuthorization: PreviewResponse['achAuthorization']): PreviewResponse {
  return {
    lines: (quote?.lines ?? []).map((line) => ({
      type: line.itemType,
      id: line.itemId,
      number: line.number,
      amountCents: line.amountCents,
      appliedToInvoiceNumber: line.appliedToInvoiceId ? numbers.get(line.appliedToInvoiceId) ?? null : null,
      appliedToDebitNumber: line.appliedToDebitId ? numbers.get(line.appliedToDebitId) ?? null : null,
    })),
    itemsCents: quote?.itemsCents ?? 0,
    creditsCents: quote?.creditsCents ?? 0,
    discountCents: quote?.discountCents ?? 0,
    discountReason: quote ? quote.termsDiscount.reason ?? quote.discount.reason : null,
    onAccountCents: quote?.onAccountCents ?? 0,
    feeCents: quote?.feeCents ?? 0,
    feeExplanation: quote?.fee.explanation ?? null,
    amountCents: quote?.amountCents ?? 0,
    method,
    achAuthorization,
    errors,
  };
}

export async function previewPayment(db: Db, subject: string | PortalSubject, request: PaymentRequest, options: { account?: LinkedAccount } = {}): Promise<PreviewResponse> {
  const context = await buildQuoteInput(db, subject, request, options);
  const result = quotePayment(context.input);
  const authorization = result.ok && context.method.kind === 'ach' ? achAuthorizationFor(context, result.quote.amountCents, CURRENT_ACH_AUTHORIZATION_VERSION) : null;
  return describe(result.ok ? result.quote : null, result.errors, context.numbers, context.method.kind, authorization);
}

export const requestHash = (request: PaymentRequest) => createHash('sha256').update(JSON.stringify(request)).digest('hex');

export interface SubmitDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

/** What a submit made: the payment, or — above the company's approval threshold — an approval request (services/payment-approvals.ts). */
export type SubmitOutcome = { paymentId: string; approvalId?: undefined; created: boolean } | { paymentId?: undefined; approvalId: string; created: boolean };

/** Who submits: `role` and `jobIds` from the session; a caller without them submits as the company (every job, no approval gate). */
export interface Submitter {
  /** The portal user; null for a payer through a job pay link, who has no login. */
  id: string | null;
  companyId: string;
  role?: CompanyRole;
  jobIds?: string[] | null;
  /** The account a job pay link names (its payer company links none). */
  account?: LinkedAccount;
}

/**
 * Creates the payment (Pending) and starts its workflow. Retrying with the same
 * Idempotency-Key returns the same payment; the same key with a different request is refused.
 * A non-owner's payment above the company's threshold is held for an owner's approval instead
 * (`options.approved`: an owner already approved this request).
 */
export async function submitPayment(deps: SubmitDeps, customer: Submitter, idempotencyKey: string, request: PaymentRequest, options: { approved?: boolean } = {}): Promise<SubmitOutcome> {
  if (request.achAuthorizationVersion !== undefined && !isKnownAchAuthorizationVersion(request.achAuthorizationVersion)) {
    throw refuseInvalid('ach_authorization_unknown', `achAuthorizationVersion "${request.achAuthorizationVersion}" is not a debit authorization we have shown. Reload the page to see the current wording, then pay.`, [{ field: 'achAuthorizationVersion', message: 'unknown version' }]);
  }
  const hash = requestHash(request);
  const subject = { companyId: customer.companyId, jobIds: customer.jobIds ?? null };
  const parties = await readQuote(deps.db, subject, request, { account: customer.account, submissionKey: idempotencyKey });
  const earlier = parties.earlier;
  if (earlier) {
    if (earlier.request_hash !== hash) throw keyReused();
    return earlier.kind === 'payment' ? { paymentId: earlier.id, created: false } : { approvalId: earlier.id, created: false };
  }

  const context = await quoteContext(deps.db, subject, request, parties, {});
  if (context.method.kind === 'ach' && request.achAuthorizationVersion === undefined) {
    throw refuseInvalid('ach_authorization_required', 'achAuthorizationVersion is required for a bank (ACH) payment: send the version of the debit authorization the customer accepted.', [{ field: 'achAuthorizationVersion', message: 'required for ACH' }]);
  }
  const result = quotePayment(context.input);
  if (!result.ok) {
    // Another payment holding the items is a conflict of state (409), not a bad request.
    const taken = result.errors.find((e) => e.code === 'item_in_other_payment');
    if (taken) {
      // The payment holding them may be this very attempt, committed by a concurrent retry
      // between the key look-up above and the quote: that is the same payment, not a conflict.
      const winner = await findByKey(deps.db, customer.companyId, idempotencyKey, hash);
      if (winner) return { paymentId: winner, created: false };
      throw refuseConflict('items_unavailable', taken.message, { errors: result.errors });
    }
    throw refuseUnprocessable(result.errors[0]!.code, result.errors.map((e) => e.message).join(' '), { errors: result.errors });
  }
  const quote = result.quote;
  if (!options.approved && customer.role && customer.id !== null) {
    const thresholdCents = approvalNeeded(customer.role, context, quote);
    if (thresholdCents !== null) {
      return requestApproval(deps, { id: customer.id, companyId: customer.companyId, role: customer.role }, { idempotencyKey, requestHash: hash, request, context, quote, thresholdCents });
    }
  }
  const paymentId = randomUUID();
  let stored: StoredPayment;
  try {
    stored = await createPayment(deps.db, paymentFromQuote(context, quote, {
      id: paymentId, companyId: customer.companyId, portalUserId: customer.id, idempotencyKey, requestHash: hash, achAuthorizationVersion: request.achAuthorizationVersion ?? null,
    }));
  } catch (error) {
    // A concurrent retry with the same key won the insert (or reserved the items first): answer with its payment.
    const lostToRetry = error instanceof ReservationConflict
      || ((error as { code?: string }).code === '23505' && String((error as Error).message).includes('idempotency_key'));
    if (lostToRetry) {
      const winner = await findByKey(deps.db, customer.companyId, idempotencyKey, hash);
      if (winner) return { paymentId: winner, created: false };
    }
    if (error instanceof ReservationConflict) throw refuseConflict('items_unavailable', error.message, { itemType: error.itemType, itemId: error.itemId });
    throw error;
  }
  // The row is committed; if starting fails now the worker's sweeper starts it shortly.
  const facts = {
    id: paymentId, number: stored.number, dealerId: context.account.dealer_id, customerAccountId: context.account.id, method: context.method.kind,
    amountCents: quote.amountCents, status: 'pending', submittedAt: stored.submittedAt, dealerTimeZone: context.dealer.time_zone, erpAccountId: context.account.erp_account_id,
  };
  await startPaymentWorkflow(deps.db, deps.temporal, deps.config, paymentId, facts).catch((error) => logger.error({ err: error, paymentId }, 'payment workflow start failed; the sweeper will retry'));
  return { paymentId, created: true };
}

/** The payment row (and its applications) for exactly this quote: what submit and a scheduled payment's run store. */
export function paymentFromQuote(
  context: QuoteContext,
  quote: PaymentQuote,
  fields: { id: string; companyId: string; portalUserId: string | null; idempotencyKey: string; requestHash: string; achAuthorizationVersion: string | null },
): NewPayment {
  return {
    id: fields.id,
    dealerId: context.account.dealer_id,
    customerAccountId: context.account.id,
    companyId: fields.companyId,
    portalUserId: fields.portalUserId,
    paymentMethodId: context.method.id,
    method: context.method.kind,
    cardFunding: context.method.kind === 'card' ? context.method.card_funding ?? 'unknown' : null,
    itemsCents: quote.itemsCents,
    creditsCents: quote.creditsCents,
    discountCents: quote.discountCents,
    onAccountCents: quote.onAccountCents,
    feeCents: quote.feeCents,
    amountCents: quote.amountCents,
    processingCostCents: quote.processingCostCents,
    sourceView: quote.sourceView,
    statementId: quote.statementId,
    idempotencyKey: fields.idempotencyKey,
    requestHash: fields.requestHash,
    achAuthorization: context.method.kind === 'ach' && fields.achAuthorizationVersion ? achAuthorizationFor(context, quote.amountCents, fields.achAuthorizationVersion) : null,
    // A line whose item was not read here (undefined) counts as a job's: the store then checks.
    jobless: quote.lines.every((line) => line.itemType === 'discount' || line.itemType === 'unapplied' || context.itemJobs.get(line.itemId) === null),
    applications: quote.lines.map((line) => ({
      itemType: line.itemType, itemId: line.itemId, amountCents: line.amountCents, appliedToInvoiceId: line.appliedToInvoiceId, appliedToDebitId: line.appliedToDebitId,
      shortPay: line.itemType === 'invoice' || line.itemType === 'debit' ? context.shortPays.get(line.itemId) ?? null : null,
    })),
  };
}

async function findByKey(db: Db, companyId: string, key: string, hash: string): Promise<string | null> {
  const row = await paymentByIdempotencyKey(db, companyId, key);
  if (!row) return null;
  if (row.request_hash !== hash) throw keyReused();
  return row.id;
}

export const keyReused = () => refuseConflict('idempotency_key_reused', 'This Idempotency-Key was already used for a different payment request. Start a new payment.');
