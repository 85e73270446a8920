/**
 * Short-pays: a customer paying part of an invoice or debit and saying why. The reason is the
 * dealer's lead on a claim (a damaged load, a short shipment, a price the customer disputes);
 * it reaches the operators' worklist, rides on the item's GL posting to Spruce as its memo, and
 * stops payment reminders for the item until an operator resolves it.
 */

export const SHORT_PAY_REASONS = ['damaged', 'short_shipped', 'pricing', 'other'] as const;
export type ShortPayReason = (typeof SHORT_PAY_REASONS)[number];

export const SHORT_PAY_REASON_LABELS: Record<ShortPayReason, string> = {
  damaged: 'Damaged',
  short_shipped: 'Short-shipped',
  pricing: 'Pricing',
  other: 'Other',
};

/** How the AR team settled the claim; every one of them lets reminders resume for what is left. */
export const SHORT_PAY_RESOLUTIONS = ['credit_issued', 'customer_to_pay', 'written_off'] as const;
export type ShortPayResolution = (typeof SHORT_PAY_RESOLUTIONS)[number];

export const SHORT_PAY_RESOLUTION_LABELS: Record<ShortPayResolution, string> = {
  credit_issued: 'Credit memo issued',
  customer_to_pay: 'Claim declined: customer owes the rest',
  written_off: 'Written off',
};

export const SHORT_PAY_NOTE_MAX = 500;

/** Spruce keeps 500 characters of memo; the reason comes first so a cut never loses it. */
const ERP_MEMO_MAX = 500;

export function shortPayMemo(base: string, reason: ShortPayReason, note: string | null): string {
  const claim = `${base}; short-paid: ${SHORT_PAY_REASON_LABELS[reason]}${note ? ` (${note})` : ''}`;
  return claim.length <= ERP_MEMO_MAX ? claim : `${claim.slice(0, ERP_MEMO_MAX - 1)}…`;
}
