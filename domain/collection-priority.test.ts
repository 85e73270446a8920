import fc from 'fast-check';
import {
  bandFor, collectionPriority, DEFAULT_REFERENCE_BALANCE_CENTS, halfStepsLog2,
  type PriorityAging, type PriorityInput,
} from './collection-priority';

/** The dealer's typical (median) balance in these profiles: $8,000. */
const TYPICAL = 800_000;

interface Profile {
  outstanding: number;
  /** Share of the outstanding balance in 1–30, 31–60, 61–90, 91+ (the rest is current). */
  shares?: [number, number, number, number];
  days?: number;
  pastDueInvoices?: number;
  status?: 'active' | 'inactive';
  creditLimit?: number | null;
  credits?: number;
}

function input(profile: Profile): PriorityInput {
  const [a, b, c, d] = (profile.shares ?? [0, 0, 0, 0]).map((share) => Math.round(profile.outstanding * share)) as [number, number, number, number];
  const aging: PriorityAging = {
    outstandingCents: profile.outstanding,
    pastDueCents: a + b + c + d,
    aging1To30Cents: a,
    aging31To60Cents: b,
    aging61To90Cents: c,
    aging91PlusCents: d,
    pastDueInvoiceCount: profile.pastDueInvoices ?? 0,
    weightedDaysOverdueX100: (profile.days ?? 0) * 100,
    debitAdjustmentsCents: 0,
    creditAdjustmentsCents: profile.credits ?? 0,
  };
  return { aging, accountStatus: profile.status ?? 'active', creditLimitCents: profile.creditLimit ?? null, referenceBalanceCents: TYPICAL };
}

const score = (profile: Profile) => collectionPriority(input(profile)).score;

const profiles = {
  paidUp: { outstanding: 0 },
  smallCurrent: { outstanding: 200_000 },
  typicalCurrent: { outstanding: 800_000 },
  hugeCurrent: { outstanding: 50_000_000 },
  typicalSlightlyLate: { outstanding: 800_000, shares: [1, 0, 0, 0], days: 15, pastDueInvoices: 2 },
  largeSlightlyLate: { outstanding: 6_400_000, shares: [1, 0, 0, 0], days: 12, pastDueInvoices: 4 },
  hugeSlightlyLate: { outstanding: 50_000_000, shares: [1, 0, 0, 0], days: 15, pastDueInvoices: 6 },
  largeMostlyCurrentSomeVeryLate: { outstanding: 6_400_000, shares: [0, 0, 0, 0.1], days: 100, pastDueInvoices: 1 },
  smallVeryLate: { outstanding: 80_000, shares: [0, 0, 0, 1], days: 120, pastDueInvoices: 1 },
  typicalMixed: { outstanding: 800_000, shares: [0, 0.3, 0.2, 0], days: 57, pastDueInvoices: 3 },
  typical61To90: { outstanding: 800_000, shares: [0, 0, 1, 0], days: 75, pastDueInvoices: 2 },
  typicalVeryLate: { outstanding: 800_000, shares: [0, 0, 0, 1], days: 120, pastDueInvoices: 3 },
  largeVeryLate: { outstanding: 6_400_000, shares: [0, 0, 0.2, 0.6], days: 110, pastDueInvoices: 5 },
  inactiveVeryLate: { outstanding: 800_000, shares: [0, 0, 0, 1], days: 120, pastDueInvoices: 3, status: 'inactive' },
  trivialVeryLate: { outstanding: 5_000, shares: [0, 0, 0, 1], days: 200, pastDueInvoices: 1 },
} satisfies Record<string, Profile>;

