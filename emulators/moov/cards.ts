import type { CardRecord } from './model';

/**
 * What the emulator's card network knows about a card number: brand, funding (credit, debit,
 * prepaid — it drives Drypowder's surcharge rules) and, for a few test cards, a decline every
 * charge gets. Numbers outside the table get their brand from the prefix and funding `credit`.
 */
interface KnownCard {
  brand: CardRecord['brand'];
  cardType: CardRecord['cardType'];
  alwaysDeclines?: string;
}

export const TEST_CARDS: Record<string, KnownCard> = {
  '4111111111111111': { brand: 'Visa', cardType: 'credit' },
  '4242424242424242': { brand: 'Visa', cardType: 'credit' },
  '4000056655665556': { brand: 'Visa', cardType: 'debit' },
  '4312740000000006': { brand: 'Visa', cardType: 'prepaid' },
  '5555555555554444': { brand: 'Mastercard', cardType: 'credit' },
  '5200828282828210': { brand: 'Mastercard', cardType: 'debit' },
  '5105105105105100': { brand: 'Mastercard', cardType: 'prepaid' },
  '378282246310005': { brand: 'American Express', cardType: 'credit' },
  '6011111111111117': { brand: 'Discover', cardType: 'credit' },
  '4000000000000002': { brand: 'Visa', cardType: 'credit', alwaysDeclines: 'do-not-honor' },
  '4000000000009995': { brand: 'Visa', cardType: 'debit', alwaysDeclines: 'insufficient-funds' },
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = Number(digits[i]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function brandFromPrefix(number: string): CardRecord['brand'] {
  if (/^4/.test(number)) return 'Visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(number)) return 'Mastercard';
  if (/^3[47]/.test(number)) return 'American Express';
  if (/^(6011|65|64[4-9])/.test(number)) return 'Discover';
  return 'Unknown';
}

export function describeCard(number: string): KnownCard {
  return TEST_CARDS[number] ?? { brand: brandFromPrefix(number), cardType: 'credit' };
}
