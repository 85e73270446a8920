import { formatCents, type Cents } from './money';

/**
 * The ACH debit authorization a customer gives by pressing Pay (or Schedule). NACHA requires the payer to
 * authorize each debit in words that name the amount, the account and how to revoke, and the
 * dealer to be able to show which words were accepted; so every wording has a version id, the
 * portal sends back the version it showed, and the payment stores the version and the exact
 * text. A change to the words is a new version added here, never an edit of an old one, so a
 * stored version always means the same words.
 */
export interface AchAuthorizationFacts {
  dealerName: string;
  amountCents: Cents;
  /** How the account reads to its owner, e.g. "Prairie State Bank ····1111". */
  accountLabel: string;
  /** The dealer's business date the debit is initiated on (YYYY-MM-DD). */
  date: string;
}

type Wording = (facts: AchAuthorizationFacts) => string;

const WORDINGS: Record<string, Wording> = {
  'ach-debit-2026-12': (facts) =>
    `By pressing Pay, you authorize ${facts.dealerName} and its payment processor to make a one-time ACH debit of ` +
    `${formatCents(facts.amountCents)} from ${facts.accountLabel} on or after ${facts.date}. You confirm that you may ` +
    'authorize debits from this account. If the debit is returned unpaid, it may be presented again and you may be ' +
    `charged a return fee. To cancel this authorization, contact ${facts.dealerName} before the payment has been processed.`,
  // A one-time debit on a later date: the words go beside Schedule, name the chosen date, say
  // the amount can only go down by then, and how to cancel before it.
  'ach-scheduled-2026-12': (facts) =>
    `By pressing Schedule, you authorize ${facts.dealerName} and its payment processor to make a one-time ACH debit of ` +
    `${formatCents(facts.amountCents)} from ${facts.accountLabel} on or after ${facts.date}, the date you chose. If something in this ` +
    'payment is paid another way before then, the debit is lowered to what is still open and you are emailed; it is never raised. ' +
    'You confirm that you may authorize debits from this account. If the debit is returned unpaid, it may be presented again and you may be ' +
    `charged a return fee. To cancel this authorization, cancel the scheduled payment in the payments portal (Payments) before ${facts.date}, ` +
    `or contact ${facts.dealerName}.`,
};

/** The wording the portal shows beside Pay today. */
export const CURRENT_ACH_AUTHORIZATION_VERSION = 'ach-debit-2026-12';

/** The wording the portal shows beside Schedule today (a one-time debit on a chosen later date). */
export const CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION = 'ach-scheduled-2026-12';

export const isKnownAchAuthorizationVersion = (version: string): boolean => Object.prototype.hasOwnProperty.call(WORDINGS, version);

/** The words of `version` for this payment; throws for a version this build does not know. */
export function achAuthorizationText(version: string, facts: AchAuthorizationFacts): string {
  const wording = isKnownAchAuthorizationVersion(version) ? WORDINGS[version] : undefined;
  if (!wording) throw new Error(`unknown ACH authorization version ${version}`);
  return wording(facts);
}

/**
 * The standing authorization for autopay (recurring ACH debits). NACHA's rules for recurring
 * entries ask for more than a one-time debit: how the amount is set (the rule, and the
 * maximum), when debits happen, that notice comes before each one, and how to revoke, with
 * enough time for the revocation to act. Versioned like the one-time wording.
 */
export interface RecurringAchAuthorizationFacts {
  dealerName: string;
  accountLabel: string;
  accountHolderType: 'business' | 'consumer';
  /** The rule in words (domain/autopay.ts describeRule). */
  ruleText: string;
  maxAmountCents: Cents | null;
  noticeDays: number;
  /** The dealer-local date the authorization is given. */
  date: string;
}

const RECURRING_WORDINGS: Record<string, (facts: RecurringAchAuthorizationFacts) => string> = {
  'ach-recurring-2026-12': (facts) =>
    `By turning on autopay, you authorize ${facts.dealerName} and its payment processor, starting ${facts.date} and until you cancel, ` +
    `to make recurring ACH debits from ${facts.accountLabel} (a ${facts.accountHolderType} account) to pay ${facts.ruleText}. ` +
    `Each debit is the amount then open on what it pays, less any discount earned` +
    (facts.maxAmountCents !== null ? `, and never more than ${formatCents(facts.maxAmountCents)}: a larger amount is not debited and you are asked instead` : '') +
    `. You will be emailed the amount and date ${facts.noticeDays} day${facts.noticeDays === 1 ? '' : 's'} before each debit. ` +
    'You confirm that you may authorize debits from this account. If a debit is returned unpaid, it may be presented again and you may be charged a return fee. ' +
    `You may cancel this authorization at any time in the payments portal (Autopay, Cancel) or by telling ${facts.dealerName}; ` +
    'a cancellation made at least one day before a debit date stops that debit and all later ones.',
};

export const CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION = 'ach-recurring-2026-12';

export const isKnownRecurringAchAuthorizationVersion = (version: string): boolean => Object.prototype.hasOwnProperty.call(RECURRING_WORDINGS, version);

export function recurringAchAuthorizationText(version: string, facts: RecurringAchAuthorizationFacts): string {
  const wording = isKnownRecurringAchAuthorizationVersion(version) ? RECURRING_WORDINGS[version] : undefined;
  if (!wording) throw new Error(`unknown recurring ACH authorization version ${version}`);
  return wording(facts);
}