describe('Collection Priority of realistic accounts', () => {
  it('scores the documented examples exactly (docs/collection-priority.md)', () => {
    expect(Object.fromEntries(Object.entries(profiles).map(([name, profile]) => [name, score(profile)]))).toEqual({
      paidUp: 0,
      smallCurrent: 0,
      typicalCurrent: 1,
      hugeCurrent: 1,
      typicalSlightlyLate: 3,
      largeSlightlyLate: 4,
      hugeSlightlyLate: 5,
      largeMostlyCurrentSomeVeryLate: 5,
      smallVeryLate: 7,
      typicalMixed: 6,
      typical61To90: 7,
      typicalVeryLate: 8,
      largeVeryLate: 9,
      inactiveVeryLate: 9,
      trivialVeryLate: 5,
    });
  });

  it('ranks a small very late account above a huge slightly late one, and both as needing attention', () => {
    const small = score(profiles.smallVeryLate);
    const huge = score(profiles.hugeSlightlyLate);
    expect(small).toBeGreaterThan(huge);
    expect(huge).toBeGreaterThanOrEqual(5);
    expect(small).toBeLessThan(8); // very late but small: watch closely, not the first call of the day
  });

  it('orders profiles the way a collector would work them', () => {
    const ordered = [
      profiles.paidUp,
      profiles.typicalCurrent,
      profiles.typicalSlightlyLate,
      profiles.largeSlightlyLate,
      profiles.hugeSlightlyLate,
      profiles.typicalMixed,
      profiles.smallVeryLate,
      profiles.typicalVeryLate,
      profiles.largeVeryLate,
    ].map((profile) => collectionPriority(input(profile)).totalTenths);
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    expect(new Set(ordered).size).toBe(ordered.length);
  });

  it('lets size break ties between equally late accounts', () => {
    expect(score(profiles.largeVeryLate)).toBeGreaterThan(score(profiles.smallVeryLate));
    expect(score(profiles.hugeSlightlyLate)).toBeGreaterThan(score(profiles.typicalSlightlyLate));
  });

  it('keeps trivial amounts out of "act now" however old they are', () => {
    const result = collectionPriority(input(profiles.trivialVeryLate));
    expect(result.score).toBe(5);
    const cap = result.components.find((component) => component.key === 'small_amount_cap')!;
    expect(cap.tenths).toBeLessThan(0);
    expect(cap.label).toBe('Only $50.00 past due (under $500.00): held at 5');
  });

  it('raises the score for an account over its credit limit and for an inactive account still owing', () => {
    const base = score(profiles.typicalMixed);
    expect(score({ ...profiles.typicalMixed, creditLimit: 700_000 })).toBeGreaterThan(base);
    const total = (profile: Profile) => collectionPriority(input(profile)).totalTenths;
    expect(total({ ...profiles.typicalMixed, creditLimit: 600_000 })).toBeGreaterThan(total({ ...profiles.typicalMixed, creditLimit: 700_000 }));
    expect(score({ ...profiles.typicalMixed, status: 'inactive' })).toBeGreaterThan(base);
    expect(score({ ...profiles.paidUp, status: 'inactive' })).toBe(0);
  });

  it('counts open credits against the balance and the credit limit', () => {
    const overLimit = { ...profiles.typicalCurrent, creditLimit: 500_000 };
    const limitComponent = (profile: Profile) => collectionPriority(input(profile)).components.find((c) => c.key === 'credit_limit')!;
    expect(limitComponent(overLimit)).toMatchObject({ tenths: 10, label: '160% of $5,000.00 limit' });
    expect(limitComponent({ ...overLimit, credits: 400_000 })).toMatchObject({ tenths: 0, label: 'Within $5,000.00 limit' });
  });

  it('explains itself with one labelled component per input', () => {
    const result = collectionPriority(input(profiles.typicalMixed));
    expect(result.band).toBe('watch');
    expect(result.components.map((component) => [component.key, component.tenths, component.label])).toEqual([
      ['aging_mix', 38, '50% past due, 20% over 60 days'],
      ['days_overdue', 9, 'Late money averages 57.0 days overdue'],
      ['past_due_amount', 8, '$4,000.00 past due (0.5× typical balance)'],
      ['balance', 5, 'Owes $8,000.00 (1.0× typical balance)'],
      ['past_due_invoices', 2, '3 invoices past due'],
      ['credit_limit', 0, 'No credit limit'],
      ['inactive', 0, 'Active account'],
      ['lien_deadline', 0, 'No lien deadline within 30 days'],
      ['small_amount_cap', 0, 'Not capped'],
    ]);
  });

  it('raises an account whose job still owed money has its lien-filing deadline near, by a fixed step', () => {
    const base = collectionPriority(input(profiles.typicalMixed));
    const at = (days: number | null) => collectionPriority({ ...input(profiles.typicalMixed), lienFilingDaysLeft: days });
    const lien = (days: number | null) => at(days).components.find((component) => component.key === 'lien_deadline')!;
    expect(lien(10)).toEqual({ key: 'lien_deadline', tenths: 15, maxTenths: 15, label: 'Lien filing due in 10 days on a job still owed money' });
    expect(lien(0).tenths).toBe(15);
    expect(lien(11).tenths).toBe(5);
    expect(lien(30).tenths).toBe(5);
    expect(lien(31).tenths).toBe(0);
    expect(lien(-1).tenths).toBe(0);
    expect(lien(null).tenths).toBe(0);
    expect(at(5).totalTenths).toBe(base.totalTenths + 15);
    expect(at(5).score).toBeGreaterThan(base.score);
  });

  it('falls back to a default reference while the dealer has no typical balance', () => {
    const withoutReference = collectionPriority({ ...input(profiles.typicalSlightlyLate), referenceBalanceCents: null });
    const withDefault = collectionPriority({ ...input(profiles.typicalSlightlyLate), referenceBalanceCents: DEFAULT_REFERENCE_BALANCE_CENTS });
    expect(withoutReference).toEqual(withDefault);
  });
});

