/**
 * A customer account's unapplied (on-account) credit, as a ledger of signed entries
 * (docs/unapplied-credit.md). Pure: the store (db/account-credits.ts) loads the entries under the
 * account's lock, asks these rules what to write, and writes exactly that.
 *
 *   overpayment / paid_elsewhere   +x   a settled payment brought in x more than its items took
 *   application                    −x   x of one source's credit paid an open invoice
 *   application_reversed           +x   an application undone (its source payment was returned)
 *   credit_reversed                −x   a source's credit taken back when its payment was returned
 *
 * Every non-creation entry names the creation entry (the source) it draws on, so each payment's
 * money is accounted for on its own: a source's remaining credit is the sum of its entries and
 * never below zero, and the account's balance is the sum of all entries.
 */
import { compareOldestFirst, type OldestFirstKey } from './allocation';
import type { Cents } from './money';

export const CREDIT_ENTRY_KINDS = ['overpayment', 'paid_elsewhere', 'application', 'application_reversed', 'credit_reversed'] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

/** Refusal codes of applying credit (listed with the API's others in contracts/errors.ts). */
export const CREDIT_REFUSALS = {
  noCredit: 'no_unapplied_credit',
  aboveCredit: 'credit_amount_above_balance',
  nothingToApply: 'nothing_to_apply_credit_to',
  overpaymentNotAllowed: 'overpayment_not_allowed',
} as const;

export interface CreditEntry {
  id: string;
  kind: CreditEntryKind;
  amountCents: Cents;
  /** Creation entries: null; every other entry: the creation it draws on. */
  sourceEntryId: string | null;
  /** Applications: the invoice paid. */
  invoiceId: string | null;
  /** Application reversals: the application undone. */
  reversesEntryId: string | null;
  /** Ordering of sources: oldest credit is used first. */
  createdAt: string;
}

export const isCreation = (kind: CreditEntryKind) => kind === 'overpayment' || kind === 'paid_elsewhere';

export const creditBalance = (entries: readonly Pick<CreditEntry, 'amountCents'>[]): Cents =>
  entries.reduce((sum, entry) => sum + entry.amountCents, 0);

