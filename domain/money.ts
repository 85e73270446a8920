/**
 * Money is an integer number of cents, always. These helpers refuse anything else, so a
 * float that sneaks in fails loudly at the boundary instead of drifting a ledger by a cent.
 */
export type Cents = number;

export class MoneyError extends Error {}

export function assertCents(value: number, what = 'amount'): asserts value is Cents {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be a whole number of cents, got ${value}`);
}

export function sum(values: readonly Cents[]): Cents {
  let total = 0;
  for (const value of values) {
    assertCents(value);
    total += value;
  }
  assertCents(total, 'total');
  return total;
}

/**
 * `amount * bps / 10000` rounded half away from zero, in integer arithmetic (BigInt, so no
 * intermediate float). This is the one rounding rule for every percentage fee.
 */
export function applyBasisPoints(amount: Cents, bps: number): Cents {
  assertCents(amount);
  if (!Number.isInteger(bps) || bps < 0) throw new MoneyError(`rate must be whole non-negative basis points, got ${bps}`);
  const product = BigInt(amount) * BigInt(bps);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude + 5000n) / 10000n;
  // A rate above 100% can take the result past what a double holds exactly; refuse, never approximate.
  const result = Number(negative ? -rounded : rounded);
  assertCents(result, 'percentage of an amount');
  return result;
}

/** Parses a human amount ("$1,234.50", "(12.00)", "-3", "1 234,5" is refused) into cents. */
export function parseAmount(input: string): Cents {
  let text = input.trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  }
  text = text.replace(/^(US)?\$\s*/i, '').replace(/\s*USD$/i, '');
  // One minus sign at most, before or after the currency symbol: "$-3.50" but never "--5".
  if (text.startsWith('-') && !input.trim().replace(/^\(/, '').startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  }
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$|^\.\d{1,2}$/.test(text)) {
    throw new MoneyError(`"${input}" is not an amount (expected e.g. 1234.56, $1,234.56 or (12.00))`);
  }
  const [whole = '0', fraction = ''] = text.replace(/,/g, '').split('.');
  const cents = Number(whole || '0') * 100 + Number(fraction.padEnd(2, '0'));
  assertCents(cents);
  return negative ? -cents : cents;
}

/** Formats cents as US dollars: 123456 → "$1,234.56", -5 → "-$0.05". */
export function formatCents(cents: Cents): string {
  assertCents(cents);
  const negative = cents < 0;
  const magnitude = Math.abs(cents);
  const dollars = Math.floor(magnitude / 100).toLocaleString('en-US');
  const fraction = String(magnitude % 100).padStart(2, '0');
  return `${negative ? '-' : ''}$${dollars}.${fraction}`;
}

/** Plain decimal for files: 123456 → "1234.56". */
export function centsToDecimal(cents: Cents): string {
  assertCents(cents);
  const negative = cents < 0;
  const magnitude = Math.abs(cents);
  return `${negative ? '-' : ''}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}
