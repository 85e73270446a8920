import type { ApplicationItemType } from './payment-quote';

/**
 * How a payment's lines read wherever they are listed (preview, payment page, receipt, email,
 * console): credits and discounts take money off, everything else is paid.
 */
export const isDeductionLine = (type: ApplicationItemType): boolean => type === 'credit' || type === 'discount' || type === 'terms_discount';

/** The label of the discount sum: named for what the payment actually earned. */
export function discountSumLabel(types: readonly ApplicationItemType[]): string {
  const statement = types.includes('discount');
  const terms = types.includes('terms_discount');
  if (statement && terms) return 'Discounts';
  return terms ? 'Early-payment discount' : 'Statement discount';
}

/** Line order on every listing: what was paid, what credits took off, then discounts. */
export const LINE_ORDER: Record<ApplicationItemType, number> = { invoice: 0, debit: 1, credit: 2, discount: 3, terms_discount: 4, unapplied: 5 };
