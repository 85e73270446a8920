import { applyBasisPoints, centsToDecimal, formatCents, MoneyError, parseAmount, sum } from './money';

describe('money', () => {
  it.each([
    ['1234.56', 123456],
    ['$1,234.56', 123456],
    ['  $ 12 ', 1200],
    ['(12.00)', -1200],
    ['-$3.5', -350],
    ['$-3.50', -350],
    ['.05', 5],
    ['1,000,000', 100000000],
    ['0', 0],
    ['12.3 USD', 1230],
  ])('parses %s as %d cents', (text, cents) => {
    expect(parseAmount(text)).toBe(cents);
  });

  it.each(['', 'abc', '1.234', '1,23.00', '12,34', '--5', '$', '1e5', 'NaN'])('refuses %j', (text) => {
    expect(() => parseAmount(text)).toThrow(MoneyError);
  });

  it('rounds basis points half away from zero in integers', () => {
    expect(applyBasisPoints(10000, 295)).toBe(295);
    expect(applyBasisPoints(150, 300)).toBe(5); // 4.5 → 5
    expect(applyBasisPoints(149, 300)).toBe(4); // 4.47 → 4
    expect(applyBasisPoints(-150, 300)).toBe(-5);
    expect(applyBasisPoints(Number.MAX_SAFE_INTEGER, 1)).toBe(900719925474); // no float overflow
  });

  it('refuses a percentage too large to be counted in exact cents instead of returning an approximation', () => {
    // Found by money.property.test.ts: the product is just past 2^53 and came back as an inexact float.
    expect(() => applyBasisPoints(-41943040606, 2147483617)).toThrow(MoneyError);
    expect(() => applyBasisPoints(Number.MAX_SAFE_INTEGER, 10_001)).toThrow(MoneyError);
    expect(applyBasisPoints(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses fractional cents everywhere', () => {
    expect(() => sum([1, 0.5])).toThrow(MoneyError);
    expect(() => applyBasisPoints(10.5, 100)).toThrow(MoneyError);
    expect(() => applyBasisPoints(100, 2.5)).toThrow(MoneyError);
    expect(() => formatCents(0.1)).toThrow(MoneyError);
  });

  it('formats dollars for people and decimals for files', () => {
    expect(formatCents(123456)).toBe('$1,234.56');
    expect(formatCents(-5)).toBe('-$0.05');
    expect(centsToDecimal(-123405)).toBe('-1234.05');
    expect(centsToDecimal(7)).toBe('0.07');
  });
});
