import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { SpruceError, type SpruceStore, type Tenant } from './store';
import { glLineInput, type GlPosting, type GlLineInput, type Stored } from './types';

/**
 * GL posting: each line moves a document's balance in the emulated ERP and is appended to
 * the ledger. A line carries an idempotency key: the same key with the same body answers
 * with the first outcome (success or refusal) and changes nothing; the same key with a
 * different body is refused with 409, so a retry can never post twice.
 */

export interface PostingOutcome {
  status: number;
  body: unknown;
  replayed: boolean;
}

export function postGlLine(store: SpruceStore, tenant: Tenant, idempotencyKey: string | undefined, rawBody: unknown, now = new Date()): PostingOutcome {
  return idempotentWrite(store, tenant, idempotencyKey, rawBody, {
    what: 'GL line', schema: glLineInput, invalidCode: 'invalid_line',
    apply: (line) => applyLine(store, tenant, idempotencyKey!, line, now),
  });
}

/**
 * A write keyed by Idempotency-Key (a GL line, a created adjustment): the same key and body
 * answer the first outcome again, success or refusal, and change nothing; the same key with
 * another body is refused with 409. A malformed body is not remembered, so the caller can fix
 * it and resend under the same key.
 */
export function idempotentWrite<T extends z.ZodType>(
  store: SpruceStore, tenant: Tenant, idempotencyKey: string | undefined, rawBody: unknown,
  request: { what: string; schema: T; invalidCode: string; apply: (input: z.output<T>) => unknown },
): PostingOutcome {
  if (!idempotencyKey || idempotencyKey.length > 200) {
    return refusal(400, 'idempotency_key_required', `Every ${request.what} needs an Idempotency-Key of 1 to 200 characters.`);
  }
  const requestHash = hashBody(rawBody);
  const previous = tenant.idempotency.get(idempotencyKey);
  if (previous) {
    if (previous.requestHash !== requestHash) {
      return refusal(409, 'idempotency_key_reused', `Idempotency key ${idempotencyKey} was used for a different ${request.what}.`);
    }
    return { status: previous.status, body: previous.body, replayed: true };
  }
  const parsed = request.schema.safeParse(rawBody);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    return refusal(400, request.invalidCode, details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  let outcome: PostingOutcome;
  try {
    outcome = { status: 201, body: request.apply(parsed.data), replayed: false };
  } catch (error) {
    if (!(error instanceof SpruceError)) throw error;
    outcome = refusal(error.status, error.code, error.message);
  }
  store.rememberIdempotent(tenant, idempotencyKey, { requestHash, status: outcome.status, body: outcome.body });
  return outcome;
}

function applyLine(store: SpruceStore, tenant: Tenant, idempotencyKey: string, line: GlLineInput, now: Date): GlPosting {
  const base = {
    idempotency_key: idempotencyKey,
    type: line.type,
    account_id: line.account_id,
    job_id: line.job_id ?? null,
    document_id: line.document_id ?? null,
    applied_document_id: line.applied_document_id ?? null,
    reverses_posting_id: line.reverses_posting_id ?? null,
    amount_cents: line.amount_cents,
    posting_date: line.posting_date,
    payment_reference: line.payment_reference,
    gl_account: line.gl_account ?? null,
    memo: line.memo ?? null,
    reversed_cents: 0,
    created_at: now.toISOString(),
  };
  if (!tenant.objects.account.has(line.account_id)) throw new SpruceError(422, 'unknown_account', `Account ${line.account_id} does not exist.`);

  switch (line.type) {
    case 'invoice_payment': {
      const invoice = ownDocument(tenant.objects.invoice.get(line.document_id!), 'invoice', line);
      reduceInvoice(store, tenant, invoice, line.amount_cents, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: -line.amount_cents });
    }
    case 'credit_application': {
      const credit = ownDocument(tenant.objects.adjustment.get(line.document_id!), 'credit adjustment', line);
      if (credit.kind !== 'credit') throw new SpruceError(422, 'wrong_document_type', `${credit.id} is a debit adjustment, not a credit.`);
      const invoice = ownDocument(tenant.objects.invoice.get(line.applied_document_id!), 'invoice', line);
      if (invoice.status === 'void') throw new SpruceError(409, 'invoice_void', `Invoice ${invoice.id} is void; a credit cannot be applied to it.`);
      reduceAdjustment(store, tenant, credit, line.amount_cents, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: 0 });
    }
    case 'debit_payment': {
      const debit = ownDocument(tenant.objects.adjustment.get(line.document_id!), 'debit adjustment', line);
      if (debit.kind !== 'debit') throw new SpruceError(422, 'wrong_document_type', `${debit.id} is a credit adjustment, not a debit.`);
      reduceAdjustment(store, tenant, debit, line.amount_cents, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: -line.amount_cents });
    }
    case 'statement_discount': {
      const statement = ownDocument(tenant.objects.statement.get(line.document_id!), 'statement', line);
      const available = statement.discount_cents - statement.discount_taken_cents;
      if (line.amount_cents > available) {
        throw new SpruceError(422, 'amount_exceeds_balance', `Statement ${statement.id} has ${available} cents of discount left; the line asks for ${line.amount_cents}.`);
      }
      store.mutate(tenant, 'statement', statement.id, { discount_taken_cents: statement.discount_taken_cents + line.amount_cents }, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: -line.amount_cents });
    }
    case 'terms_discount': {
      // The contra entry only: the invoice_payment line for the full amount clears the balance.
      const invoice = ownDocument(tenant.objects.invoice.get(line.document_id!), 'invoice', line);
      if (invoice.status === 'void') throw new SpruceError(409, 'invoice_void', `Invoice ${invoice.id} is void; no discount can be taken on it.`);
      const available = (invoice.discount_cents ?? 0) - invoice.discount_taken_cents;
      if (line.amount_cents > available) {
        throw new SpruceError(422, 'amount_exceeds_balance', `Invoice ${invoice.id} has ${available} cents of terms discount left; the line asks for ${line.amount_cents}.`);
      }
      store.mutate(tenant, 'invoice', invoice.id, { discount_taken_cents: invoice.discount_taken_cents + line.amount_cents }, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: -line.amount_cents });
    }
    case 'unapplied_cash':
      // Cash received and held on the account (document_id is the receipt, our payment number):
      // it lowers what the account owes without touching any document.
      return store.appendPosting(tenant, { ...base, signed_amount_cents: -line.amount_cents });
    case 'unapplied_cash_application': {
      // Moves cash already held on the account onto an invoice: the account's balance does not change.
      const invoice = ownDocument(tenant.objects.invoice.get(line.document_id!), 'invoice', line);
      const held = unappliedCashOf(tenant, line.account_id);
      if (line.amount_cents > held) {
        throw new SpruceError(422, 'unapplied_cash_insufficient', `Account ${line.account_id} holds ${held} cents of unapplied cash; the line applies ${line.amount_cents}.`);
      }
      reduceInvoice(store, tenant, invoice, line.amount_cents, now);
      return store.appendPosting(tenant, { ...base, signed_amount_cents: 0 });
    }
    case 'reversal':
      return reverse(store, tenant, base, line, now);
  }
}

