import fc from 'fast-check';
import { allocateReversal, heldCents, validateItemRefund, type ReversibleApplication, type ReversalItemType } from './reversal-allocation';
import { Refusal } from './refusal';

/**
 * Reversal allocation over generated payments: the cents of a partial amount add up exactly,
 * land only on invoices and debits, never above what an application still holds, and each
 * within one cent of its exact proportional share; the payment's whole remaining amount
 * undoes everything; the split does not depend on the order applications are listed in.
 */
const SEED = 20261115;

interface Payment {
  applications: ReversibleApplication[];
  feeCents: number;
  /** Money still held: positive items − credits − discount + fee, less what was taken back. */
  remainingCents: number;
}

const arbAmount = fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 90_000_000 }));

const arbPayment: fc.Arbitrary<Payment> = fc.record({
  charges: fc.array(fc.record({ type: fc.constantFrom<ReversalItemType>('invoice', 'invoice', 'debit'), amount: arbAmount, reversedShare: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 8 }),
  offsets: fc.array(fc.record({ type: fc.constantFrom<ReversalItemType>('credit', 'discount'), share: fc.integer({ min: 1, max: 40 }) }), { maxLength: 3 }),
  fee: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
  firstId: fc.integer({ min: 1, max: 1_000_000 }),
}).map(({ charges, offsets, fee, firstId }) => {
  const charged = charges.reduce((sum, c) => sum + c.amount, 0);
  const offsetAmounts = offsets.map((o) => ({ type: o.type, amount: Math.max(1, Math.floor((charged * o.share) / (100 * (offsets.length + 1)))) }));
  // Earlier partial reversals gave back some of the charges; credits and discount are untouched until the full path.
  const applications: ReversibleApplication[] = [
    ...charges.map((c) => ({ type: c.type, amount: c.amount, reversed: Math.floor((c.amount * c.reversedShare) / 200) })),
    ...offsetAmounts.map((o) => ({ ...o, reversed: 0 })),
  ].map((a, index) => ({ id: firstId + index * 7, itemType: a.type, amountCents: a.amount, reversedCents: a.reversed, label: `${a.type} #${index}` }));
  const signed = applications.reduce((sum, a) => sum + (a.itemType === 'invoice' || a.itemType === 'debit' ? heldCents(a) : -heldCents(a)), 0);
  return { applications, feeCents: fee, remainingCents: signed + fee };
}).filter((payment) => payment.remainingCents > 1);

function permute<T>(list: readonly T[], seed: number): T[] {
  return list.map((value, i) => ({ value, key: (i * 2654435761 + seed) % 4294967291 })).sort((a, b) => a.key - b.key).map((entry) => entry.value);
}

const positiveHeld = (payment: Payment) => payment.applications.filter((a) => a.itemType === 'invoice' || a.itemType === 'debit').reduce((sum, a) => sum + heldCents(a), 0);

describe('reversal allocation properties', () => {
  it('spreads a partial amount exactly over invoices and debits, within what each holds and one cent of its share', () => {
    fc.assert(
      fc.property(arbPayment, fc.double({ min: 0, max: 1, noNaN: true }), (payment, fraction) => {
        const amount = Math.max(1, Math.min(payment.remainingCents - 1, Math.floor(payment.remainingCents * fraction)));
        const result = allocateReversal(payment.applications, amount, payment.remainingCents);
        if (result.kind !== 'partial') return false;
        const byId = new Map(payment.applications.map((a) => [a.id, a]));
        const placed = result.items.reduce((sum, item) => sum + item.amountCents, 0);
        const pool = positiveHeld(payment);
        const shareOk = result.items.every((item) => {
          const held = heldCents(byId.get(item.applicationId)!);
          return amount >= pool ? item.amountCents === held : Math.abs(item.amountCents - (amount * held) / pool) < 1;
        });
        return placed + result.unallocatedCents === amount
          && result.unallocatedCents === Math.max(0, amount - pool)
          && result.items.every((item) => Number.isSafeInteger(item.amountCents) && item.amountCents > 0 && item.amountCents <= heldCents(byId.get(item.applicationId)!))
          && result.items.every((item) => item.itemType === 'invoice' || item.itemType === 'debit')
          && shareOk;
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('gives the same split whatever order the applications are listed in', () => {
    fc.assert(
      fc.property(arbPayment, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (payment, seed, fraction) => {
        const amount = Math.max(1, Math.floor(payment.remainingCents * fraction));
        const flat = (applications: ReversibleApplication[]) => JSON.stringify(allocateReversal(applications, amount, payment.remainingCents));
        return flat(payment.applications) === flat(permute(payment.applications, seed));
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  it('undoes everything still held, credits and discount included, for the whole remaining amount', () => {
    fc.assert(
      fc.property(arbPayment, (payment) => {
        const result = allocateReversal(payment.applications, payment.remainingCents, payment.remainingCents);
        const expected = payment.applications.filter((a) => heldCents(a) > 0).map((a) => [a.id, heldCents(a)]).sort((x, y) => x[0]! - y[0]!);
        const signed = result.items.reduce((sum, item) => sum + (item.itemType === 'invoice' || item.itemType === 'debit' ? item.amountCents : -item.amountCents), 0);
        return result.kind === 'full'
          && JSON.stringify(result.items.map((item) => [item.applicationId, item.amountCents])) === JSON.stringify(expected)
          // What the lines undo is the money less the fee, which reopens nothing.
          && signed === payment.remainingCents - payment.feeCents;
      }),
      { seed: SEED + 2, numRuns: 300 },
    );
  });

  it('refuses more than the payment still holds, and amounts that are not positive whole cents', () => {
    fc.assert(
      fc.property(arbPayment, fc.integer({ min: 1, max: 1_000 }), (payment, over) => {
        const refusedWith = (amount: number) => {
          try {
            allocateReversal(payment.applications, amount, payment.remainingCents);
            return null;
          } catch (error) {
            return error instanceof Refusal ? error.code : 'thrown';
          }
        };
        return refusedWith(payment.remainingCents + over) === 'amount_exceeds_payment' && refusedWith(0) === 'invalid_amount' && refusedWith(-over) === 'invalid_amount' && refusedWith(1.5) === 'invalid_amount';
      }),
      { seed: SEED + 3, numRuns: 100 },
    );
  });
});

describe('reversal allocation examples', () => {
  const apps: ReversibleApplication[] = [
    { id: 1, itemType: 'invoice', amountCents: 10_000, reversedCents: 0, label: 'Invoice INV-1' },
    { id: 2, itemType: 'invoice', amountCents: 5_000, reversedCents: 0, label: 'Invoice INV-2' },
    { id: 3, itemType: 'debit', amountCents: 2_000, reversedCents: 0, label: 'Debit DM-1' },
    { id: 4, itemType: 'credit', amountCents: 1_500, reversedCents: 0, label: 'Credit CM-1' },
    { id: 5, itemType: 'discount', amountCents: 300, reversedCents: 0, label: 'Discount of statement ST-1' },
  ];

  it('splits 100 cents over 3 equal holdings as 34, 33, 33 (the tie goes to the earlier application)', () => {
    const equal = [1, 2, 3].map((id) => ({ id, itemType: 'invoice' as const, amountCents: 999, reversedCents: 0, label: `Invoice ${id}` }));
    expect(allocateReversal(equal, 100, 2_997)).toEqual({ kind: 'partial', unallocatedCents: 0, items: [
      { applicationId: 1, itemType: 'invoice', amountCents: 34 }, { applicationId: 2, itemType: 'invoice', amountCents: 33 }, { applicationId: 3, itemType: 'invoice', amountCents: 33 },
    ] });
  });

  it('allocates a partial amount by what each invoice and debit still holds', () => {
    expect(allocateReversal(apps, 3_400, 15_200)).toEqual({ kind: 'partial', unallocatedCents: 0, items: [
      { applicationId: 1, itemType: 'invoice', amountCents: 2_000 }, { applicationId: 2, itemType: 'invoice', amountCents: 1_000 }, { applicationId: 3, itemType: 'debit', amountCents: 400 },
    ] });
    expect(allocateReversal(apps, 15_200, 15_200).kind).toBe('full');
  });

  it('names each item it refuses to refund, and accepts a valid request', () => {
    const held = apps.map((a) => (a.id === 2 ? { ...a, reversedCents: 5_000 } : a));
    expect(validateItemRefund(held, [
      { applicationId: 1, amountCents: 10_001 }, { applicationId: 2, amountCents: 1 }, { applicationId: 4, amountCents: 100 },
      { applicationId: 3, amountCents: 0 }, { applicationId: 99, amountCents: 5 }, { applicationId: 1, amountCents: 5 },
    ])).toEqual([
      'Invoice INV-1 has $100.00 left to refund; $100.01 is more than that.',
      'Invoice INV-2 has already been given back in full.',
      'Credit CM-1 was not paid with money, so it cannot be refunded by item.',
      'Debit DM-1: the refund must be a positive whole number of cents.',
      'Item 99 is not part of this payment.',
      'Invoice INV-1 is listed more than once.',
    ]);
    expect(validateItemRefund(apps, [])).toEqual(['Choose at least one item to refund.']);
    expect(validateItemRefund(held, [{ applicationId: 1, amountCents: 10_000 }, { applicationId: 3, amountCents: 2_000 }])).toEqual([]);
  });
});