describe('Collection Priority invariants', () => {
  const cents = fc.integer({ min: 0, max: 5_000_000_000 });
  const anyInput = fc
    .record({
      current: cents, a: cents, b: cents, c: cents, d: cents,
      days: fc.integer({ min: 0, max: 200_000 }),
      count: fc.integer({ min: 0, max: 500 }),
      debits: cents, credits: cents,
      inactive: fc.boolean(),
      limit: fc.option(cents, { nil: null }),
      reference: fc.option(fc.integer({ min: -5, max: 50_000_000 }), { nil: null }),
    })
    .map((r): PriorityInput => ({
      aging: {
        outstandingCents: r.current + r.a + r.b + r.c + r.d,
        pastDueCents: r.a + r.b + r.c + r.d,
        aging1To30Cents: r.a, aging31To60Cents: r.b, aging61To90Cents: r.c, aging91PlusCents: r.d,
        pastDueInvoiceCount: r.a + r.b + r.c + r.d > 0 ? Math.max(1, r.count) : 0,
        weightedDaysOverdueX100: r.a + r.b + r.c + r.d > 0 ? r.days : 0,
        debitAdjustmentsCents: r.debits, creditAdjustmentsCents: r.credits,
      },
      accountStatus: r.inactive ? 'inactive' : 'active',
      creditLimitCents: r.limit,
      referenceBalanceCents: r.reference,
    }));

  it('stays within 0..10, its components sum to the total, and the score is the rounded, capped total', () => {
    fc.assert(fc.property(anyInput, (priorityInput) => {
      const result = collectionPriority(priorityInput);
      expect(Number.isInteger(result.score)).toBe(true);
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(10);
      expect(result.components.reduce((total, component) => total + component.tenths, 0)).toBe(result.totalTenths);
      expect(result.score).toBe(Math.min(10, Math.floor((result.totalTenths + 5) / 10)));
      expect(result.band).toBe(bandFor(result.score));
      for (const component of result.components) {
        expect(Number.isInteger(component.tenths)).toBe(true);
        if (component.key === 'small_amount_cap') expect(component.tenths).toBeLessThanOrEqual(0);
        else expect(component.tenths).toBeGreaterThanOrEqual(0);
        expect(component.tenths).toBeLessThanOrEqual(component.maxTenths);
      }
    }), { numRuns: 500 });
  });

  it('is deterministic', () => {
    fc.assert(fc.property(anyInput, (priorityInput) => {
      expect(collectionPriority(priorityInput)).toEqual(collectionPriority(structuredClone(priorityInput)));
    }), { numRuns: 100 });
  });

  it('never drops when money ages into an older bucket', () => {
    fc.assert(fc.property(anyInput, fc.integer({ min: 0, max: 2 }), (priorityInput, from) => {
      const keys = ['aging1To30Cents', 'aging31To60Cents', 'aging61To90Cents', 'aging91PlusCents'] as const;
      const older = { ...priorityInput.aging };
      older[keys[from + 1]!] += older[keys[from]!];
      older[keys[from]!] = 0;
      const before = collectionPriority(priorityInput);
      const after = collectionPriority({ ...priorityInput, aging: older });
      expect(after.score).toBeGreaterThanOrEqual(before.score);
    }), { numRuns: 500 });
  });

  it('computes half-step logarithms exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e15 }), fc.integer({ min: 1, max: 1e12 }), (value, reference) => {
      const k = halfStepsLog2(value, reference);
      const v2 = BigInt(value) ** 2n;
      const r2 = BigInt(reference) ** 2n;
      const scaled = (steps: number) => (steps >= 0 ? r2 << BigInt(steps) : r2 >> BigInt(-steps));
      // r²·2^k ≤ v² < r²·2^(k+1), compared without division
      if (k >= 0) {
        expect(scaled(k) <= v2).toBe(true);
        expect(v2 < scaled(k + 1)).toBe(true);
      } else {
        expect(r2 <= v2 << BigInt(-k)).toBe(true);
        expect(k + 1 > 0 ? v2 < r2 << BigInt(k + 1) : v2 << BigInt(-(k + 1)) < r2).toBe(true);
      }
    }));
    expect(halfStepsLog2(800_000, 800_000)).toBe(0);
    expect(halfStepsLog2(1_600_000, 800_000)).toBe(2);
    expect(halfStepsLog2(400_000, 800_000)).toBe(-2);
    expect(halfStepsLog2(80_000, 800_000)).toBe(-7);
  });
});
