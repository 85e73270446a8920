/**
 * Reconciliation of one settlement (or one day) across the three books that must agree:
 * Drypowder's own (payments and GL lines), the processor's transfers, and the ERP's posted
 * ledger. Pure: the caller fetches, this compares and lists every difference it finds.
 *
 * "Cash effect" is what a line does to what the customer owes, in cents: an invoice or debit
 * paid counts positive, a credit memo or statement discount taken counts negative (it paid
 * part of the invoice without money moving), and a reversal undoes the line it reverses. For
 * a payment, the cash effect of its lines equals what it charged less the customer's fee.
 */

export type { LineType } from './settlement';
import type { LineType } from './settlement';

export interface ReconPayment {
  id: string;
  number: string;
  amountCents: number;
  /** The fee the customer paid on top of the items (not applied to any document). */
  customerFeeCents: number;
  transferId: string | null;
  /** Belongs to the batch (false when only its reversal is handled here). */
  member: boolean;
  /** Its return is reversed here. */
  reversedHere: boolean;
  /** Its return is reversed on another settlement (so the processor may show it returned). */
  reversedElsewhere: boolean;
  /**
   * Money taken back from it on the settlements compared (a whole return, or the amounts of
   * refunds and chargebacks reversed here). Absent: all of it when reversed here.
   */
  reversedHereCents?: number;
  /** Money Drypowder has taken back from it in all, on any settlement. Absent: all of it once reversed anywhere. */
  reversedCents?: number;
}

export interface ReconLine {
  key: string;
  paymentNumber: string;
  lineType: LineType;
  /** For a reversal, the type of the line it reverses. */
  reversesType: LineType | null;
  documentId: string;
  /** Signed: negative for a reversal. */
  amountCents: number;
  status: 'pending' | 'posted' | 'rejected';
  erpPostingId: string | null;
  rejectedReason: string | null;
}

export interface ProcessorTransfer {
  transferId: string;
  amountCents: number;
  status: string;
  /** Returned (ACH), reversed or refunded in full. */
  returned: boolean;
  /** Money the processor has taken back of it (refunds, chargebacks lost, a return). Absent: all of it when returned, else none. */
  reversedCents?: number;
}

export interface LedgerPosting {
  id: string;
  idempotencyKey: string;
  type: LineType;
  amountCents: number;
  paymentReference: string;
  documentId: string | null;
  /** For a reversal, the type of the posting it reverses. */
  reversesType: LineType | null;
}

export type Side<T> = { available: true } & T | { available: false; reason: string };

export interface ReconInput {
  payments: ReconPayment[];
  lines: ReconLine[];
  /** Every line key Drypowder ever made for these payments (on any settlement). */
  knownKeys: ReadonlySet<string>;
  processor: Side<{ transfers: ReadonlyMap<string, ProcessorTransfer | null> }>;
  erp: Side<{ postings: LedgerPosting[] }>;
}

export interface Difference {
  kind:
    | 'payment_lines_mismatch'
    | 'transfer_missing'
    | 'transfer_amount_mismatch'
    | 'transfer_not_completed'
    | 'return_not_at_processor'
    | 'reversal_not_booked'
    | 'line_not_posted'
    | 'line_missing_in_ledger'
    | 'ledger_amount_mismatch'
    | 'ledger_has_unrecorded_posting'
    | 'ledger_unexpected_posting';
  paymentNumber: string;
  key?: string;
  drypowderCents?: number;
  otherCents?: number;
  message: string;
}

export interface ReconReport {
  drypowder: { paymentCount: number; collectedCents: number; returnedCents: number; lineCount: number; lineCashCents: number; postedLineCount: number; postedCashCents: number };
  processor: Side<{ transferCount: number; collectedCents: number; returnedCents: number }>;
  erp: Side<{ postingCount: number; cashCents: number }>;
  differences: Difference[];
  agrees: boolean;
  summary: string;
}

// A terms discount, like a statement discount, pays part of the invoice without money moving.
// Cash held on account is cash received; applying it later moves no money (docs/unapplied-credit.md).
const SIGN: Record<Exclude<LineType, 'reversal'>, 1 | 0 | -1> = {
  invoice_payment: 1, debit_payment: 1, credit_application: -1, statement_discount: -1, terms_discount: -1, unapplied_cash: 1, unapplied_cash_application: 0,
};

export function cashEffect(type: LineType, reversesType: LineType | null, amountCents: number): number {
  const magnitude = Math.abs(amountCents);
  if (type === 'reversal') return reversesType && reversesType !== 'reversal' ? -SIGN[reversesType] * magnitude : 0;
  return SIGN[type] * magnitude;
}

