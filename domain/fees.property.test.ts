import fc from 'fast-check';
import { computeFees, surchargeCapCents, type CardFunding, type FeeInput, type FeeSchedule } from './fees';
import { MoneyError } from './money';

/**
 * Fee properties beyond fees.test.ts: rounding within half a cent of the exact rate, the same
 * answer every time, monotone in the amount, and every malformed input refused.
 */
const SEED = 20261109;

const arbSchedule: fc.Arbitrary<FeeSchedule> = fc.record({
  feePayer: fc.constantFrom<FeeSchedule['feePayer']>('dealer', 'customer'),
  achFeeCents: fc.integer({ min: 0, max: 5_000 }),
  cardCreditRateBps: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) }),
  cardDebitRateBps: fc.integer({ min: 0, max: 10_000 }),
  cardFlatFeeCents: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1_000 })),
  surchargeForbiddenStates: fc.subarray(['CT', 'MA', 'CO', 'ME', 'OK', 'PR']),
});
const arbBase = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2 ** 45 }));
const arbInput: fc.Arbitrary<FeeInput> = fc.record({
  method: fc.constantFrom<'ach' | 'card'>('ach', 'card'),
  cardFunding: fc.option(fc.constantFrom<CardFunding>('credit', 'debit', 'prepaid', 'unknown'), { nil: undefined }),
  billingState: fc.option(fc.constantFrom('CT', 'ma', ' TX ', 'NY', 'PR', ''), { nil: null }),
  baseCents: arbBase,
  schedule: arbSchedule,
});

/** |x·10000 − base·bps| in ten-thousandths of a cent. */
const roundingError = (cents: number, base: number, bps: number) => {
  const error = BigInt(cents) * 10_000n - BigInt(base) * BigInt(bps);
  return error < 0n ? -error : error;
};

describe('fee properties', () => {
  it('keeps the surcharge within half a cent of rate × base + flat, below the 3% cap, in whole cents', () => {
    const reasons = new Map<string, number>();
    fc.assert(
      fc.property(arbInput, (input) => {
        const fees = computeFees(input);
        reasons.set(fees.reason, (reasons.get(fees.reason) ?? 0) + 1);
        if (!Number.isSafeInteger(fees.customerFeeCents) || !Number.isSafeInteger(fees.processingCostCents)) return false;
        if (fees.customerFeeCents < 0 || fees.processingCostCents < 0) return false;
        const { schedule, baseCents } = input;
        if (fees.kind === 'card_surcharge') {
          const cap = surchargeCapCents(baseCents);
          if (fees.customerFeeCents > cap || BigInt(fees.customerFeeCents) * 10_000n > BigInt(baseCents) * 300n) return false;
          if (fees.reason === 'credit_surcharge' && roundingError(fees.customerFeeCents - schedule.cardFlatFeeCents, baseCents, schedule.cardCreditRateBps) > 5_000n) return false;
          if (fees.reason === 'credit_surcharge_capped' && fees.customerFeeCents !== cap) return false;
        }
        if (input.method === 'card' && baseCents > 0) {
          const rate = input.cardFunding === 'debit' || input.cardFunding === 'prepaid' ? schedule.cardDebitRateBps : schedule.cardCreditRateBps;
          if (roundingError(fees.processingCostCents - schedule.cardFlatFeeCents, baseCents + fees.customerFeeCents, rate) > 5_000n) return false;
        }
        if (input.method === 'ach' && baseCents > 0 && fees.processingCostCents !== schedule.achFeeCents) return false;
        if (baseCents === 0 && (fees.customerFeeCents !== 0 || fees.processingCostCents !== 0)) return false;
        return true;
      }),
      { numRuns: 15_000, seed: SEED },
    );
    // Every rule is exercised, the surcharges (capped and not) many times.
    expect(reasons.size).toBe(10);
    expect(Math.min(reasons.get('credit_surcharge') ?? 0, reasons.get('credit_surcharge_capped') ?? 0)).toBeGreaterThan(100);
  });

  it('gives the same answer every time, whatever the case or padding of the state codes', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const first = computeFees(input);
        const again = computeFees(structuredClone(input));
        const restated = computeFees({
          ...input,
          billingState: input.billingState ? ` ${input.billingState.toLowerCase()} ` : input.billingState,
          schedule: { ...input.schedule, surchargeForbiddenStates: [...input.schedule.surchargeForbiddenStates].reverse().map((s) => s.toLowerCase()) },
        });
        return JSON.stringify(first) === JSON.stringify(again)
          && first.customerFeeCents === restated.customerFeeCents && first.processingCostCents === restated.processingCostCents && first.reason === restated.reason;
      }),
      { numRuns: 5_000, seed: SEED + 1 },
    );
  });

  it('never charges less on a larger amount, nor more than the cap on a smaller one', () => {
    fc.assert(
      fc.property(arbInput, fc.integer({ min: 0, max: 1_000_000 }), (input, extra) => {
        const smaller = computeFees(input);
        const larger = computeFees({ ...input, baseCents: input.baseCents + extra });
        // The ACH flat fee starts at the first cent; from then on every fee grows with the amount.
        return input.baseCents === 0 || (larger.customerFeeCents >= smaller.customerFeeCents && larger.processingCostCents >= smaller.processingCostCents);
      }),
      { numRuns: 10_000, seed: SEED + 2 },
    );
  });

  it('refuses a negative or fractional amount and a malformed schedule with a MoneyError', () => {
    const badBase = fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53));
    const badSchedule = fc.oneof(
      arbSchedule.map((s) => ({ ...s, achFeeCents: -1 })),
      arbSchedule.map((s) => ({ ...s, cardFlatFeeCents: 0.5 })),
      arbSchedule.map((s) => ({ ...s, cardCreditRateBps: 10_001 })),
      arbSchedule.map((s) => ({ ...s, cardDebitRateBps: -3 })),
      arbSchedule.map((s) => ({ ...s, cardCreditRateBps: 2.5 })),
      arbSchedule.map((s) => ({ ...s, feePayer: 'nobody' as FeeSchedule['feePayer'] })),
    );
    const refused = (input: FeeInput) => {
      try {
        computeFees(input);
        return false;
      } catch (error) {
        return error instanceof MoneyError;
      }
    };
    fc.assert(
      fc.property(arbInput, badBase, badSchedule, (input, base, schedule) => refused({ ...input, baseCents: base }) && refused({ ...input, baseCents: Math.max(1, input.baseCents), schedule })),
      { numRuns: 5_000, seed: SEED + 3 },
    );
  });
});
