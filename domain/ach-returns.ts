/**
 * ACH return codes as Drypowder reads them: the one catalogue on our side (the Moov emulator
 * keeps its own, as the vendor does). Each code says which family it belongs to, by when
 * Nacha lets the customer's bank (the RDFI) send it, what it means to an operator and to a
 * customer, and whether the saved bank account can be debited again.
 *
 * Nacha's time frames, counted from the settlement date of our debit:
 *   - most returns (administrative: funds, account status, formatting) and a business
 *     customer's "not authorized" (R29): the return must reach our bank by the opening of
 *     business on the 2nd banking day after settlement;
 *   - a consumer's claim that the debit was unauthorized or improper (R05, R07, R10, R11,
 *     R37, R38, R51, R52, R53, each backed by a Written Statement of Unauthorized Debit) and
 *     R33: by the opening of business on the banking day following the 60th calendar day;
 *   - R06 and R31: only when our bank asked for or agreed to the return, so no deadline binds.
 * A return that arrives after its deadline is still money gone from the dealer (it is booked
 * like any other), but the dealer's bank may dishonor it within 5 banking days (R68).
 *
 * Banking days are the Federal Reserve's (./business-calendar). Pure and deterministic: safe
 * inside Temporal workflows.
 */
import { addBusinessDays, nextBusinessDay } from './business-calendar';
import { addDays, isIsoDate, type IsoDate } from './dates';

export type AchReturnFamily = 'administrative' | 'unauthorized_consumer' | 'unauthorized_corporate' | 'other';

/**
 * `two_banking_days`: by the 2nd banking day after settlement. `sixty_calendar_days`: by the
 * banking day following the 60th calendar day. `odfi_agreed`: none (our bank requested or
 * accepted the return).
 */
export type AchReturnWindow = 'two_banking_days' | 'sixty_calendar_days' | 'odfi_agreed';

export interface AchReturn {
  /** Upper-cased, trimmed: 'R10'. */
  code: string;
  /** False for a code this catalogue does not list; the entry is then a careful generic one. */
  known: boolean;
  /** Nacha's name for the code. */
  name: string;
  family: AchReturnFamily;
  window: AchReturnWindow;
  /** For the console, after the code: "R10 — Customer says the debit was not authorized". */
  operatorText: string;
  /** A short phrase for a customer, to follow the code in a sentence: "(return code R02: account closed)"; null when unknown. */
  customerReason: string | null;
  /** One or two polite sentences for a customer: what happened and what to do now. */
  customerText: string;
  /**
   * The saved bank account can no longer be debited: it is closed, missing, invalid, frozen or
   * not a transaction account, or its holder withdrew or denies the authorization (Nacha bars
   * debiting it again without a new one, which linking it again gives).
   */
  disablesBankAccount: boolean;
}

const CUSTOMER = {
  funds: 'Your bank did not have enough funds available in the account to pay this debit. Please make sure the funds are available and pay the items again, or choose another payment method.',
  closed: 'Your bank says this account is closed. Please link another bank account or use a card, and pay the items again.',
  noAccount: 'Your bank could not find an account with this number and name. Please check the account details and link the account again, or choose another payment method.',
  invalidNumber: 'Your bank says the account number is not valid. Please check the number and link the account again, or choose another payment method.',
  notAuthorized: 'Your bank told us this debit was not authorized on the account, so it sent the money back. If you meant to pay, please link the account again or use a card; if you did not, please contact the company you were paying.',
  revoked: 'The authorization for this debit was withdrawn at your bank, so the money was sent back. If you still want to pay, please authorize a bank account again or use a card.',
  stopped: 'A stop payment was placed on this debit at your bank, so the money was sent back. If you still want to pay, please pay the items again, or ask your bank to lift the stop payment first.',
  notAsAuthorized: 'Your bank says this debit did not match what you authorized (for example its amount or date). Please review the items and pay them again, or contact the company you were paying.',
  moved: 'Your bank says the account has moved to another bank. Please link the account at its new bank, or choose another payment method.',
  routing: 'The bank routing number for this account is not valid. Please link the account again with the correct routing number, or choose another payment method.',
  holder: 'Your bank could not accept this debit because of a change in who may use the account. Please contact your bank, and pay the items again from another account or with a card.',
  frozen: 'Your bank says the account is frozen, so it could not pay this debit. Please contact your bank, or pay the items again from another account or with a card.',
  nonTransaction: 'Your bank says this account does not allow this kind of debit (for example a savings account). Please link a checking account or use a card, and pay the items again.',
  duplicate: 'Your bank took this debit for a duplicate of another one and sent it back. Please check your account; if the items are still owed, please pay them again.',
  requested: 'This debit was sent back at the request of the bank that collected it. Please pay the items again, or contact the company you were paying if you are not sure why.',
  check: 'Your bank sent this debit back because of the check it was made from. Please contact your bank, or pay the items again another way.',
  technical: 'Your bank could not process this debit and sent it back. Please pay the items again; if it happens again, please contact your bank or choose another payment method.',
  unknown: 'Your bank sent this payment back. Please pay the items again or choose another payment method; if you are not sure why it came back, please contact your bank.',
} as const;

