import type { Outcome } from './model';

/**
 * The emulator's test triggers: which amounts, bank account numbers and card numbers make a
 * transfer fail, get returned or stall. docs/moov-emulator.md is the user-facing copy of this
 * table; keep the two in step.
 *
 * Amounts (cents):
 *   91NN  ACH leg returned with code RNN before it clears   → transfer `failed`
 *   92NN  ACH leg clears, then is returned with code RNN    → transfer `completed`, later `reversed`
 *   9300  ACH leg never leaves `initiated` (until an admin call)
 *   9301  ACH leg gets a notification of change (C01), then clears
 *   94NN  card declined with CARD_DECLINES[NN]               → transfer `failed`
 *   9500  processing error on either rail                    → transfer `failed`
 *   9600  held in `queued` for half a business day, then proceeds normally
 * Bank account numbers: 99000000NN returns every debit with RNN after it clears;
 * 98000000NN returns it with RNN before it clears. A magic amount wins over a magic account.
 */
export const CARD_DECLINES: Record<string, string> = {
  '01': 'insufficient-funds',
  '02': 'do-not-honor',
  '03': 'expired-card',
  '04': 'lost-or-stolen',
  '05': 'suspected-fraud',
  '06': 'call-issuer',
  '07': 'cvv-mismatch',
  '08': 'card-not-activated',
  '09': 'transaction-not-allowed',
};

/** Short reasons in our own words; the code is what callers act on. */
export const ACH_RETURN_REASONS: Record<string, string> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account or unable to locate account',
  R04: 'Invalid account number',
  R05: 'Unauthorized debit to a consumer account',
  R06: 'Returned at the originating bank’s request',
  R07: 'Authorization revoked by the customer',
  R08: 'Payment stopped',
  R09: 'Uncollected funds',
  R10: 'Customer advises the debit was not authorized',
  R11: 'Entry not in accordance with the authorization',
  R12: 'Account sold to another institution',
  R13: 'Invalid routing number',
  R14: 'Account holder deceased',
  R15: 'Beneficiary deceased',
  R16: 'Account frozen',
  R17: 'Entry failed the receiving bank’s edit checks',
  R20: 'Non-transaction account',
  R23: 'Credit refused by the receiver',
  R24: 'Duplicate entry',
  R29: 'Corporate customer advises the debit was not authorized',
};

/**
 * Return codes after which Moov marks the bank account `errored` and stops offering it:
 * the codes Moov's bank-account exception lists (the account itself or its authorization is
 * unusable). R01 and R09 are about funds, so the account stays usable.
 */
export const ACCOUNT_DISABLING_RETURN_CODES = new Set([
  'R02', 'R03', 'R04', 'R05', 'R07', 'R08', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R20', 'R23', 'R29', 'R34', 'R38', 'R39',
]);

export const NOC_REASONS: Record<string, string> = {
  C01: 'Incorrect account number',
  C02: 'Incorrect routing number',
  C05: 'Incorrect transaction code (checking/savings)',
};

export const isReturnCode = (code: string) => /^R\d\d$/.test(code);
export const returnReason = (code: string) => ACH_RETURN_REASONS[code] ?? `ACH return ${code}`;

export function outcomeFor(amountCents: number, rail: 'ach' | 'card' | 'wallet', bankAccountNumber?: string, cardDeclines?: string): Outcome {
  if (amountCents === 9500) return { kind: 'processing-error' };
  if (amountCents === 9600) return { kind: 'queued-then-clear' };
  const family = Math.floor(amountCents / 100);
  const nn = String(amountCents % 100).padStart(2, '0');
  if (rail === 'ach') {
    if (family === 91) return { kind: 'ach-return-before-clearing', code: `R${nn}` };
    if (family === 92) return { kind: 'ach-return-after-clearing', code: `R${nn}` };
    if (amountCents === 9300) return { kind: 'ach-stuck' };
    if (amountCents === 9301) return { kind: 'ach-correction', code: 'C01' };
    const after = /^99000000(\d\d)$/.exec(bankAccountNumber ?? '');
    if (after) return { kind: 'ach-return-after-clearing', code: `R${after[1]}` };
    const before = /^98000000(\d\d)$/.exec(bankAccountNumber ?? '');
    if (before) return { kind: 'ach-return-before-clearing', code: `R${before[1]}` };
  }
  if (rail === 'card') {
    if (family === 94) return { kind: 'card-decline', failureCode: CARD_DECLINES[nn] ?? 'unknown-issue' };
    if (cardDeclines) return { kind: 'card-decline', failureCode: cardDeclines };
  }
  return { kind: 'clear' };
}
