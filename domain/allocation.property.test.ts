import fc from 'fast-check';
import { allocateOldestFirst, applyCreditsOldestFirst, type ChargeTarget, type CreditSource } from './allocation';
import { MoneyError } from './money';

/**
 * Allocation properties beyond allocation.test.ts: the same money lands on the same items
 * whatever order they arrive in; nothing is ever placed above an item's open balance or
 * below zero; invoices take credit before any debit does.
 */
const SEED = 20261111;
const DUE = ['2026-01-01', '2026-03-15', '2026-06-01'] as const;

const arbKeyed = fc.record({
  id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
  number: fc.stringMatching(/^(INV|DM|CM)-0?\d{1,4}$/),
  dueDate: fc.option(fc.constantFrom(...DUE), { nil: null }),
});
const arbOpen = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5_000_000 }));
const arbCapacities = fc.uniqueArray(fc.record({ key: arbKeyed, capacityCents: arbOpen }).map(({ key, capacityCents }) => ({ ...key, capacityCents })), { selector: (item) => item.id, maxLength: 15 });
const arbCharges = fc.uniqueArray(
  fc.record({ key: arbKeyed, itemType: fc.constantFrom<'invoice' | 'debit'>('invoice', 'debit'), amountCents: arbOpen }).map(({ key, itemType, amountCents }): ChargeTarget => ({ ...key, itemType, amountCents })),
  { selector: (charge) => charge.id, maxLength: 12 },
);
const arbCredits = fc.uniqueArray(fc.record({ key: arbKeyed, amountCents: arbOpen }).map(({ key, amountCents }): CreditSource => ({ ...key, amountCents })), { selector: (credit) => credit.id, maxLength: 6 });

function permute<T>(list: readonly T[], seed: number): T[] {
  return list.map((value, i) => ({ value, key: (i * 2654435761 + seed) % 4294967291 })).sort((a, b) => a.key - b.key).map((entry) => entry.value);
}

describe('allocation properties', () => {
  it('places the same amount on the same items whatever order they arrive in, within each open balance', () => {
    fc.assert(
      fc.property(arbCapacities, fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 80_000_000 })), fc.nat(), (items, amount, seed) => {
        const first = allocateOldestFirst(items, amount);
        const shuffled = allocateOldestFirst(permute(items, seed), amount);
        const flat = (result: typeof first) => JSON.stringify([result.allocations.map((a) => [a.item.id, a.amountCents]), result.unallocatedCents]);
        if (flat(first) !== flat(shuffled)) return false;
        const placed = first.allocations.reduce((total, a) => total + a.amountCents, 0);
        return placed + first.unallocatedCents === amount && first.unallocatedCents >= 0
          && first.allocations.every((a) => Number.isSafeInteger(a.amountCents) && a.amountCents > 0 && a.amountCents <= a.item.capacityCents)
          && new Set(first.allocations.map((a) => a.item.id)).size === first.allocations.length;
      }),
      { numRuns: 10_000, seed: SEED },
    );
  });

  it('applies credits the same way whatever order charges and credits arrive in, and never to a debit while an invoice has room', () => {
    fc.assert(
      fc.property(arbCharges, arbCredits, fc.nat(), (charges, credits, seed) => {
        const chargeTotal = charges.reduce((t, c) => t + c.amountCents, 0);
        const creditTotal = credits.reduce((t, c) => t + c.amountCents, 0);
        if (creditTotal > chargeTotal) {
          try {
            applyCreditsOldestFirst(charges, credits);
            return false;
          } catch (error) {
            return error instanceof MoneyError;
          }
        }
        const first = applyCreditsOldestFirst(charges, credits);
        const shuffled = applyCreditsOldestFirst(permute(charges, seed), permute(credits, seed + 3));
        if (JSON.stringify(first) !== JSON.stringify(shuffled)) return false;
        const invoiceRoom = charges.filter((c) => c.itemType === 'invoice').reduce((t, c) => t + c.amountCents, 0);
        const toDebits = first.filter((a) => a.chargeType === 'debit').reduce((t, a) => t + a.amountCents, 0);
        // Debits receive only what the invoices could not take.
        return toDebits === Math.max(0, creditTotal - invoiceRoom)
          && first.every((a) => Number.isSafeInteger(a.amountCents) && a.amountCents > 0)
          && first.reduce((t, a) => t + a.amountCents, 0) === creditTotal;
      }),
      { numRuns: 10_000, seed: SEED + 1 },
    );
  });

  it('refuses a negative or fractional amount or balance instead of placing it', () => {
    fc.assert(
      fc.property(arbCapacities.filter((items) => items.length > 0), fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true, noNaN: true })), fc.nat(), (items, bad, index) => {
        const poisoned = items.map((item, i) => (i === index % items.length ? { ...item, capacityCents: bad } : item));
        const refused = (attempt: () => unknown) => {
          try {
            attempt();
            return false;
          } catch (error) {
            return error instanceof MoneyError;
          }
        };
        // Capacity is checked as allocation reaches each item, so give it enough to reach all of them.
        const total = items.reduce((t, item) => t + item.capacityCents, 0) + 1;
        return refused(() => allocateOldestFirst(items, bad)) && refused(() => allocateOldestFirst(poisoned, total));
      }),
      { numRuns: 5_000, seed: SEED + 2 },
    );
  });
});
