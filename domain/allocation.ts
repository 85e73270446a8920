/**
 * Oldest-first allocation, shared by "pay an amount" and by how credits are applied to the
 * charges of a payment, so both put money on the same invoices in the same order.
 *
 * Oldest first means: earliest due date first (an item without a due date after all dated
 * ones), then document number in natural order ("INV-99" before "INV-100"), then id, so the
 * order is total and never depends on the order items arrived in. The comparison uses no
 * locale data, so every worker replays it identically.
 *
 * Pure and linear after sorting. Amounts are integer cents; nothing here rounds.
 */
import { assertCents, MoneyError, type Cents } from './money';
import type { IsoDate } from './dates';

export interface OldestFirstKey {
  id: string;
  number: string;
  dueDate: IsoDate | null;
}

/** Oldest-first order as a comparator for Array.prototype.sort. */
export function compareOldestFirst(a: OldestFirstKey, b: OldestFirstKey): number {
  if (a.dueDate !== b.dueDate) {
    if (a.dueDate === null) return 1;
    if (b.dueDate === null) return -1;
    return a.dueDate < b.dueDate ? -1 : 1;
  }
  return compareNatural(a.number, b.number) || compareCodeUnits(a.id, b.id);
}

/** A sorted copy; the input is left untouched. */
export function sortOldestFirst<T extends OldestFirstKey>(items: readonly T[]): T[] {
  return [...items].sort(compareOldestFirst);
}

export interface Allocation<T> {
  item: T;
  amountCents: Cents;
}

/**
 * Spreads `amountCents` over `items` oldest-first, each up to its `capacityCents`, skipping
 * items with no capacity. Returns the allocations (only positive ones, oldest-first) and what
 * could not be placed. Throws MoneyError on a negative or fractional amount or capacity.
 */
export function allocateOldestFirst<T extends OldestFirstKey & { capacityCents: Cents }>(
  items: readonly T[],
  amountCents: Cents,
): { allocations: Allocation<T>[]; unallocatedCents: Cents } {
  assertNonNegative(amountCents, 'amount to allocate');
  let remaining = amountCents;
  const allocations: Allocation<T>[] = [];
  for (const item of sortOldestFirst(items)) {
    assertNonNegative(item.capacityCents, `capacity of ${item.number}`);
    if (remaining === 0) break;
    const take = Math.min(remaining, item.capacityCents);
    if (take === 0) continue;
    allocations.push({ item, amountCents: take });
    remaining -= take;
  }
  return { allocations, unallocatedCents: remaining };
}

export interface CreditSource extends OldestFirstKey {
  amountCents: Cents;
}

export interface ChargeTarget extends OldestFirstKey {
  itemType: 'invoice' | 'debit';
  amountCents: Cents;
}

export interface CreditApplication {
  creditId: string;
  chargeType: 'invoice' | 'debit';
  chargeId: string;
  amountCents: Cents;
}

/**
 * Applies each credit, oldest credit first, to the charges: invoices oldest-first, then
 * debit adjustments oldest-first (GL posting applies a credit memo to an invoice whenever one
 * is there to take it). A credit larger than one charge is split across several; no charge
 * receives more credit than its amount. Throws MoneyError when the credits exceed the
 * charges — callers validate that first and report it to the customer.
 */
export function applyCreditsOldestFirst(charges: readonly ChargeTarget[], credits: readonly CreditSource[]): CreditApplication[] {
  const targets = [
    ...sortOldestFirst(charges.filter((charge) => charge.itemType === 'invoice')),
    ...sortOldestFirst(charges.filter((charge) => charge.itemType === 'debit')),
  ].map((charge) => {
    assertNonNegative(charge.amountCents, `amount of ${charge.number}`);
    return { charge, room: charge.amountCents };
  });
  const applications: CreditApplication[] = [];
  let target = 0;
  for (const credit of sortOldestFirst(credits)) {
    assertNonNegative(credit.amountCents, `amount of credit ${credit.number}`);
    let left = credit.amountCents;
    while (left > 0) {
      while (target < targets.length && targets[target]!.room === 0) target += 1;
      const slot = targets[target];
      if (!slot) throw new MoneyError('credits exceed the charges they are applied to');
      const take = Math.min(left, slot.room);
      applications.push({ creditId: credit.id, chargeType: slot.charge.itemType, chargeId: slot.charge.id, amountCents: take });
      slot.room -= take;
      left -= take;
    }
  }
  return applications;
}

/** Natural order: digit runs compare as numbers, everything else by code unit. */
export function compareNatural(a: string, b: string): number {
  const chunksA = a.match(/\d+|\D+/g) ?? [];
  const chunksB = b.match(/\d+|\D+/g) ?? [];
  const length = Math.min(chunksA.length, chunksB.length);
  for (let i = 0; i < length; i += 1) {
    const x = chunksA[i]!;
    const y = chunksB[i]!;
    if (x === y) continue;
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    if (xDigits && yDigits) {
      const xTrim = x.replace(/^0+(?=\d)/, '');
      const yTrim = y.replace(/^0+(?=\d)/, '');
      if (xTrim.length !== yTrim.length) return xTrim.length - yTrim.length;
      if (xTrim !== yTrim) return compareCodeUnits(xTrim, yTrim);
      // Equal values with different zero padding ("007" vs "7"): fall through to code units.
    }
    return compareCodeUnits(x, y);
  }
  return chunksA.length - chunksB.length;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNonNegative(value: Cents, what: string): void {
  assertCents(value, what);
  if (value < 0) throw new MoneyError(`${what} must not be negative, got ${value}`);
}
