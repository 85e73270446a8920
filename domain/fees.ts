/**
 * Processing fees: what the processor costs the dealer, and what (if anything) the customer
 * pays on top of the amount owed.
 *
 * Rules, in order:
 *  1. The dealer's processing cost is always computed and recorded for the settlement, whoever
 *     pays: ACH → the flat ACH fee; card → the funding's rate on the amount charged (owed + any
 *     customer fee, since the processor prices the whole transfer) plus the card flat fee.
 *     Debit and prepaid cards take the debit rate; credit and unknown funding the credit rate
 *     (the costlier assumption).
 *  2. When the dealer absorbs fees (fee_payer 'dealer') the customer pays nothing extra.
 *  3. ACH, customer pays: the flat ACH fee.
 *  4. Card, customer pays: a customer fee on a card is a surcharge, and card rules allow it
 *     only on credit cards — never debit, prepaid, or a card whose funding we could not
 *     confirm — and never for a billing address in a state the dealer lists as forbidding
 *     surcharges. When the dealer lists any such state and the billing state is unknown, no
 *     surcharge (we cannot show it is allowed). The surcharge is credit rate × base + card
 *     flat fee, capped at 3% of the base.
 *
 * Rounding (the one rule, shared with domain/money.ts): a percentage of an amount is
 * `amount × bps / 10000` rounded half away from zero to a whole cent (applyBasisPoints), and
 * the flat fee is added after rounding. The 3% cap is the one exception: it is rounded DOWN
 * (floor(base × 300 / 10000)) so a surcharge can never exceed 3.00% of the base, even by half
 * a cent. Example: base $10.01, 2.90% + $0.30 → 29.029 → 29¢ + 30¢ = 59¢; cap floor(30.03) =
 * 30¢ → surcharge 30¢.
 *
 * Pure: no I/O, no clock. Safe in workflows.
 */
import { z } from 'zod';
import { applyBasisPoints, assertCents, formatCents, MoneyError, type Cents } from './money';

export type FeePayer = 'dealer' | 'customer';
export type PaymentMethodKind = 'ach' | 'card';
export type CardFunding = 'credit' | 'debit' | 'prepaid' | 'unknown';

/** A dealer's fee schedule; mirrors the dealers columns of the same names. */
export interface FeeSchedule {
  feePayer: FeePayer;
  achFeeCents: Cents;
  cardCreditRateBps: number;
  cardDebitRateBps: number;
  cardFlatFeeCents: Cents;
  /** Two-letter state codes where the dealer may not surcharge card payments. */
  surchargeForbiddenStates: readonly string[];
}

/** Card surcharges never exceed 3% of the amount owed. */
export const SURCHARGE_CAP_BPS = 300;

export const feeScheduleSchema = z.object({
  feePayer: z.enum(['dealer', 'customer']),
  achFeeCents: z.number().int().min(0),
  cardCreditRateBps: z.number().int().min(0).max(10_000),
  cardDebitRateBps: z.number().int().min(0).max(10_000),
  cardFlatFeeCents: z.number().int().min(0),
  surchargeForbiddenStates: z.array(z.string().trim().regex(/^[A-Za-z]{2}$/, 'a two-letter state code').transform((s) => s.toUpperCase())),
});

/** The dealers row columns the schedule is read from (int8 arrives as number, see db/connection.ts). */
export interface DealerFeeColumns {
  fee_payer: FeePayer;
  ach_fee_cents: number;
  card_credit_rate_bps: number;
  card_debit_rate_bps: number;
  card_flat_fee_cents: number;
  surcharge_forbidden_states: readonly string[] | null;
}

/** Maps a dealers row to a FeeSchedule, normalising state codes. Throws on an invalid schedule. */
export function feeScheduleFromDealer(row: DealerFeeColumns): FeeSchedule {
  return feeScheduleSchema.parse({
    feePayer: row.fee_payer,
    achFeeCents: row.ach_fee_cents,
    cardCreditRateBps: row.card_credit_rate_bps,
    cardDebitRateBps: row.card_debit_rate_bps,
    cardFlatFeeCents: row.card_flat_fee_cents,
    surchargeForbiddenStates: row.surcharge_forbidden_states ?? [],
  });
}

export type FeeKind = 'none' | 'ach_fee' | 'card_surcharge';

/** Why the fee is what it is; `explanation` says the same for people. */
export type FeeReason =
  | 'nothing_to_pay'
  | 'dealer_absorbs'
  | 'ach_no_fee'
  | 'ach_flat_fee'
  | 'card_no_fee'
  | 'card_not_credit'
  | 'surcharge_forbidden_in_state'
  | 'billing_state_unknown'
  | 'credit_surcharge'
  | 'credit_surcharge_capped';

export interface FeeInput {
  method: PaymentMethodKind;
  /** Card funding as the processor reports it; absent counts as 'unknown'. Ignored for ACH. */
  cardFunding?: CardFunding | null;
  /** Two-letter billing state of the card; needed for a surcharge when the dealer forbids any state. */
  billingState?: string | null;
  /** What the customer owes before fees (items − credits − discount), ≥ 0. */
  baseCents: Cents;
  schedule: FeeSchedule;
}

export interface FeeResult {
  /** Added to what the customer is charged. */
  customerFeeCents: Cents;
  /** What the processor charges the dealer for this payment, recorded for the settlement. */
  processingCostCents: Cents;
  kind: FeeKind;
  reason: FeeReason;
  /** One sentence for the payment preview. */
  explanation: string;
}