/** Unapplied cash an account holds: what was received on account, less what was applied, reversals counted. */
export function unappliedCashOf(tenant: Tenant, accountId: string): number {
  return tenant.ledger
    .filter((posting) => posting.account_id === accountId)
    .reduce((sum, posting) => {
      const live = posting.amount_cents - posting.reversed_cents;
      if (posting.type === 'unapplied_cash') return sum + live;
      if (posting.type === 'unapplied_cash_application') return sum - live;
      return sum;
    }, 0);
}

function reverse(store: SpruceStore, tenant: Tenant, base: Omit<GlPosting, 'id' | 'ledger_seq' | 'signed_amount_cents'>, line: GlLineInput, now: Date): GlPosting {
  const original = tenant.ledger.find((posting) => posting.id === line.reverses_posting_id);
  if (!original) throw new SpruceError(422, 'unknown_posting', `Posting ${line.reverses_posting_id} does not exist.`);
  if (original.type === 'reversal') throw new SpruceError(422, 'not_reversible', 'A reversal cannot itself be reversed; post the line again instead.');
  if (original.account_id !== line.account_id) throw new SpruceError(422, 'account_mismatch', `Posting ${original.id} belongs to account ${original.account_id}.`);
  const remaining = original.amount_cents - original.reversed_cents;
  if (line.amount_cents > remaining) {
    throw new SpruceError(409, 'amount_exceeds_balance', `Posting ${original.id} has ${remaining} cents left to reverse; the line asks for ${line.amount_cents}.`);
  }
  switch (original.type) {
    case 'invoice_payment':
      restoreInvoice(store, tenant, original.document_id!, line.amount_cents, now);
      break;
    case 'credit_application':
    case 'debit_payment':
      restoreAdjustment(store, tenant, original.document_id!, line.amount_cents, now);
      break;
    case 'unapplied_cash_application':
      restoreInvoice(store, tenant, original.document_id!, line.amount_cents, now);
      break;
    case 'unapplied_cash':
      // The cash leaves the account; applications of it are reversed by their own lines.
      break;
    case 'statement_discount': {
      const statement = store.require(tenant, 'statement', original.document_id!);
      store.mutate(tenant, 'statement', statement.id, { discount_taken_cents: statement.discount_taken_cents - line.amount_cents }, now);
      break;
    }
    case 'terms_discount': {
      const invoice = store.require(tenant, 'invoice', original.document_id!);
      store.mutate(tenant, 'invoice', invoice.id, { discount_taken_cents: invoice.discount_taken_cents - line.amount_cents }, now);
      break;
    }
  }
  original.reversed_cents += line.amount_cents;
  return store.appendPosting(tenant, {
    ...base,
    document_id: original.document_id,
    applied_document_id: original.applied_document_id,
    signed_amount_cents: original.type === 'credit_application' || original.type === 'unapplied_cash_application' ? 0 : line.amount_cents,
  });
}

