import type { CardInput } from './payment-methods';

/**
 * What can be told about a card before it is sent: the number's check digit (Luhn), an expiry
 * that is a real month and not past, a CVV of the right length. The processor checks again;
 * this only spares the customer a round trip and says what is wrong next to the field.
 */
export type CardField = keyof CardInput;
export type CardErrors = Partial<Record<CardField, string>>;

const digits = (value: string) => value.replace(/[\s-]/g, '');

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let index = 0; index < number.length; index++) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const isAmex = (number: string) => /^3[47]/.test(number);

export function checkCardField(field: CardField, card: CardInput, now = new Date()): string | undefined {
  switch (field) {
    case 'holderName':
      return card.holderName.trim() ? undefined : 'Enter the name as it appears on the card.';
    case 'cardNumber': {
      const number = digits(card.cardNumber);
      if (!number) return 'Enter the card number.';
      if (!/^\d+$/.test(number)) return 'A card number has digits only.';
      if (number.length < 13 || number.length > 19 || !luhnValid(number)) return 'This card number is not valid. Check the digits and try again.';
      return undefined;
    }
    case 'expMonth': {
      const month = Number(card.expMonth);
      return /^\d{1,2}$/.test(card.expMonth) && month >= 1 && month <= 12 ? undefined : 'Enter the month as 01 to 12.';
    }
    case 'expYear': {
      if (!/^(\d{2}|\d{4})$/.test(card.expYear)) return 'Enter the year as two digits, like 29.';
      const year = 2000 + Number(card.expYear.slice(-2));
      const month = Number(card.expMonth);
      if (year < now.getFullYear() || (year === now.getFullYear() && month >= 1 && month <= 12 && month < now.getMonth() + 1)) return 'This card has expired.';
      return undefined;
    }
    case 'cvv': {
      const length = isAmex(digits(card.cardNumber)) ? 4 : 3;
      return new RegExp(`^\\d{${length}}$`).test(card.cvv) ? undefined : `Enter the ${length}-digit security code from the ${length === 4 ? 'front' : 'back'} of the card.`;
    }
    case 'postalCode':
      return /^\d{5}(-\d{4})?$/.test(card.postalCode.trim()) ? undefined : 'Enter the 5-digit billing ZIP code.';
    case 'state':
      return !card.state || /^[A-Za-z]{2}$/.test(card.state.trim()) ? undefined : 'Use the two-letter state code, like TX.';
    default:
      return undefined;
  }
}

export function checkCard(card: CardInput, now = new Date()): CardErrors {
  const errors: CardErrors = {};
  for (const field of Object.keys(card) as CardField[]) {
    const problem = checkCardField(field, card, now);
    if (problem) errors[field] = problem;
  }
  return errors;
}

/** The processor names its fields its own way; say the same thing beside our field, in our words. */
export function processorCardErrors(body: Record<string, unknown>): CardErrors {
  const errors: CardErrors = {};
  if (body.cardNumber) errors.cardNumber = 'The card was not accepted: check the card number.';
  if (body.cardCvv) errors.cvv = 'The security code was not accepted.';
  if (body.expiration) errors.expYear = String(body.expiration).includes('expired') ? 'This card has expired.' : 'Check the expiry month and year.';
  if (body.billingAddress) errors.postalCode = 'Enter the billing ZIP code.';
  if (body.holderName) errors.holderName = 'Enter the name as it appears on the card.';
  return errors;
}

/** Thrown by addCard when the processor refused a field; the form shows each message beside its field. */
export class CardRefused extends Error {
  constructor(message: string, public readonly fields: CardErrors) {
    super(message);
  }
}
