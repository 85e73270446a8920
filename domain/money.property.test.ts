import fc from 'fast-check';
import { applyBasisPoints, centsToDecimal, formatCents, MoneyError, parseAmount, sum } from './money';

/**
 * Properties of the money helpers every other module builds on. Seeds are fixed so a failure
 * reproduces; fast-check prints the shrunk counter-example.
 */
const SEED = 20261108;
const anyCents = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }));
const anyBps = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 31 }));

describe('money properties', () => {
  it('applyBasisPoints is the exact product rounded half away from zero, odd, monotone and a safe integer', () => {
    fc.assert(
      fc.property(anyCents, anyBps, (amount, bps) => {
        const exact = BigInt(amount) * BigInt(bps);
        const limit = BigInt(Number.MAX_SAFE_INTEGER) * 10_000n;
        let result: number;
        try {
          result = applyBasisPoints(amount, bps);
        } catch (error) {
          // Refusing is right only when the rounded product is beyond what a cent count can hold exactly.
          return error instanceof MoneyError && (exact > limit || exact < -limit);
        }
        if (!Number.isSafeInteger(result)) return false;
        // Rounding error, in ten-thousandths of a cent: at most one half.
        const error = BigInt(result) * 10_000n - exact;
        const magnitude = error < 0n ? -error : error;
        if (magnitude > 5_000n) return false;
        // A tie goes away from zero.
        if (magnitude === 5_000n && (exact >= 0n ? error < 0n : error > 0n)) return false;
        if (applyBasisPoints(-amount, bps) !== -result) return false;
        if (amount >= 0 && result < 0) return false;
        if (amount < Number.MAX_SAFE_INTEGER && Number.isSafeInteger((amount + 1) * bps / 10_000 + 1) && applyBasisPoints(amount + 1, bps) < result) return false;
        return applyBasisPoints(amount, bps) === result;
      }),
      { numRuns: 20_000, seed: SEED },
    );
  });

  it('applyBasisPoints never exceeds the amount at 100% or less, and a zero rate costs nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const result = applyBasisPoints(amount, bps);
        return result >= 0 && result <= amount && applyBasisPoints(amount, 0) === 0 && applyBasisPoints(amount, 10_000) === amount;
      }),
      { numRuns: 10_000, seed: SEED + 1 },
    );
  });

  it('refuses fractional, unsafe or non-number amounts and rates rather than rounding them', () => {
    const notCents = fc.oneof(
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), 1e300, -1e300),
    );
    const notRate = fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: -1 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0.5));
    const refuses = (attempt: () => unknown) => {
      try {
        attempt();
        return false;
      } catch (error) {
        return error instanceof MoneyError;
      }
    };
    fc.assert(
      fc.property(notCents, notRate, fc.integer({ min: 0, max: 10_000 }), (amount, rate, bps) =>
        refuses(() => applyBasisPoints(amount, bps)) && refuses(() => sum([1, amount])) && refuses(() => formatCents(amount))
        && refuses(() => centsToDecimal(amount)) && refuses(() => applyBasisPoints(100, rate))),
      { numRuns: 5_000, seed: SEED + 2 },
    );
  });

  it('sum is exact, independent of order, and refuses a total beyond safe integers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { maxLength: 40 }), fc.nat(), (values, seed) => {
        const total = sum(values);
        const exact = values.reduce((acc, value) => acc + BigInt(value), 0n);
        const shuffled = [...values].sort((a, b) => ((a * 31 + seed) % 97) - ((b * 31 + seed) % 97) || a - b);
        return BigInt(total) === exact && sum(shuffled) === total && sum([...values].reverse()) === total;
      }),
      { numRuns: 10_000, seed: SEED + 3 },
    );
    expect(() => sum([Number.MAX_SAFE_INTEGER, 1])).toThrow(MoneyError);
  });

  it('round-trips every amount through the file decimal and the display format', () => {
    fc.assert(
      fc.property(anyCents, (cents) => parseAmount(centsToDecimal(cents)) === cents && parseAmount(formatCents(cents)) === cents),
      { numRuns: 20_000, seed: SEED + 4 },
    );
  });

  it('parses any text either to whole cents or to a MoneyError, never to a fraction or another error', () => {
    const amountish = fc.stringMatching(/^[ (]?-?(US)?\$? ?-?[0-9,]{0,12}(\.[0-9]{0,3})? ?(USD)?\)? ?$/);
    fc.assert(
      fc.property(fc.oneof(amountish, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 })), (text) => {
        try {
          const cents = parseAmount(text);
          return Number.isSafeInteger(cents) && parseAmount(centsToDecimal(cents)) === cents;
        } catch (error) {
          return error instanceof MoneyError;
        }
      }),
      { numRuns: 20_000, seed: SEED + 5 },
    );
  });
});
