import { HttpError } from 'react-admin';

/** Where in the refund dialog the API's refusal belongs: beside the field it is about, or under the form. */
export type RefusalPlace = 'amount' | 'items' | 'reason' | 'form';

type ApiErrorBody = { error?: { code?: string; details?: Array<{ field?: string }> } };

/**
 * The field a refusal is about. A 400 names its fields in `details`; `refund_invalid` is about
 * the amount asked for, which is the amount box or the items, whichever the operator used.
 */
export function refusalPlace(error: unknown, amountField: 'amount' | 'items' | null): RefusalPlace {
  const body = (error instanceof HttpError ? error.body : undefined) as ApiErrorBody | undefined;
  if (body?.error?.code === 'refund_invalid') return amountField ?? 'form';
  const field = body?.error?.details?.[0]?.field ?? '';
  if (field.startsWith('reason')) return 'reason';
  if (field.startsWith('amount_cents')) return 'amount';
  if (field.startsWith('items')) return 'items';
  return 'form';
}

/**
 * Whether the API answered with a refusal, so nothing moved and the next attempt is a new
 * request. A lost answer or a server fault may hide a refund that went through: the retry
 * must carry the same request id.
 */
export function refusedOutright(error: unknown): boolean {
  return error instanceof HttpError && error.status >= 400 && error.status < 500;
}