/** What is left of each source, oldest first; only sources with something left. */
export function remainingBySource(entries: readonly CreditEntry[]): Array<{ sourceEntryId: string; remainingCents: Cents; createdAt: string }> {
  const drawn = new Map<string, Cents>();
  for (const entry of entries) {
    if (entry.sourceEntryId !== null) drawn.set(entry.sourceEntryId, (drawn.get(entry.sourceEntryId) ?? 0) + entry.amountCents);
  }
  const sources = entries.filter((entry) => isCreation(entry.kind)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return sources
    .map((source) => ({ sourceEntryId: source.id, createdAt: source.createdAt, remainingCents: source.amountCents + (drawn.get(source.id) ?? 0) }))
    .filter((source) => source.remainingCents > 0);
}

export interface CreditTarget extends OldestFirstKey {
  /** What may be paid on it now: open balance less what payments in flight hold. */
  availableCents: Cents;
}

export interface PlannedApplication {
  sourceEntryId: string;
  invoiceId: string;
  amountCents: Cents;
}

export type ApplicationPlan =
  | { ok: true; applications: PlannedApplication[]; totalCents: Cents }
  | { ok: false; code: (typeof CREDIT_REFUSALS)[keyof typeof CREDIT_REFUSALS]; message: string };

/**
 * Applies up to `amountCents` (all that fits when null) of the account's credit to `targets`,
 * oldest invoice first, drawing on the oldest credit first. Each planned line names one source
 * and one invoice, so a later return of a source knows exactly which invoices its money paid.
 */
export function planCreditApplication(entries: readonly CreditEntry[], targets: readonly CreditTarget[], amountCents: Cents | null): ApplicationPlan {
  const sources = remainingBySource(entries);
  const balance = sources.reduce((sum, source) => sum + source.remainingCents, 0);
  if (balance <= 0) return { ok: false, code: CREDIT_REFUSALS.noCredit, message: 'This account has no unapplied credit to apply.' };
  if (amountCents !== null && (!Number.isSafeInteger(amountCents) || amountCents <= 0)) {
    return { ok: false, code: CREDIT_REFUSALS.aboveCredit, message: 'amountCents must be a positive number of cents.' };
  }
  if (amountCents !== null && amountCents > balance) {
    return { ok: false, code: CREDIT_REFUSALS.aboveCredit, message: `amountCents (${amountCents}) is more than the ${balance} cents of credit on the account.` };
  }
  const open = [...targets].filter((target) => target.availableCents > 0).sort(compareOldestFirst);
  const capacity = open.reduce((sum, target) => sum + target.availableCents, 0);
  if (capacity === 0) return { ok: false, code: CREDIT_REFUSALS.nothingToApply, message: 'None of the items chosen has anything left to pay that credit could take.' };
  let wanted = amountCents ?? Math.min(balance, capacity);
  if (wanted > capacity) {
    return { ok: false, code: CREDIT_REFUSALS.aboveCredit, message: `amountCents (${wanted}) is more than the ${capacity} cents the items chosen have left to pay.` };
  }
  const applications: PlannedApplication[] = [];
  let sourceIndex = 0;
  let sourceLeft = sources[0]!.remainingCents;
  for (const target of open) {
    let targetLeft = target.availableCents;
    while (wanted > 0 && targetLeft > 0) {
      const take = Math.min(wanted, targetLeft, sourceLeft);
      applications.push({ sourceEntryId: sources[sourceIndex]!.sourceEntryId, invoiceId: target.id, amountCents: take });
      wanted -= take;
      targetLeft -= take;
      sourceLeft -= take;
      if (sourceLeft === 0 && sourceIndex + 1 < sources.length) {
        sourceIndex += 1;
        sourceLeft = sources[sourceIndex]!.remainingCents;
      }
    }
    if (wanted === 0) break;
  }
  return { ok: true, applications, totalCents: applications.reduce((sum, application) => sum + application.amountCents, 0) };
}

export interface ReturnPlan {
  /** Applications to undo: each invoice is owed again by the amount the returned money paid. */
  undo: Array<{ applicationEntryId: string; invoiceId: string; amountCents: Cents }>;
  /** Then the whole credit, undone applications included, is taken back. */
  takeBackCents: Cents;
}

/**
 * The source's payment was returned: the money never arrived, so neither may the credit it made.
 * Every live application drawing on it is undone (the invoice it paid is owed again), then the
 * source's remaining credit, now its whole amount, is taken back; the source nets to zero.
 */
export function planSourceReturn(entries: readonly CreditEntry[], sourceEntryId: string): ReturnPlan {
  const drawing = entries.filter((entry) => entry.sourceEntryId === sourceEntryId);
  const undone = new Set(drawing.filter((entry) => entry.kind === 'application_reversed').map((entry) => entry.reversesEntryId));
  const undo = drawing
    .filter((entry) => entry.kind === 'application' && !undone.has(entry.id))
    .map((entry) => ({ applicationEntryId: entry.id, invoiceId: entry.invoiceId!, amountCents: -entry.amountCents }));
  const source = entries.find((entry) => entry.id === sourceEntryId);
  const remaining = (source?.amountCents ?? 0) + drawing.reduce((sum, entry) => sum + entry.amountCents, 0);
  return { undo, takeBackCents: remaining + undo.reduce((sum, application) => sum + application.amountCents, 0) };
}

/** One figure per invoice, however many sources' credit paid it. */
export function mergeByInvoice(applications: ReadonlyArray<{ invoiceId: string; amountCents: Cents }>): Array<{ invoiceId: string; amountCents: Cents }> {
  const totals = new Map<string, Cents>();
  for (const application of applications) totals.set(application.invoiceId, (totals.get(application.invoiceId) ?? 0) + application.amountCents);
  return [...totals].map(([invoiceId, amountCents]) => ({ invoiceId, amountCents }));
}

/**
 * An in-flight payment whose item the ERP says was (partly) paid some other way: of what the
 * payment applies to the item, only what is still open can pay it; the rest is the customer's
 * credit when the payment settles.
 */
export function paidElsewhereSplit(applyingCents: Cents, openCents: Cents): { payCents: Cents; creditCents: Cents } {
  const payCents = Math.max(0, Math.min(applyingCents, openCents));
  return { payCents, creditCents: applyingCents - payCents };
}
