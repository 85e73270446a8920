import fc from 'fast-check';
import { allocateOldestFirst, applyCreditsOldestFirst, compareNatural, compareOldestFirst, sortOldestFirst, type ChargeTarget } from './allocation';
import { MoneyError } from './money';

const key = (id: string, number: string, dueDate: string | null) => ({ id, number, dueDate });

describe('oldest-first order', () => {
  it('orders by due date, undated last, then natural number, then id', () => {
    const sorted = sortOldestFirst([
      key('e', 'INV-100', null),
      key('a', 'INV-100', '2026-10-01'),
      key('b', 'INV-99', '2026-10-01'),
      key('c', 'INV-5', '2026-09-15'),
      key('d', 'INV-100', '2026-10-01'),
      key('f', 'DM-1', null),
    ]);
    expect(sorted.map((item) => item.id)).toEqual(['c', 'b', 'a', 'd', 'f', 'e']);
  });

  it('compares numbers inside document numbers by value', () => {
    expect(compareNatural('INV-99', 'INV-100')).toBeLessThan(0);
    expect(compareNatural('INV-100', 'INV-99')).toBeGreaterThan(0);
    expect(compareNatural('10002', '9999')).toBeGreaterThan(0);
    expect(compareNatural('A-2-10', 'A-2-9')).toBeGreaterThan(0);
    expect(compareNatural('INV-007', 'INV-8')).toBeLessThan(0);
    expect(compareNatural('INV-007', 'INV-7')).not.toBe(0); // distinct strings never tie
    expect(compareNatural('INV', 'INV-1')).toBeLessThan(0);
    expect(compareNatural('abc', 'abc')).toBe(0);
    expect(compareNatural('', 'a')).toBeLessThan(0);
  });

  it('leaves its input untouched', () => {
    const input = [key('b', '2', null), key('a', '1', null)];
    sortOldestFirst(input);
    expect(input.map((item) => item.id)).toEqual(['b', 'a']);
  });

  it('gives the same order whatever order items arrive in (a total order)', () => {
    const arbKey = fc.record({
      id: fc.string({ maxLength: 3 }),
      number: fc.stringMatching(/^[A-Z]{0,2}-?0?\d{0,4}$/),
      dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-02-01', '2026-03-01'), { nil: null }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbKey, { selector: (k) => k.id, maxLength: 12 }), fc.nat(), (items, seed) => {
        const shuffled = [...items].sort((a, b) => ((hash(a.id + seed) - hash(b.id + seed)) || (a.id < b.id ? -1 : 1)));
        const once = sortOldestFirst(items).map((item) => item.id);
        const twice = sortOldestFirst(shuffled).map((item) => item.id);
        for (let i = 1; i < once.length; i += 1) {
          const prev = items.find((item) => item.id === once[i - 1])!;
          const next = items.find((item) => item.id === once[i])!;
          if (compareOldestFirst(prev, next) >= 0 || compareOldestFirst(next, prev) <= 0) return false;
        }
        return JSON.stringify(once) === JSON.stringify(twice);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('allocateOldestFirst', () => {
  const items = [
    { ...key('i2', 'INV-2', '2026-10-15'), capacityCents: 5_000 },
    { ...key('i1', 'INV-1', '2026-10-01'), capacityCents: 3_000 },
    { ...key('d1', 'DM-1', null), capacityCents: 1_000 },
    { ...key('i0', 'INV-0', '2026-09-01'), capacityCents: 0 },
  ];

  it('fills the oldest item first and leaves the next one partly paid', () => {
    const { allocations, unallocatedCents } = allocateOldestFirst(items, 4_000);
    expect(allocations.map((a) => [a.item.id, a.amountCents])).toEqual([['i1', 3_000], ['i2', 1_000]]);
    expect(unallocatedCents).toBe(0);
  });

  it('reports what could not be placed', () => {
    const { allocations, unallocatedCents } = allocateOldestFirst(items, 10_000);
    expect(allocations.map((a) => [a.item.id, a.amountCents])).toEqual([['i1', 3_000], ['i2', 5_000], ['d1', 1_000]]);
    expect(unallocatedCents).toBe(1_000);
  });

  it('allocates nothing for zero and refuses negative or fractional amounts', () => {
    expect(allocateOldestFirst(items, 0)).toEqual({ allocations: [], unallocatedCents: 0 });
    expect(() => allocateOldestFirst(items, -1)).toThrow(MoneyError);
    expect(() => allocateOldestFirst(items, 1.5)).toThrow(MoneyError);
    expect(() => allocateOldestFirst([{ ...key('x', 'X', null), capacityCents: -5 }], 10)).toThrow(MoneyError);
  });

  it('conserves the amount and never exceeds a capacity', () => {
    const arbItems = fc.uniqueArray(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), number: fc.string({ maxLength: 4 }), dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-06-01'), { nil: null }), capacityCents: fc.nat({ max: 50_000 }) }),
      { selector: (item) => item.id, maxLength: 10 },
    );
    fc.assert(
      fc.property(arbItems, fc.nat({ max: 300_000 }), (list, amount) => {
        const { allocations, unallocatedCents } = allocateOldestFirst(list, amount);
        const placed = allocations.reduce((total, a) => total + a.amountCents, 0);
        const capacity = list.reduce((total, item) => total + item.capacityCents, 0);
        if (placed + unallocatedCents !== amount) return false;
        if (unallocatedCents !== Math.max(0, amount - capacity)) return false;
        // Only the last allocation may be partial, and every earlier item is filled.
        return allocations.every((a, i) => a.amountCents > 0 && a.amountCents <= a.item.capacityCents && (i === allocations.length - 1 || a.amountCents === a.item.capacityCents));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('applyCreditsOldestFirst', () => {
  const charge = (itemType: 'invoice' | 'debit', id: string, number: string, dueDate: string | null, amountCents: number): ChargeTarget => ({ itemType, id, number, dueDate, amountCents });

  it('applies credits to invoices oldest-first, splitting a credit across invoices', () => {
    const applications = applyCreditsOldestFirst(
      [charge('invoice', 'i2', 'INV-2', '2026-10-15', 5_000), charge('invoice', 'i1', 'INV-1', '2026-10-01', 3_000)],
      [{ id: 'c1', number: 'CM-1', dueDate: null, amountCents: 4_000 }],
    );
    expect(applications).toEqual([
      { creditId: 'c1', chargeType: 'invoice', chargeId: 'i1', amountCents: 3_000 },
      { creditId: 'c1', chargeType: 'invoice', chargeId: 'i2', amountCents: 1_000 },
    ]);
  });

  it('uses invoices before debit adjustments, even older debits', () => {
    const applications = applyCreditsOldestFirst(
      [charge('debit', 'd1', 'DM-1', '2026-01-01', 2_000), charge('invoice', 'i1', 'INV-1', '2026-10-01', 1_000)],
      [{ id: 'c2', number: 'CM-2', dueDate: '2026-02-01', amountCents: 500 }, { id: 'c1', number: 'CM-1', dueDate: '2026-01-01', amountCents: 1_000 }],
    );
    expect(applications).toEqual([
      { creditId: 'c1', chargeType: 'invoice', chargeId: 'i1', amountCents: 1_000 },
      { creditId: 'c2', chargeType: 'debit', chargeId: 'd1', amountCents: 500 },
    ]);
  });

  it('refuses credits larger than the charges', () => {
    expect(() => applyCreditsOldestFirst([charge('invoice', 'i1', 'INV-1', null, 100)], [{ id: 'c', number: 'CM', dueDate: null, amountCents: 101 }])).toThrow(MoneyError);
    expect(applyCreditsOldestFirst([charge('invoice', 'i1', 'INV-1', null, 100)], [{ id: 'c', number: 'CM', dueDate: null, amountCents: 100 }])).toHaveLength(1);
    expect(applyCreditsOldestFirst([], [])).toEqual([]);
  });

  it('applies every credit cent exactly once and no charge takes more than its amount', () => {
    const arbCharges = fc.uniqueArray(
      fc.record({ itemType: fc.constantFrom<'invoice' | 'debit'>('invoice', 'debit'), id: fc.string({ minLength: 1, maxLength: 4 }), number: fc.string({ maxLength: 3 }), dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-06-01'), { nil: null }), amountCents: fc.nat({ max: 20_000 }) }),
      { selector: (c) => c.id, maxLength: 8 },
    );
    const arbCredits = fc.uniqueArray(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), number: fc.string({ maxLength: 3 }), dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-06-01'), { nil: null }), amountCents: fc.nat({ max: 20_000 }) }),
      { selector: (c) => c.id, maxLength: 5 },
    );
    fc.assert(
      fc.property(arbCharges, arbCredits, (charges, credits) => {
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
        const applications = applyCreditsOldestFirst(charges, credits);
        const byCredit = new Map<string, number>();
        const byCharge = new Map<string, number>();
        for (const a of applications) {
          if (a.amountCents <= 0) return false;
          byCredit.set(a.creditId, (byCredit.get(a.creditId) ?? 0) + a.amountCents);
          byCharge.set(a.chargeId, (byCharge.get(a.chargeId) ?? 0) + a.amountCents);
        }
        return credits.every((c) => (byCredit.get(c.id) ?? 0) === c.amountCents)
          && charges.every((c) => (byCharge.get(c.id) ?? 0) <= c.amountCents);
      }),
      { numRuns: 10_000 },
    );
  });
});

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
