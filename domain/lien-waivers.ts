import { moneyFinalOn } from './ach-returns';
import { localDate, type IsoDate } from './dates';
import { formatCents, type Cents } from './money';
import { isDeductionLine } from './application-lines';
import type { ApplicationItemType } from './payment-quote';

/**
 * Lien waivers: what a supplier signs so its customer can draw the next payment from the
 * owner or general contractor. Four statutory kinds, conditional or unconditional × progress
 * or final; the dealer picks progress or final per US state. Pure; the wording is ours, plain
 * and generic, in the shape state statutes give these forms.
 */

export const LIEN_WAIVER_KINDS = ['conditional', 'unconditional'] as const;
export type LienWaiverKind = (typeof LIEN_WAIVER_KINDS)[number];
export const LIEN_WAIVER_FORMS = ['progress', 'final'] as const;
export type LienWaiverForm = (typeof LIEN_WAIVER_FORMS)[number];
export const LIEN_WAIVER_STATUSES = ['active', 'replaced', 'void'] as const;
export type LienWaiverStatus = (typeof LIEN_WAIVER_STATUSES)[number];

/** Progress unless the dealer chose otherwise for the state: most payments are not the last on a job. */
export const DEFAULT_LIEN_WAIVER_FORM: LienWaiverForm = 'progress';

export const US_STATE_CODES: readonly string[] =
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'.split(' ');

export const LIEN_WAIVER_TITLES: Record<LienWaiverKind, Record<LienWaiverForm, string>> = {
  conditional: { progress: 'Conditional Waiver and Release on Progress Payment', final: 'Conditional Waiver and Release on Final Payment' },
  unconditional: { progress: 'Unconditional Waiver and Release on Progress Payment', final: 'Unconditional Waiver and Release on Final Payment' },
};

export interface LienWaiverFields {
  kind: LienWaiverKind;
  form: LienWaiverForm;
  state: string | null;
  claimant: string;
  customer: string;
  customerAddress: string | null;
  jobName: string;
  jobNumber: string;
  paymentNumber: string;
  amountCents: Cents;
  throughDate: IsoDate;
}

export interface LienWaiverDocument {
  title: string;
  /** Label and value pairs printed above the text. */
  facts: Array<[string, string]>;
  paragraphs: string[];
  /** What the signer must know before relying on the document. */
  notice: string;
}

/** The document's words, from the fields it was issued with. */
export function lienWaiverDocument(fields: LienWaiverFields): LienWaiverDocument {
  const amount = formatCents(fields.amountCents);
  const through = longDate(fields.throughDate);
  const facts: Array<[string, string]> = [
    ['Claimant (supplier)', fields.claimant],
    ['Customer', fields.customer],
    ...(fields.customerAddress ? [['Customer address', fields.customerAddress] as [string, string]] : []),
    ['Job', `${fields.jobName} (job ${fields.jobNumber})`],
    ['Owner', 'As shown on the customer\'s contract for the job'],
    ['Payment', fields.paymentNumber],
    ['Amount', amount],
    [fields.form === 'final' ? 'Covers' : 'Through date', fields.form === 'final' ? `All materials furnished to the job, paid through ${through}` : through],
    ...(fields.state ? [['State form', fields.state] as [string, string]] : []),
  ];
  const scope = fields.form === 'progress'
    ? `waives and releases any lien, stop-payment notice and payment-bond right it has for materials furnished to the job through ${through}, to the extent of ${amount} only`
    : `waives and releases every lien, stop-payment notice and payment-bond right it has for all materials furnished to the job`;
  const exceptions = fields.form === 'progress'
    ? 'This release does not cover materials furnished after the through date, retention, amounts in dispute, or any payment other than the one named above.'
    : 'This release does not cover amounts in dispute that the claimant lists on this document before signing it.';
  const paragraphs = fields.kind === 'conditional'
    ? [
      `Upon receipt by the claimant of payment ${fields.paymentNumber} in the amount of ${amount} from ${fields.customer}, and upon that payment being finally credited to the claimant's account, the claimant ${scope}.`,
      'This waiver takes effect only when the payment has actually reached the claimant and can no longer be returned, reversed or charged back. If the payment is not received, or is later returned or reversed, this waiver is void.',
      exceptions,
    ]
    : [
      `The claimant has been paid ${amount} by payment ${fields.paymentNumber} from ${fields.customer}, and the claimant ${scope}.`,
      'This waiver is unconditional: it takes effect on the claimant signing it, whatever becomes of any other payment on the job.',
      exceptions,
    ];
  const notice = fields.kind === 'conditional'
    ? 'Notice: this document waives rights only once the named payment is received. A person relying on it should confirm the payment has been made.'
    : 'Notice: this document waives rights unconditionally and is enforceable against the claimant once signed. Do not sign it unless the payment has been received.';
  return { title: LIEN_WAIVER_TITLES[fields.kind][fields.form], facts, paragraphs, notice };
}

/**
 * Whether the money of a payment that settled at `settledAt` can still come back by right on
 * `now`: the last day of its ACH return or card dispute window (domain/ach-returns.ts), counted
 * in the dealer's time zone, must have passed.
 */
export function moneyIsFinal(method: 'ach' | 'card', settledAt: Date, now: Date, timeZone: string): boolean {
  return moneyFinalOn(method, localDate(settledAt, timeZone)) < localDate(now, timeZone);
}

/**
 * What a payment's applications bring to each job: items paid less credits used and less the
 * invoices' terms discounts taken, in cents. A statement discount belongs to no job.
 */
export function amountsByJob(applications: ReadonlyArray<{ jobId: string | null; itemType: ApplicationItemType; amountCents: Cents }>): Map<string, Cents> {
  const totals = new Map<string, Cents>();
  for (const application of applications) {
    if (!application.jobId || application.itemType === 'discount') continue;
    const signed = isDeductionLine(application.itemType) ? -application.amountCents : application.amountCents;
    totals.set(application.jobId, (totals.get(application.jobId) ?? 0) + signed);
  }
  for (const [jobId, cents] of totals) if (cents <= 0) totals.delete(jobId);
  return totals;
}

function longDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });
}
