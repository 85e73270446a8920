import { formatCents, type Cents } from './money';

/**
 * The ACH debit authorization a customer gives by pressing Pay. NACHA requires the payer to
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
};

/** The wording the portal shows today. */
export const CURRENT_ACH_AUTHORIZATION_VERSION = 'ach-debit-2026-12';

export const isKnownAchAuthorizationVersion = (version: string): boolean => Object.prototype.hasOwnProperty.call(WORDINGS, version);

/** The words of `version` for this payment; throws for a version this build does not know. */
export function achAuthorizationText(version: string, facts: AchAuthorizationFacts): string {
  const wording = isKnownAchAuthorizationVersion(version) ? WORDINGS[version] : undefined;
  if (!wording) throw new Error(`unknown ACH authorization version ${version}`);
  return wording(facts);
}