function ownDocument<T extends { id: string; account_id: string }>(document: T | undefined, what: string, line: GlLineInput): T {
  const id = what === 'invoice' && line.type === 'credit_application' ? line.applied_document_id : line.document_id;
  if (!document) throw new SpruceError(422, 'unknown_document', `No ${what} ${id}.`);
  if (document.account_id !== line.account_id) throw new SpruceError(422, 'account_mismatch', `${what} ${document.id} belongs to account ${document.account_id}, not ${line.account_id}.`);
  return document;
}

function reduceInvoice(store: SpruceStore, tenant: Tenant, invoice: Stored<'invoice'>, amount: number, now: Date): void {
  if (invoice.status !== 'open' && invoice.status !== 'partially_paid') {
    throw new SpruceError(409, 'invoice_not_open', `Invoice ${invoice.id} is ${invoice.status.replace('_', ' ')}; it takes no more payments.`);
  }
  if (amount > invoice.balance_cents) {
    throw new SpruceError(422, 'amount_exceeds_balance', `Invoice ${invoice.id} has a balance of ${invoice.balance_cents} cents; the line pays ${amount}.`);
  }
  const balance = invoice.balance_cents - amount;
  store.mutate(tenant, 'invoice', invoice.id, { balance_cents: balance, status: balance === 0 ? 'paid' : 'partially_paid' }, now);
}

function restoreInvoice(store: SpruceStore, tenant: Tenant, id: string, amount: number, now: Date): void {
  const invoice = store.require(tenant, 'invoice', id);
  const balance = Math.min(invoice.amount_cents, invoice.balance_cents + amount);
  store.mutate(tenant, 'invoice', id, { balance_cents: balance, status: balance === invoice.amount_cents ? 'open' : 'partially_paid' }, now);
}

function reduceAdjustment(store: SpruceStore, tenant: Tenant, adjustment: Stored<'adjustment'>, amount: number, now: Date): void {
  if (adjustment.status !== 'open' && adjustment.status !== 'partially_applied') {
    throw new SpruceError(409, 'adjustment_not_open', `Adjustment ${adjustment.id} is ${adjustment.status.replace('_', ' ')}.`);
  }
  if (amount > adjustment.balance_cents) {
    throw new SpruceError(422, 'amount_exceeds_balance', `Adjustment ${adjustment.id} has a balance of ${adjustment.balance_cents} cents; the line asks for ${amount}.`);
  }
  const balance = adjustment.balance_cents - amount;
  store.mutate(tenant, 'adjustment', adjustment.id, { balance_cents: balance, status: balance === 0 ? 'applied' : 'partially_applied' }, now);
}

function restoreAdjustment(store: SpruceStore, tenant: Tenant, id: string, amount: number, now: Date): void {
  const adjustment = store.require(tenant, 'adjustment', id);
  const balance = Math.min(adjustment.amount_cents, adjustment.balance_cents + amount);
  store.mutate(tenant, 'adjustment', id, { balance_cents: balance, status: balance === adjustment.amount_cents ? 'open' : 'partially_applied' }, now);
}

function refusal(status: number, code: string, message: string, details?: unknown): PostingOutcome {
  return { status, body: { error: { code, message, ...(details === undefined ? {} : { details }) } }, replayed: false };
}

/** Key order does not change a body's identity. */
export function hashBody(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
