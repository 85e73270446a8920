/** Card numbers in text: what a scan of logs or requests looks for. */
/** 13–19 digits, optionally grouped by single spaces or dashes, that pass the Luhn check. */
export function luhnCandidates(text: string): string[] {
  const found: string[] = [];
  // Not inside a longer token: a UUID or hex id whose segments happen to be all digits (a
  // request id like …4b40-8510-4875-9990-…) is not a card number.
  for (const match of text.matchAll(/(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g)) {
    const digits = match[0].replace(/[ -]/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i += 1) {
      let digit = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) found.push(match[0]);
  }
  return found;
}
