/**
 * How an amount taken back from a settled payment (a refund, a chargeback lost, a return) is
 * spread over what the payment paid, so the items that reopen are exactly the ones the money
 * came off.
 *
 * A partial amount goes back over the positive items the payment paid (invoices and debit
 * adjustments) in proportion to what each still holds; credits used and a statement or terms
 * discount taken stay applied, because no money moved for them. Only the payment's whole remaining
 * amount undoes everything, credits and discount included. Largest remainder keeps the cents
 * exact; ties go to the earlier application, so the split never depends on input order.
 *
 * Pure; amounts are integer cents.
 */
import { formatCents } from './money';
import type { ApplicationItemType } from './payment-quote';
import { refuseConflict, refuseInvalid } from './refusal';

export type ReversalItemType = ApplicationItemType;

export interface ReversibleApplication {
  /** payment_applications.id */
  id: number;
  itemType: ReversalItemType;
  amountCents: number;
  /** Already given back by earlier reversals. */
  reversedCents: number;
  /** How people know the item: "Invoice INV-1042". */
  label: string;
}

export interface AllocatedItem {
  applicationId: number;
  itemType: ReversalItemType;
  amountCents: number;
}

export type ReversalAllocation =
  /** Everything the payment still holds, credits and discount included. */
  | { kind: 'full'; items: AllocatedItem[] }
  /**
   * Only invoices and debits. `unallocatedCents` is the part of the amount beyond what those
   * still hold: the customer's fee, which reopens no item.
   */
  | { kind: 'partial'; items: AllocatedItem[]; unallocatedCents: number };

const POSITIVE: ReadonlySet<ReversalItemType> = new Set(['invoice', 'debit']);

export const heldCents = (application: Pick<ReversibleApplication, 'amountCents' | 'reversedCents'>) =>
  Math.max(0, application.amountCents - application.reversedCents);

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

function assertAmount(amountCents: number, what: string): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw refuseInvalid('invalid_amount', `${what} must be a positive whole number of cents; got ${amountCents}.`);
  }
}

/**
 * Spreads `amountCents` back over the payment's applications. `remainingCents` is what the
 * payment still holds in money (amount − reversed so far); asking for exactly that is the
 * full path.
 */
export function allocateReversal(applications: readonly ReversibleApplication[], amountCents: number, remainingCents: number): ReversalAllocation {
  assertAmount(amountCents, 'The amount taken back');
  if (amountCents > remainingCents) {
    throw refuseConflict('amount_exceeds_payment', `The payment has ${formatCents(remainingCents)} left to take back; ${formatCents(amountCents)} is more than that.`);
  }
  const ordered = [...applications].sort(byId);
  if (amountCents === remainingCents) {
    return {
      kind: 'full',
      items: ordered.filter((a) => heldCents(a) > 0).map((a) => ({ applicationId: a.id, itemType: a.itemType, amountCents: heldCents(a) })),
    };
  }
  const pool = ordered.filter((a) => POSITIVE.has(a.itemType) && heldCents(a) > 0);
  const poolCents = pool.reduce((sum, a) => sum + heldCents(a), 0);
  if (amountCents >= poolCents) {
    return {
      kind: 'partial',
      items: pool.map((a) => ({ applicationId: a.id, itemType: a.itemType, amountCents: heldCents(a) })),
      unallocatedCents: amountCents - poolCents,
    };
  }
  // amount < pool, so each exact share is below what its item holds: a floor plus at most one
  // cent never exceeds it. BigInt because amount × held can pass 2^53.
  const amount = BigInt(amountCents);
  const total = BigInt(poolCents);
  const shares = pool.map((a, index) => {
    const product = amount * BigInt(heldCents(a));
    return { a, index, floor: Number(product / total), remainder: product % total };
  });
  let left = amountCents - shares.reduce((sum, share) => sum + share.floor, 0);
  const byRemainder = [...shares].sort((x, y) => (x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1));
  const extra = new Set<number>();
  for (const share of byRemainder) {
    if (left === 0) break;
    extra.add(share.index);
    left -= 1;
  }
  const items = shares
    .map((share) => ({ applicationId: share.a.id, itemType: share.a.itemType, amountCents: share.floor + (extra.has(share.index) ? 1 : 0) }))
    .filter((item) => item.amountCents > 0);
  return { kind: 'partial', items, unallocatedCents: 0 };
}

export interface ItemRefundRequest {
  applicationId: number;
  amountCents: number;
}

/**
 * Why a refund by item cannot be made as asked, one sentence per problem naming the item;
 * empty when it can. Only invoices and debits paid with money can be refunded by item.
 */
export function validateItemRefund(applications: readonly ReversibleApplication[], requested: readonly ItemRefundRequest[]): string[] {
  if (requested.length === 0) return ['Choose at least one item to refund.'];
  const problems: string[] = [];
  const seen = new Set<number>();
  const known = new Map(applications.map((a) => [a.id, a]));
  for (const request of requested) {
    const application = known.get(request.applicationId);
    if (!application) {
      problems.push(`Item ${request.applicationId} is not part of this payment.`);
      continue;
    }
    if (seen.has(request.applicationId)) {
      problems.push(`${application.label} is listed more than once.`);
      continue;
    }
    seen.add(request.applicationId);
    if (!POSITIVE.has(application.itemType)) {
      problems.push(`${application.label} was not paid with money, so it cannot be refunded by item.`);
      continue;
    }
    if (!Number.isSafeInteger(request.amountCents) || request.amountCents <= 0) {
      problems.push(`${application.label}: the refund must be a positive whole number of cents.`);
      continue;
    }
    const held = heldCents(application);
    if (request.amountCents > held) {
      problems.push(held === 0
        ? `${application.label} has already been given back in full.`
        : `${application.label} has ${formatCents(held)} left to refund; ${formatCents(request.amountCents)} is more than that.`);
    }
  }
  return problems;
}
