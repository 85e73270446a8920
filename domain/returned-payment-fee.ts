import { achReturn } from './ach-returns';
import { formatCents } from './money';

/**
 * The fee a dealer charges when a customer's bank payment comes back. Our rule, kept simple:
 * every ACH return is charged when the dealer has set a fee, whatever its code — NSF (R01),
 * uncollected funds (R09), a closed account, a stop payment, and the unauthorized codes
 * alike (an AR team that decides otherwise voids the adjustment). A card decline, a card
 * dispute and an operator's refund are never charged: none of them is a return. Pure.
 */
export interface ReturnedPaymentFeeInput {
  method: 'ach' | 'card';
  /** The ACH return code; null when the payment failed for another reason. */
  returnCode: string | null;
  /** The dealer's setting at the time of the return; 0 = off. */
  feeCents: number;
  /** The payment's number as people know it ("P-100431"). */
  paymentNumber: string;
}

export interface ReturnedPaymentFeePlan {
  amountCents: number;
  /** The debit adjustment's document number: one per payment, so the same in our books and in Spruce. */
  adjustmentNumber: string;
  description: string;
}

export function returnedPaymentFee(input: ReturnedPaymentFeeInput): ReturnedPaymentFeePlan | null {
  if (input.method !== 'ach' || !input.returnCode?.trim()) return null;
  if (!Number.isSafeInteger(input.feeCents) || input.feeCents <= 0) return null;
  const entry = achReturn(input.returnCode);
  const code = entry.code || input.returnCode.trim().toUpperCase();
  return {
    amountCents: input.feeCents,
    adjustmentNumber: returnedPaymentFeeNumber(input.paymentNumber),
    description: `Returned payment fee — payment ${input.paymentNumber}, ${code} ${entry.known ? entry.name : 'returned by the bank'}`,
  };
}

/** "DM-RPF-P-100431": a debit memo by Spruce's convention, named after the payment it is for. */
export const returnedPaymentFeeNumber = (paymentNumber: string) => `DM-RPF-${paymentNumber}`;

/** One sentence for the customer's email about the return. */
export function returnedPaymentFeeSentence(fee: { amountCents: number; adjustmentNumber: string }, dealerName: string): string {
  return `${dealerName} has added a returned payment fee of ${formatCents(fee.amountCents)} to your account (${fee.adjustmentNumber}). You can pay it in the Payments portal together with the items.`;
}