const reversedHereOf = (payment: ReconPayment) => payment.reversedHereCents ?? (payment.reversedHere ? payment.amountCents : 0);
const bookedReversalOf = (payment: ReconPayment) => payment.reversedCents ?? (payment.reversedHere || payment.reversedElsewhere ? payment.amountCents : 0);
const processorReversalOf = (transfer: ProcessorTransfer) => transfer.reversedCents ?? (transfer.returned ? transfer.amountCents : 0);

const dollars = (cents: number) => `${cents < 0 ? '-' : ''}$${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

export function reconcile(input: ReconInput): ReconReport {
  const differences: Difference[] = [];
  const members = input.payments.filter((payment) => payment.member);
  const returned = input.payments.filter((payment) => payment.reversedHere);

  // Drypowder against itself: each member payment's lines account for what it charged.
  for (const payment of members) {
    const own = input.lines.filter((line) => line.paymentNumber === payment.number && line.lineType !== 'reversal');
    if (own.length === 0) continue;
    const applied = own.reduce((sum, line) => sum + cashEffect(line.lineType, null, line.amountCents), 0);
    const expected = payment.amountCents - payment.customerFeeCents;
    if (applied !== expected) {
      differences.push({ kind: 'payment_lines_mismatch', paymentNumber: payment.number, drypowderCents: expected, otherCents: applied, message: `Payment ${payment.number} charged ${dollars(expected)} (fee excluded) but its GL lines apply ${dollars(applied)}.` });
    }
  }

  const drypowder = {
    paymentCount: members.length,
    collectedCents: members.reduce((sum, payment) => sum + payment.amountCents, 0),
    returnedCents: returned.reduce((sum, payment) => sum + reversedHereOf(payment), 0),
    lineCount: input.lines.length,
    lineCashCents: input.lines.reduce((sum, line) => sum + cashEffect(line.lineType, line.reversesType, line.amountCents), 0),
    postedLineCount: input.lines.filter((line) => line.status === 'posted').length,
    postedCashCents: input.lines.filter((line) => line.status === 'posted').reduce((sum, line) => sum + cashEffect(line.lineType, line.reversesType, line.amountCents), 0),
  };

  let processor: ReconReport['processor'] = { available: false, reason: 'not read' };
  if (input.processor.available) {
    const transfers = input.processor.transfers;
    let collected = 0;
    let returnedAtProcessor = 0;
    let count = 0;
    for (const payment of input.payments) {
      const transfer = payment.transferId ? transfers.get(payment.transferId) ?? null : null;
      if (!transfer) {
        differences.push({ kind: 'transfer_missing', paymentNumber: payment.number, drypowderCents: payment.amountCents, message: payment.transferId ? `The processor has no transfer ${payment.transferId} for payment ${payment.number}.` : `Payment ${payment.number} has no processor transfer recorded.` });
        continue;
      }
      count += 1;
      if (payment.member) collected += transfer.amountCents;
      returnedAtProcessor += processorReversalOf(transfer);
      if (transfer.amountCents !== payment.amountCents) {
        differences.push({ kind: 'transfer_amount_mismatch', paymentNumber: payment.number, drypowderCents: payment.amountCents, otherCents: transfer.amountCents, message: `Payment ${payment.number} is ${dollars(payment.amountCents)} here but ${dollars(transfer.amountCents)} at the processor.` });
      }
      // A late return, refund or chargeback: what Drypowder took back must be what the processor took.
      const booked = bookedReversalOf(payment);
      const atProcessor = processorReversalOf(transfer);
      if (payment.reversedHere && atProcessor < booked) {
        differences.push(atProcessor === 0
          ? { kind: 'return_not_at_processor', paymentNumber: payment.number, drypowderCents: booked, otherCents: 0, message: `Payment ${payment.number} is reversed here, but its transfer is ${transfer.status} at the processor, not returned.` }
          : { kind: 'return_not_at_processor', paymentNumber: payment.number, drypowderCents: booked, otherCents: atProcessor, message: `${dollars(booked)} of payment ${payment.number} is taken back here, but the processor took back only ${dollars(atProcessor)}.` });
      } else if (payment.member && !payment.reversedHere && transfer.status !== 'completed' && !(payment.reversedElsewhere && transfer.returned)) {
        differences.push({ kind: 'transfer_not_completed', paymentNumber: payment.number, drypowderCents: payment.amountCents, message: `Payment ${payment.number} is settled here but its transfer is ${transfer.status} at the processor.` });
      } else if (atProcessor > booked) {
        differences.push({ kind: 'reversal_not_booked', paymentNumber: payment.number, drypowderCents: booked, otherCents: atProcessor, message: `The processor took back ${dollars(atProcessor)} of payment ${payment.number}, but Drypowder has booked only ${dollars(booked)} as taken back.` });
      }
    }
    processor = { available: true, transferCount: count, collectedCents: collected, returnedCents: returnedAtProcessor };
  } else {
    processor = { available: false, reason: input.processor.reason };
  }

  let erp: ReconReport['erp'] = { available: false, reason: 'not read' };
  if (input.erp.available) {
    const numbers = new Set(input.payments.map((payment) => payment.number));
    const ours = new Map(input.lines.map((line) => [line.key, line]));
    const relevant = input.erp.postings.filter((posting) => ours.has(posting.idempotencyKey) || numbers.has(posting.paymentReference));
    const byKey = new Map<string, LedgerPosting>();
    for (const posting of relevant) {
      if (ours.has(posting.idempotencyKey)) byKey.set(posting.idempotencyKey, posting);
      else if (!input.knownKeys.has(posting.idempotencyKey)) {
        differences.push({ kind: 'ledger_unexpected_posting', paymentNumber: posting.paymentReference, key: posting.idempotencyKey, otherCents: posting.amountCents, message: `The ledger has a ${posting.type.replace('_', ' ')} of ${dollars(posting.amountCents)} for payment ${posting.paymentReference} (document ${posting.documentId ?? '-'}) that Drypowder never sent.` });
      }
    }
    for (const line of input.lines) {
      const posting = byKey.get(line.key);
      if (!posting) {
        differences.push(line.status === 'posted'
          ? { kind: 'line_missing_in_ledger', paymentNumber: line.paymentNumber, key: line.key, drypowderCents: line.amountCents, message: `Line ${line.documentId} of payment ${line.paymentNumber} is marked posted${line.erpPostingId ? '' : ' by hand'}, but the ledger has no posting for it.` }
          : { kind: 'line_not_posted', paymentNumber: line.paymentNumber, key: line.key, drypowderCents: line.amountCents, message: `Line ${line.documentId} of payment ${line.paymentNumber} is not in the ledger yet (${line.status}${line.rejectedReason ? `: ${line.rejectedReason}` : ''}).` });
        continue;
      }
      if (posting.amountCents !== Math.abs(line.amountCents) || posting.type !== line.lineType) {
        differences.push({ kind: 'ledger_amount_mismatch', paymentNumber: line.paymentNumber, key: line.key, drypowderCents: line.amountCents, otherCents: posting.amountCents, message: `Line ${line.documentId} of payment ${line.paymentNumber} is a ${line.lineType} of ${dollars(Math.abs(line.amountCents))} here but a ${posting.type} of ${dollars(posting.amountCents)} in the ledger.` });
      }
      if (line.status !== 'posted') {
        differences.push({ kind: 'ledger_has_unrecorded_posting', paymentNumber: line.paymentNumber, key: line.key, drypowderCents: line.amountCents, otherCents: posting.amountCents, message: `The ledger holds line ${line.documentId} of payment ${line.paymentNumber} (posting ${posting.id}), but Drypowder still has it ${line.status}.` });
      }
    }
    const matched = [...byKey.values()];
    erp = { available: true, postingCount: matched.length, cashCents: matched.reduce((sum, posting) => sum + cashEffect(posting.type, posting.reversesType, posting.amountCents), 0) };
  } else {
    erp = { available: false, reason: input.erp.reason };
  }

  const agrees = differences.length === 0 && processor.available && erp.available;
  return { drypowder, processor, erp, differences, agrees, summary: summarise(drypowder, processor, erp, differences) };
}

function summarise(drypowder: ReconReport['drypowder'], processor: ReconReport['processor'], erp: ReconReport['erp'], differences: Difference[]): string {
  if (differences.length > 0) {
    return `${differences.length} difference${differences.length === 1 ? '' : 's'} found; each is listed below.`;
  }
  const unread = [processor.available ? null : `the processor (${processor.reason})`, erp.available ? null : `the ERP ledger (${erp.reason})`].filter(Boolean);
  if (unread.length > 0) return `No differences in what could be compared; not compared: ${unread.join(' and ')}.`;
  return `Drypowder, the processor and the ERP ledger agree to the cent: ${drypowder.paymentCount} payments collected ${dollars(drypowder.collectedCents)}, ${dollars(drypowder.returnedCents)} returned, and ${drypowder.lineCount} GL lines applying ${dollars(drypowder.lineCashCents)} are all in the ledger.`;
}