type Row = [name: string, family: AchReturnFamily, window: AchReturnWindow, operatorText: string, customerReason: string, customerText: string, disables?: 'disable'];

const A = 'administrative';
const UC = 'unauthorized_consumer';
const O = 'other';
const TWO = 'two_banking_days';
const SIXTY = 'sixty_calendar_days';

const ROWS: Record<string, Row> = {
  R01: ['Insufficient Funds', A, TWO, 'Not enough funds in the account', 'insufficient funds', CUSTOMER.funds],
  R02: ['Account Closed', A, TWO, 'Account closed', 'account closed', CUSTOMER.closed, 'disable'],
  R03: ['No Account/Unable to Locate Account', A, TWO, 'No account, or no account under this name and number', 'no account, or the account could not be found', CUSTOMER.noAccount, 'disable'],
  R04: ['Invalid Account Number Structure', A, TWO, 'Invalid account number', 'invalid account number', CUSTOMER.invalidNumber, 'disable'],
  R05: ['Unauthorized Debit to Consumer Account Using Corporate SEC Code', UC, SIXTY, 'Consumer account debited as a business payment; the holder says it was not authorized', 'unauthorized debit to a consumer account', CUSTOMER.notAuthorized, 'disable'],
  R06: ["Returned per ODFI's Request", O, 'odfi_agreed', "Returned at our bank's request", 'returned at the request of the collecting bank', CUSTOMER.requested],
  R07: ['Authorization Revoked by Customer', UC, SIXTY, 'Customer revoked the authorization for this debit', 'authorization revoked', CUSTOMER.revoked, 'disable'],
  R08: ['Payment Stopped', A, TWO, 'Customer stopped payment on this debit', 'payment stopped', CUSTOMER.stopped],
  R09: ['Uncollected Funds', A, TWO, 'Uncollected funds: the balance was not yet available', 'funds not yet available', CUSTOMER.funds],
  R10: ['Customer Advises Originator is Not Known to Receiver and/or Originator is Not Authorized by Receiver to Debit Receiver’s Account', UC, SIXTY, 'Customer says the debit was not authorized', 'the account holder says the debit was not authorized', CUSTOMER.notAuthorized, 'disable'],
  R11: ['Customer Advises Entry Not in Accordance with the Terms of the Authorization', UC, SIXTY, 'Customer says the debit did not match what they authorized (amount or date)', 'the debit did not match what the account holder authorized', CUSTOMER.notAsAuthorized],
  R12: ['Account Sold to Another DFI', A, TWO, 'Account moved to another bank', 'the account moved to another bank', CUSTOMER.moved, 'disable'],
  R13: ['Invalid ACH Routing Number', A, TWO, 'Invalid routing number', 'invalid routing number', CUSTOMER.routing, 'disable'],
  R14: ['Representative Payee Deceased or Unable to Continue in That Capacity', A, TWO, 'Representative payee deceased or unable to act', 'the account holder can no longer use this account', CUSTOMER.holder, 'disable'],
  R15: ['Beneficiary or Account Holder (Other Than a Representative Payee) Deceased', A, TWO, 'Account holder or beneficiary deceased', 'the account holder can no longer use this account', CUSTOMER.holder, 'disable'],
  R16: ['Account Frozen/Entry Returned per OFAC Instruction', A, TWO, 'Account frozen (by the bank, a court or OFAC)', 'account frozen', CUSTOMER.frozen, 'disable'],
  R17: ['File Record Edit Criteria', A, TWO, 'The bank rejected the entry (field errors, or an account number used under questionable circumstances)', 'the bank could not process the debit', CUSTOMER.technical],
  R18: ['Improper Effective Entry Date', A, TWO, 'Improper effective date on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R19: ['Amount Field Error', A, TWO, 'Amount field error on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R20: ['Non-Transaction Account', A, TWO, 'Account does not allow debits (non-transaction account)', 'the account does not allow this kind of debit', CUSTOMER.nonTransaction, 'disable'],
  R21: ['Invalid Company Identification', A, TWO, 'Invalid company identification on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R22: ['Invalid Individual ID Number', A, TWO, 'Invalid individual ID number on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R23: ['Credit Entry Refused by Receiver', A, TWO, 'Credit refused by the receiver', 'the payment was refused', CUSTOMER.technical],
  R24: ['Duplicate Entry', A, TWO, 'The bank took it for a duplicate entry', 'the bank took it for a duplicate', CUSTOMER.duplicate],
  R25: ['Addenda Error', A, TWO, 'Addenda error on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R26: ['Mandatory Field Error', A, TWO, 'Mandatory field error on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R27: ['Trace Number Error', A, TWO, 'Trace number error on the entry', 'the bank could not process the debit', CUSTOMER.technical],
  R28: ['Routing Number Check Digit Error', A, TWO, 'Routing number check digit error', 'invalid routing number', CUSTOMER.routing, 'disable'],
  R29: ['Corporate Customer Advises Not Authorized', 'unauthorized_corporate', TWO, 'Business customer says the debit was not authorized', 'the business account holder says the debit was not authorized', CUSTOMER.notAuthorized, 'disable'],
  R30: ['RDFI Not Participant in Check Truncation Program', A, TWO, 'The bank does not take part in check truncation', 'the bank could not process the debit', CUSTOMER.technical],
  R31: ['Permissible Return Entry (CCD and CTX Only)', O, 'odfi_agreed', 'Our bank agreed to take back this business (CCD/CTX) debit', 'returned with the agreement of the collecting bank', CUSTOMER.requested],
  R32: ['RDFI Non-Settlement', A, TWO, 'The receiving bank could not settle the entry', 'the bank could not settle the debit', CUSTOMER.technical],
  R33: ['Return of XCK Entry', O, SIXTY, 'Return of a converted check (XCK) entry', 'the bank returned a converted check', CUSTOMER.check],
  R34: ['Limited Participation DFI', A, TWO, "The receiving bank's participation is limited by its regulator", 'the bank could not accept the debit', CUSTOMER.technical],
  R35: ['Return of Improper Debit Entry', A, TWO, 'Improper debit entry', 'the bank could not accept the debit', CUSTOMER.technical],
  R36: ['Return of Improper Credit Entry', A, TWO, 'Improper credit entry', 'the bank could not accept the payment', CUSTOMER.technical],
  R37: ['Source Document Presented for Payment', UC, SIXTY, 'Customer says the check behind this debit was also presented for payment', 'the check was also presented for payment', CUSTOMER.check],
  R38: ['Stop Payment on Source Document', UC, SIXTY, 'Customer stopped payment on the check behind this debit', 'payment stopped on the check', CUSTOMER.stopped],
  R39: ['Improper Source Document/Source Document Presented for Payment', O, TWO, 'Improper source document: the check could not be converted, or was already paid', 'the check could not be used for this debit', CUSTOMER.check],
  R50: ['State Law Affecting RCK Acceptance', O, TWO, 'State law prevents re-presenting this check (RCK)', 'the check could not be presented again', CUSTOMER.check],
  R51: ['Item Related to RCK Entry is Ineligible or RCK Entry is Improper', UC, SIXTY, 'Customer says the re-presented check (RCK) was ineligible or improper', 'the re-presented check was improper', CUSTOMER.check],
  R52: ['Stop Payment on Item Related to RCK Entry', UC, SIXTY, 'Customer stopped payment on the re-presented check (RCK)', 'payment stopped on the check', CUSTOMER.stopped],
  R53: ['Item and RCK Entry Presented for Payment', UC, SIXTY, 'Customer says the check and its re-presentment (RCK) were both presented', 'the check was also presented for payment', CUSTOMER.check],
  R61: ['Misrouted Return', O, TWO, 'Misrouted return', 'the bank could not process the debit', CUSTOMER.technical],
  R62: ['Return of Erroneous or Reversing Debit', O, TWO, 'Return of an erroneous or reversing debit', 'the debit was sent in error', CUSTOMER.technical],
  R67: ['Duplicate Return', O, TWO, 'Duplicate return', 'the bank could not process the debit', CUSTOMER.technical],
  R68: ['Untimely Return', O, TWO, 'Untimely return', 'the bank could not process the debit', CUSTOMER.technical],
  R69: ['Field Error(s)', O, TWO, 'Return with field errors', 'the bank could not process the debit', CUSTOMER.technical],
  R70: ['Permissible Return Entry Not Accepted/Return Not Requested by ODFI', O, TWO, 'Return not requested or not accepted by our bank', 'the bank could not process the debit', CUSTOMER.technical],
  R80: ['IAT Entry Coding Error', O, TWO, 'International (IAT) entry coding error', 'the bank could not process the debit', CUSTOMER.technical],
  R81: ['Non-Participant in IAT Program', O, TWO, 'The receiving bank does not take international (IAT) payments', 'the bank does not accept this kind of payment', CUSTOMER.technical],
  R82: ['Invalid Foreign Receiving DFI Identification', O, TWO, 'Invalid foreign receiving bank identification', 'the bank could not process the debit', CUSTOMER.technical],
  R83: ['Foreign Receiving DFI Unable to Settle', O, TWO, 'The foreign receiving bank could not settle', 'the bank could not settle the debit', CUSTOMER.technical],
  R84: ['Entry Not Processed by Gateway', O, TWO, 'Not processed by the international gateway', 'the bank could not process the debit', CUSTOMER.technical],
  R85: ['Incorrectly Coded Outbound International Payment', O, TWO, 'Incorrectly coded outbound international payment', 'the bank could not process the debit', CUSTOMER.technical],
};

/** Every code the catalogue lists, in code order. */
export const ACH_RETURN_CODES: readonly string[] = Object.keys(ROWS).sort();

/** The catalogue entry for a return code. Never throws: a code we do not list gets a careful generic entry. */
export function achReturn(code: string | null | undefined): AchReturn {
  const normalized = (code ?? '').trim().toUpperCase();
  const row = ROWS[normalized];
  if (!row) {
    return {
      code: normalized,
      known: false,
      name: 'Unlisted return code',
      family: 'other',
      window: 'two_banking_days',
      operatorText: normalized ? 'Return code not in our list; ask the processor what it means' : 'Returned without a reason code',
      customerReason: null,
      customerText: CUSTOMER.unknown,
      disablesBankAccount: false,
    };
  }
  const [name, family, window, operatorText, customerReason, customerText, disables] = row;
  return { code: normalized, known: true, name, family, window, operatorText, customerReason, customerText, disablesBankAccount: disables === 'disable' };
}

/** "R10 — Customer says the debit was not authorized", for the console. */
export function achReturnOperatorWords(code: string): string {
  const entry = achReturn(code);
  return entry.code ? `${entry.code} — ${entry.operatorText}` : entry.operatorText;
}

/**
 * The last day on which a return with this code settles within Nacha's time frame for a debit
 * that settled on `settledOn`; null when no deadline binds (R06, R31). Unlisted codes get the
 * common 2-banking-day frame.
 */
export function returnDeadline(code: string, settledOn: IsoDate): IsoDate | null {
  assertDate(settledOn, 'settledOn');
  switch (achReturn(code).window) {
    case 'two_banking_days':
      return addBusinessDays(settledOn, 2);
    case 'sixty_calendar_days':
      return nextBusinessDay(addDays(settledOn, 60));
    case 'odfi_agreed':
      return null;
  }
}

/** Whether a return that settled on `returnedOn` came after its Nacha deadline (the dealer's bank may then dishonor it). */
export function isLateReturn(code: string, settledOn: IsoDate, returnedOn: IsoDate): boolean {
  assertDate(returnedOn, 'returnedOn');
  const deadline = returnDeadline(code, settledOn);
  return deadline !== null && returnedOn > deadline;
}

/**
 * What an operator should know about a return that came after its Nacha deadline: the dealer's
 * bank (the ODFI) may dishonor it as untimely (R68) within five banking days of receiving it,
 * which brings the money back. Null for a timely return.
 */
export function untimelyReturnNote(code: string, settledOn: IsoDate, returnedOn: IsoDate): string | null {
  if (!isLateReturn(code, settledOn, returnedOn)) return null;
  return `It came after Nacha's deadline for ${achReturn(code).code} (${returnDeadline(code, settledOn)} for a debit settled on ${settledOn}): `
    + `ask your bank by ${addBusinessDays(returnedOn, 5)} to dishonor it as untimely (R68) to get the money back.`;
}

/** Card networks let a cardholder dispute a charge for 120 days after it was processed (Visa and Mastercard's common limit). */
const CARD_DISPUTE_DAYS = 120;

/**
 * The last day on which the money of a payment settled on `settledOn` can still come back by
 * right: an ACH debit through the latest Nacha deadline (a consumer's unauthorized claim), a
 * card charge through the networks' dispute limit. After it, the payment's money is final.
 */
export function moneyFinalOn(method: 'ach' | 'card', settledOn: IsoDate): IsoDate {
  assertDate(settledOn, 'settledOn');
  return method === 'ach' ? nextBusinessDay(addDays(settledOn, 60)) : addDays(settledOn, CARD_DISPUTE_DAYS);
}

function assertDate(value: string, name: string): void {
  if (!isIsoDate(value)) throw new RangeError(`${name} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
}