/** The fee rules above. Throws MoneyError on a negative or fractional base or an invalid schedule. */
export function computeFees(input: FeeInput): FeeResult {
  const { method, baseCents, schedule } = input;
  assertCents(baseCents, 'base amount');
  if (baseCents < 0) throw new MoneyError(`base amount must not be negative, got ${baseCents}`);
  assertSchedule(schedule);
  const funding: CardFunding = method === 'card' ? input.cardFunding ?? 'unknown' : 'unknown';

  if (baseCents === 0) return result(0, 0, 'none', 'nothing_to_pay', 'Nothing is owed, so there is no fee.');

  const customerFee = customerFeeFor(method, funding, normaliseState(input.billingState), baseCents, schedule);
  const processingCostCents = processingCost(method, funding, baseCents + customerFee.cents, schedule);
  return result(customerFee.cents, processingCostCents, customerFee.kind, customerFee.reason, customerFee.explanation);
}

/** The largest surcharge allowed on a base: 3% rounded down. */
export function surchargeCapCents(baseCents: Cents): Cents {
  assertCents(baseCents, 'base amount');
  if (baseCents < 0) throw new MoneyError(`base amount must not be negative, got ${baseCents}`);
  return Number((BigInt(baseCents) * BigInt(SURCHARGE_CAP_BPS)) / 10_000n);
}

function customerFeeFor(
  method: PaymentMethodKind,
  funding: CardFunding,
  billingState: string | null,
  baseCents: Cents,
  schedule: FeeSchedule,
): { cents: Cents; kind: FeeKind; reason: FeeReason; explanation: string } {
  const none = (reason: FeeReason, explanation: string) => ({ cents: 0, kind: 'none' as const, reason, explanation });
  if (schedule.feePayer === 'dealer') return none('dealer_absorbs', 'No fee: your supplier covers the cost of processing this payment.');

  if (method === 'ach') {
    if (schedule.achFeeCents === 0) return none('ach_no_fee', 'No fee for paying from a bank account.');
    return { cents: schedule.achFeeCents, kind: 'ach_fee', reason: 'ach_flat_fee', explanation: `A flat fee of ${formatCents(schedule.achFeeCents)} applies to bank (ACH) payments.` };
  }

  if (funding !== 'credit') {
    const card = funding === 'unknown' ? 'this card could not be confirmed as a credit card' : `this is a ${funding} card`;
    return none('card_not_credit', `No fee: a card fee may only be charged on credit cards, and ${card}.`);
  }
  const forbidden = new Set(schedule.surchargeForbiddenStates.map((state) => state.toUpperCase()));
  if (billingState !== null && forbidden.has(billingState)) {
    return none('surcharge_forbidden_in_state', `No fee: card surcharges are not permitted for billing addresses in ${billingState}.`);
  }
  if (billingState === null && forbidden.size > 0) {
    return none('billing_state_unknown', 'No fee: without the card\u2019s billing state we cannot confirm a surcharge is permitted.');
  }
  const uncapped = applyBasisPoints(baseCents, schedule.cardCreditRateBps) + schedule.cardFlatFeeCents;
  if (uncapped === 0) return none('card_no_fee', 'No fee for paying by card.');
  const cap = surchargeCapCents(baseCents);
  if (uncapped > cap) {
    if (cap === 0) return none('card_no_fee', 'No fee: the amount is too small for a card surcharge.');
    return {
      cents: cap,
      kind: 'card_surcharge',
      reason: 'credit_surcharge_capped',
      explanation: `A credit card surcharge of ${formatCents(cap)} applies (limited to 3% of the amount paid). Debit cards carry no surcharge.`,
    };
  }
  return {
    cents: uncapped,
    kind: 'card_surcharge',
    reason: 'credit_surcharge',
    explanation: `A credit card surcharge of ${formatCents(uncapped)} (${describeRate(schedule.cardCreditRateBps, schedule.cardFlatFeeCents)}) applies. Debit cards carry no surcharge.`,
  };
}

function processingCost(method: PaymentMethodKind, funding: CardFunding, chargedCents: Cents, schedule: FeeSchedule): Cents {
  if (method === 'ach') return schedule.achFeeCents;
  const rate = funding === 'debit' || funding === 'prepaid' ? schedule.cardDebitRateBps : schedule.cardCreditRateBps;
  return applyBasisPoints(chargedCents, rate) + schedule.cardFlatFeeCents;
}

function describeRate(bps: number, flatCents: Cents): string {
  const percent = `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}%`;
  if (bps === 0) return formatCents(flatCents);
  return flatCents === 0 ? percent : `${percent} + ${formatCents(flatCents)}`;
}

function normaliseState(state: string | null | undefined): string | null {
  const trimmed = state?.trim().toUpperCase();
  return trimmed ? trimmed : null;
}

function result(customerFeeCents: Cents, processingCostCents: Cents, kind: FeeKind, reason: FeeReason, explanation: string): FeeResult {
  return { customerFeeCents, processingCostCents, kind, reason, explanation };
}

function assertSchedule(schedule: FeeSchedule): void {
  for (const [name, value] of [['achFeeCents', schedule.achFeeCents], ['cardFlatFeeCents', schedule.cardFlatFeeCents]] as const) {
    assertCents(value, name);
    if (value < 0) throw new MoneyError(`${name} must not be negative`);
  }
  for (const [name, value] of [['cardCreditRateBps', schedule.cardCreditRateBps], ['cardDebitRateBps', schedule.cardDebitRateBps]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 10_000) throw new MoneyError(`${name} must be whole basis points between 0 and 10000, got ${value}`);
  }
  if (schedule.feePayer !== 'dealer' && schedule.feePayer !== 'customer') throw new MoneyError(`feePayer must be dealer or customer, got ${String(schedule.feePayer)}`);
}
